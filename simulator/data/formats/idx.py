"""MNIST-style IDX files: ``*-images-idx3-ubyte`` with ``*-labels-idx1-ubyte``, gzipped or not.

Format (big-endian): two zero bytes, a type code (0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int,
0x0D float, 0x0E double), the number of dimensions, one 4-byte size per dimension, then the
values in C order. The header is checked before anything is allocated: the declared size must
fit under the memory cap and match the stored payload exactly.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO, cast

import numpy as np

from simulator.data.dataset import Dataset
from simulator.data.formats import DataFormat
from simulator.data.labels import encode_integer_labels
from simulator.data.options import (
    DEFAULT_MAX_BYTES,
    check_budget,
    check_file,
    check_max_bytes,
    check_memory,
)
from simulator.errors import DataError
from simulator.paths import open_regular

IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MAX_DIMS = 4
GZIP_MAGIC = b"\x1f\x8b"
#: Deflate never expands more than about 1032 times; a header that declares more is a lie.
MAX_DEFLATE_RATIO = 1100


def read_idx(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """The array stored in one IDX file (gzipped or not), in native byte order."""
    size = check_file(path, check_max_bytes(max_bytes))
    with open_regular(path, f"'{path.name}'") as raw:
        zipped = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        try:
            with gzip.GzipFile(fileobj=raw, mode="rb") if zipped else raw as stream:
                return _read(cast(BinaryIO, stream), path, size, zipped, max_bytes)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise DataError(f"'{path.name}' is not a valid gzip file ({exc}); it may be "
                            "truncated") from exc


def _read(stream: BinaryIO, path: Path, size: int, zipped: bool, max_bytes: int) -> np.ndarray:
    """Check the header against the caps and the file's size, then read the values straight
    into their array (no intermediate copy), before the file's data is inflated."""
    head = stream.read(4)
    if len(head) < 4:
        raise DataError(f"'{path.name}' is too short to be an IDX file ({len(head)} bytes)")
    if head[0] or head[1]:
        raise DataError(f"'{path.name}' is not an IDX file: it starts with bytes "
                        f"0x{head[0]:02X} 0x{head[1]:02X}, and an IDX file starts with two zeros")
    code, ndim = head[2], head[3]
    if code not in IDX_TYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_TYPES)
        raise DataError(f"'{path.name}': unknown IDX type code 0x{code:02X} (known: {known})")
    if not 1 <= ndim <= MAX_DIMS:
        raise DataError(f"'{path.name}': IDX header declares {ndim} dimensions; 1 to "
                        f"{MAX_DIMS} are supported")
    raw_dims = stream.read(4 * ndim)
    if len(raw_dims) < 4 * ndim:
        raise DataError(f"'{path.name}': the IDX header is cut short")
    dims = struct.unpack(f">{ndim}I", raw_dims)
    dtype = np.dtype(IDX_TYPES[code])
    count = math.prod(dims)
    nbytes = count * dtype.itemsize
    shown = "×".join(map(str, dims))
    if count == 0:
        what = "images" if ndim == 3 else "labels" if ndim == 1 else "samples"
        raise DataError(f"'{path.name}' holds no data: its header declares {shown} values "
                        f"({dims[0]} {what}); it is empty or was written incompletely")
    check_budget(f"'{path.name}'", count * max(dtype.itemsize, 4), max_bytes,
                 f"its {shown} values")
    stored = size - 4 - 4 * ndim
    if not zipped and stored != nbytes:
        raise DataError(f"'{path.name}': the header declares {shown} values of "
                        f"{dtype.itemsize} byte(s) = {nbytes} bytes, but the file holds {stored};"
                        f" it is {'truncated' if stored < nbytes else 'longer than declared'}")
    if zipped and nbytes > MAX_DEFLATE_RATIO * size:
        raise DataError(f"'{path.name}': the header declares {shown} values ({nbytes:,} bytes), "
                        f"more than a {size:,}-byte gzip file can hold; the file is damaged or "
                        "a compression bomb")
    # The values, then (in load_idx) a float copy of them (and a mask to check them).
    check_memory(f"'{path.name}'", nbytes + count * 8 + count, f"its {shown} values")
    array = np.empty(count, dtype=dtype)
    fewer = _read_into(stream, array.data.cast("B")) != nbytes
    if fewer or stream.read(1):
        raise DataError(f"'{path.name}': the header declares {shown} values ({nbytes} bytes) "
                        f"but the data holds {'fewer' if fewer else 'more'}")
    if dtype.byteorder == ">":
        array = array.byteswap(inplace=True).view(dtype.newbyteorder("="))
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise DataError(f"'{path.name}' holds NaN or infinite values")
    return array.reshape(dims)


def _read_into(stream: BinaryIO, buffer: memoryview) -> int:
    """Fill ``buffer`` from ``stream``; the number of bytes read (less at the end of data)."""
    done = 0
    while done < len(buffer):
        got = stream.readinto(buffer[done:])  # type: ignore[attr-defined]
        if not got:
            break
        done += got
    return done


def find_labels(images: Path) -> Path:
    """The labels file beside ``images`` by the standard names (…-images-idx3 ↔ …-labels-idx1)."""
    base = images.name.removesuffix(".gz")
    guess = base.replace("images", "labels").replace("idx3", "idx1")
    candidates = [] if guess == base else [guess, guess + ".gz"]
    for name in candidates:
        if (images.parent / name).is_file():
            return images.parent / name
    looked = f" (looked for {' and '.join(candidates)})" if candidates else ""
    raise DataError(f"no labels file found next to '{images.name}'{looked}; pass "
                    "labels='path/to/…-labels-idx1-ubyte'")


def load_idx(path: Path, *, labels: str | os.PathLike[str] | None = None,
             max_bytes: int = DEFAULT_MAX_BYTES) -> Dataset:
    """Images (N, 1, H, W) float32 (or vectors (N, F) float64) with their integer labels."""
    images = read_idx(path, max_bytes)
    if images.ndim == 1:
        raise DataError(f"'{path.name}' holds one value per sample, like a labels file; open "
                        "the images file (…-images-idx3-ubyte) and its labels are found beside it")
    if images.ndim > 3:
        raise DataError(f"'{path.name}' holds {images.ndim}-D samples "
                        f"{list(images.shape[1:])}; expected images (N, rows, columns)")
    if labels is not None and not isinstance(labels, str | os.PathLike):
        raise DataError(f"option 'labels' must be the path of the labels file, got {labels!r}")
    labels_path = Path(labels).expanduser() if labels is not None else find_labels(path)
    targets = read_idx(labels_path, max_bytes)
    if targets.ndim != 1 or targets.dtype.kind not in "iu":
        raise DataError(f"'{labels_path.name}' is not an IDX labels file: expected one integer "
                        f"per sample, found {targets.dtype} of shape {list(targets.shape)}")
    if len(targets) != len(images):
        raise DataError(f"'{path.name}' has {len(images)} images but '{labels_path.name}' has "
                        f"{len(targets)} labels; they must come from the same set")
    y, class_names = encode_integer_labels(targets)
    x = images[:, None].astype(np.float32) if images.ndim == 3 else images.astype(np.float64)
    name = path.name.removesuffix(".gz")
    return Dataset(name, x, y, class_names=class_names,
                   description=f"{len(x)} samples from {path.name} and {labels_path.name}",
                   source=str(path))


#: Named ``…-images-idx3-ubyte`` / ``…-labels-idx1-ubyte`` (or ``.idx``), gzipped or not; the
#: content starts with two zero bytes (or is a gzip stream).
FORMAT = DataFormat("idx", "MNIST IDX files", load_idx,
                    suffixes=("idx1-ubyte", "idx3-ubyte", ".idx"), magic=(b"\x00\x00", GZIP_MAGIC),
                    gzip=True)
