"""Writers for real dataset files: IDX (plain and gzipped) and images."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
from PIL import Image

IDX_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(">i2"): 0x0B,
             np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of ``array``: two zero bytes, type code, ndim, big-endian dims, data."""
    dtype = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    code = IDX_CODES[dtype]
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape)
    return header + array.astype(dtype).tobytes()


def write_idx(path: Path, array: np.ndarray | bytes, gz: bool = False) -> Path:
    data = array if isinstance(array, bytes) else idx_bytes(array)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def save_image(path: Path, size: tuple[int, int] = (8, 6), mode: str = "L", value: int = 100,
               fmt: str | None = None) -> Path:
    """A flat image of ``size`` (width, height); ``value`` fills every channel."""
    path.parent.mkdir(parents=True, exist_ok=True)
    channels = {"L": 1, "RGB": 3, "RGBA": 4}.get(mode)
    if mode == "P":
        image = Image.new("P", size, 0)
        image.putpalette([value, value, value] * 256)
    else:
        fill = value if channels == 1 else (value,) * channels
        image = Image.new(mode, size, fill)
    image.save(path, format=fmt)
    return path
