"""NumPy ``.npz`` archives without pickle: every ``.npy`` header is parsed and checked first.

:func:`read_npz` reads the archive through :mod:`simulator.io.safe_zip`, then for each member
parses the ``.npy`` header (bounded by NumPy's own ``max_header_size``), accepts only the
dtypes asked for (little-endian, never object or structured), and requires the bytes present
to be exactly ``product(shape) × itemsize`` *before* anything is allocated, so a header that
declares ``(2**40,)`` with 16 bytes of data is refused instantly.

Member names are the array keys plus ``.npy``; the few characters that are unsafe or ambiguous
in a zip member name (``/``, ``\\``, ``:``, ``%`` and control characters) are percent-encoded,
and everything else, letters of any script included, is kept as it is, so ``np.load`` shows
ordinary keys unchanged. (Files written before kept only ASCII: their fully percent-encoded
names are read too.)
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping
from urllib.parse import quote, unquote

import numpy as np

from simulator.errors import ModelFileError
from simulator.io import safe_zip

FLOAT_DTYPES = ("<f4", "<f8")
NUMERIC_DTYPES = (*FLOAT_DTYPES, "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "|b1")
#: Most arrays one archive may hold (a network has at most 1000 layers of a few tensors each).
MAX_ARRAYS = 5000
MAX_HEADER_BYTES = 10_000


_ENCODED = frozenset("%/\\:")


def member_name(key: str) -> str:
    return "".join(quote(c, safe="") if c in _ENCODED or not c.isprintable() else c
                   for c in key) + ".npy"


def _legacy_member_name(key: str) -> str:
    return quote(key, safe="") + ".npy"


def write_npz(arrays: Mapping[str, np.ndarray], dtypes: Collection[str] = FLOAT_DTYPES) -> bytes:
    """An uncompressed ``.npz`` of ``arrays`` (C order, little-endian), reproducible bytes."""
    members: dict[str, bytes] = {}
    for key, value in arrays.items():
        array = np.asarray(value)
        if array.dtype.byteorder == ">":
            array = array.astype(array.dtype.newbyteorder("<"))
        if array.dtype.str not in dtypes:
            raise ModelFileError(f"array {key!r} has dtype {array.dtype}; only "
                                 f"{', '.join(dtypes)} can be saved")
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, np.array(array, order="C"), version=(1, 0),
                                  allow_pickle=False)
        members[member_name(key)] = buffer.getvalue()
    return safe_zip.write_zip(members, stored=members)


def read_npz(data: bytes, what: str, dtypes: Collection[str] = FLOAT_DTYPES
             ) -> dict[str, np.ndarray]:
    """The arrays in the ``.npz`` bytes ``data``, keyed as they were saved."""
    limits = safe_zip.Limits.default(members=MAX_ARRAYS)
    members = safe_zip.read_zip(data, what, limits=limits)
    arrays: dict[str, np.ndarray] = {}
    for name, blob in members.items():
        if not name.endswith(".npy"):
            raise ModelFileError(f"{what}: member {name!r} is not a .npy array")
        try:
            key = unquote(name[:-4], errors="strict")
        except UnicodeDecodeError:
            key = ""
        if not key or name not in (member_name(key), _legacy_member_name(key)):
            raise ModelFileError(f"{what}: member name {name!r} is not in canonical form")
        arrays[key] = parse_npy(blob, f"{what}: array {key!r}", dtypes)
    return arrays


def parse_npy(blob: bytes, what: str, dtypes: Collection[str] = FLOAT_DTYPES) -> np.ndarray:
    """One ``.npy`` file's array, after checking its header against the bytes present."""
    stream = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(stream, MAX_HEADER_BYTES)
        elif version == (2, 0):
            header = np.lib.format.read_array_header_2_0(stream, MAX_HEADER_BYTES)
        else:
            raise ModelFileError(f"{what} uses .npy format version {version}; "
                                 "only 1.0 and 2.0 are read")
    except ModelFileError:
        raise
    except (ValueError, EOFError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise ModelFileError(f"{what} has an invalid .npy header ({first_line})") from None
    shape, fortran_order, dtype = header
    if dtype.str not in dtypes:
        raise ModelFileError(f"{what} has dtype {dtype.str!r}; expected one of "
                             f"{', '.join(dtypes)} (little-endian, no objects)")
    if not all(isinstance(d, int) and d >= 0 for d in shape) or len(shape) > 32:
        raise ModelFileError(f"{what} declares an invalid shape {shape!r}")
    count = 1
    for d in shape:
        count *= d
    offset = stream.tell()
    stored = len(blob) - offset
    if count * dtype.itemsize != stored:
        raise ModelFileError(f"{what} declares shape {list(shape)} ({count * dtype.itemsize:,} "
                             f"bytes) but holds {stored:,} bytes; the file is damaged")
    flat = np.frombuffer(blob, dtype=dtype, count=count, offset=offset)
    return np.array(flat.reshape(shape, order="F" if fortran_order else "C"), order="C")
