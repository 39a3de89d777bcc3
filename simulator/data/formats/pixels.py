"""One Pillow image to a (C, H, W) float32 array with values 0..255, whatever its mode.

Palette images go through RGBA (so their transparency is honoured), 16-bit grey images are
scaled to 0..255 rather than clipped, and every image is resized with bilinear filtering.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from simulator.checks import is_integer
from simulator.errors import DataError

Size = tuple[int, int]
GREY_MODES = frozenset({"1", "L", "LA", "La", "I", "F", "I;16", "I;16B", "I;16L", "I;16N"})
MAX_SIDE = 4096


def check_size(size: int | Sequence[int] | None) -> Size | None:
    """``size`` as (height, width), or None to keep the first image's size."""
    if size is None:
        return None
    pair = (size, size) if is_integer(size) else size
    if (isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2
            or not all(is_integer(v) and 1 <= v <= MAX_SIDE for v in pair)):
        raise DataError(f"option 'size' must be a side length or (height, width), each 1.."
                        f"{MAX_SIDE}, got {size!r}")
    return int(pair[0]), int(pair[1])


def _grey_float(image: Image.Image) -> Image.Image:
    """A 32-bit float ("F") copy of a 16/32-bit integer or float grey image, in 0..255."""
    values = np.asarray(image, dtype=np.float64)
    if image.mode.startswith("I;16") or (image.mode == "I" and values.max(initial=0) > 255):
        values = values / 257.0
    return Image.fromarray(np.clip(values, 0.0, 255.0).astype(np.float32))


def pixels(image: Image.Image, color: str, size: Size) -> np.ndarray:
    """(1, H, W) for "grayscale", (3, H, W) for "rgb"; float32 in 0..255."""
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        image = _grey_float(image)
        if color == "rgb":
            grey = pixels(image, "grayscale", size)
            return np.repeat(grey, 3, axis=0)
    else:
        image = image.convert("L" if color == "grayscale" else "RGB")
    height, width = size
    if (image.height, image.width) != (height, width):
        image = image.resize((width, height), Image.Resampling.BILINEAR)
    array = np.asarray(image, dtype=np.float32)
    return array[None] if array.ndim == 2 else array.transpose(2, 0, 1).copy()
