"""Built-in image sets (NCHW float32), all available offline.

- ``digits``: scikit-learn's real handwritten digits (1,797 samples, 8×8, ten classes "0".."9").
  Pixel values are the original 17 grey levels, 0..16 (not 0..255): pick the ``minmax``
  preprocessing (or ``standardize``), not ``pixels``.
- ``digits16``: the same digits upscaled to 16×16 (bilinear), as in the course's 16×16 = 256
  inputs example; values stay in 0..16.
- ``shapes``: generated 28×28 pictures of circles, squares, triangles and lines at random
  positions and sizes, values in [0, 1] (white shapes on black plus Gaussian noise, clipped).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from simulator.data.dataset import Dataset
from simulator.data.options import check_generator

DIGIT_NAMES = [str(i) for i in range(10)]
SHAPE_NAMES = ["circle", "square", "triangle", "line"]
SHAPE_SIZE = 28


def _digits_8x8() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # scikit-learn takes ~0.7 s to import: on demand

    bunch = load_digits()
    return bunch.images.astype(np.float32), bunch.target.astype(np.int64)


def digits() -> Dataset:
    """The real 8×8 handwritten digits, x (1797, 1, 8, 8) with values 0..16."""
    images, labels = _digits_8x8()
    return Dataset("digits", images[:, None], labels, class_names=list(DIGIT_NAMES),
                   description="Handwritten digits, 8x8 pixels, values 0..16 (scikit-learn)")


def digits16() -> Dataset:
    """The same digits upscaled to 16×16 with bilinear interpolation, values 0..16."""
    images, labels = _digits_8x8()
    big = np.stack([
        np.asarray(Image.fromarray(image).resize((16, 16), Image.Resampling.BILINEAR))
        for image in images
    ])
    return Dataset("digits16", np.clip(big, 0.0, 16.0)[:, None], labels,
                   class_names=list(DIGIT_NAMES),
                   description="Handwritten digits upscaled to 16x16, values 0..16")


def _draw(kind: int, rng: np.random.Generator) -> np.ndarray:
    image = Image.new("L", (SHAPE_SIZE, SHAPE_SIZE), 0)
    draw = ImageDraw.Draw(image)
    side = int(rng.integers(9, 21))
    left, top = (int(v) for v in rng.integers(1, SHAPE_SIZE - side, 2))
    box = (left, top, left + side, top + side)
    filled = bool(rng.random() < 0.5)
    fill, width = (255 if filled else None), 2
    if kind == 0:
        draw.ellipse(box, fill=fill, outline=255, width=width)
    elif kind == 1:
        draw.rectangle(box, fill=fill, outline=255, width=width)
    elif kind == 2:
        apex, base = (top, top + side) if rng.random() < 0.5 else (top + side, top)
        points = [(left, base), (left + side, base), (left + side / 2, apex)]
        draw.polygon(points, fill=fill, outline=255, width=width)
    else:
        angle = rng.uniform(0.0, np.pi)
        cx, cy, half = left + side / 2, top + side / 2, side / 2
        dx, dy = half * np.cos(angle), half * np.sin(angle)
        draw.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill=255, width=width)
    return np.asarray(image, dtype=np.float32) / 255.0


def shapes(n: int = 1000, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Circles, squares, triangles and lines, x (n, 1, 28, 28) in [0, 1], balanced classes."""
    check_generator(n, noise, seed, n_max=100_000, classes=len(SHAPE_NAMES))
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(SHAPE_NAMES)).astype(np.int64)
    x = np.stack([_draw(int(kind), rng) for kind in labels])[:, None]
    if noise > 0:
        x = np.clip(x + rng.normal(0.0, noise, x.shape).astype(np.float32), 0.0, 1.0)
    return Dataset("shapes", x.astype(np.float32), labels, class_names=list(SHAPE_NAMES),
                   description="Circles, squares, triangles and lines, 28x28")
