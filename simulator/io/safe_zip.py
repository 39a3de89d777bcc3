"""Read zip containers as hostile input, in memory; write them byte-for-byte reproducibly.

Reading never extracts anything to disk. Before a member is read, its name, count, declared
size and compression ratio are checked against the caps below (module attributes, read at call
time, so tests can patch them down); the bytes read are then checked against the declared size.
Every problem raises :class:`ModelFileError` naming the file and what was wrong.

The ratio rule cannot refuse a file this program wrote: it applies only to members larger than
:data:`RATIO_FLOOR`, which is above the largest JSON member any reader accepts, and the members
that can be larger (the ``.npz`` arrays) are always stored uncompressed (ratio 1).

Writing sorts the members by name and stamps fixed dates and permissions, so the same content
always gives the same bytes.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from simulator.errors import ModelFileError

MAX_MEMBERS = 64
MAX_MEMBER_BYTES = 512 * 2**20
MAX_TOTAL_BYTES = 2**30
#: A member larger than this may not be more than ``MAX_RATIO`` times its compressed size
#: (above the 10 MiB a JSON member may hold, so our own deflated JSON never trips it).
RATIO_FLOOR = 32 * 2**20
MAX_RATIO = 100
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Exceptions the standard library raises on malformed archives.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
              ValueError, NotImplementedError, RuntimeError, struct.error, OverflowError)
_EOCD = b"PK\x05\x06"


@dataclass(frozen=True)
class Limits:
    members: int
    member_bytes: int
    total_bytes: int
    ratio_floor: int
    max_ratio: float

    @classmethod
    def default(cls, members: int | None = None) -> Limits:
        return cls(MAX_MEMBERS if members is None else members, MAX_MEMBER_BYTES,
                   MAX_TOTAL_BYTES, RATIO_FLOOR, MAX_RATIO)


def read_zip(
    source: bytes | BinaryIO,
    what: str,
    *,
    allowed: Collection[str] | None = None,
    limits: Limits | None = None,
    member_limits: Mapping[str, int] | None = None,
) -> dict[str, bytes]:
    """All members of the archive ``source`` as ``{name: bytes}``; ``what`` names it in errors.

    With ``allowed``, any other member name is refused; ``member_limits`` caps the declared
    size of the members it names (checked before they are inflated).
    """
    limits = limits or Limits.default()
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        _check_declared_count(handle, what, limits)
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            _check_infos(infos, what, allowed, limits, member_limits or {})
            return {info.filename: _read_member(archive, info, what) for info in infos}
    except ModelFileError:
        raise
    except ZIP_ERRORS as exc:
        raise ModelFileError(f"{what} is not a valid archive ({_describe(exc)})") from None


def write_zip(members: Mapping[str, bytes], *, stored: Collection[str] = ()) -> bytes:
    """A zip of ``members`` (deflated, except names in ``stored``) with reproducible bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            check_member_name(name, "archive")
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name], compresslevel=6)
    return buffer.getvalue()


def check_member_name(name: str, what: str) -> None:
    """Refuse names that could point outside the container or are ambiguous."""
    problem = None
    if not name or len(name) > 255:
        problem = "an empty or over-long name"
    elif "\\" in name or ":" in name:
        problem = "a backslash or drive letter"
    elif name.startswith("/"):
        problem = "an absolute path"
    elif any(part in ("", ".", "..") for part in name.split("/")):
        problem = "a '..' or empty path component"
    elif any(ord(c) < 32 or ord(c) == 127 for c in name):
        problem = "control characters"
    if problem:
        raise ModelFileError(f"{what} has a member named {name!r} with {problem}; "
                             "the file is damaged or was crafted to be unsafe")


def _check_declared_count(handle: BinaryIO, what: str, limits: Limits) -> None:
    """Check the end record before the archive is parsed: member count, no bytes around it."""
    size = handle.seek(0, io.SEEK_END)
    if size == 0:
        raise ModelFileError(f"{what} is empty")
    tail_size = min(size, 22 + 65535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    handle.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        raise ModelFileError(f"{what} is not a valid archive (no zip directory found; "
                             "the file is truncated or not a Backprop Studio file)")
    count, directory_size, directory_at, comment = struct.unpack_from("<HLLH", tail, at + 10)
    end_record_at = size - tail_size + at
    if at + 22 + comment != len(tail) or directory_at + directory_size != end_record_at:
        raise ModelFileError(f"{what} has extra bytes before or after the archive; the file "
                             "is damaged or is not only a Backprop Studio file")
    if count > limits.members:
        raise ModelFileError(f"{what} declares {count} members; at most {limits.members} "
                             "are allowed")


def _check_infos(infos: list[zipfile.ZipInfo], what: str, allowed: Collection[str] | None,
                 limits: Limits, member_limits: Mapping[str, int]) -> None:
    if len(infos) > limits.members:
        raise ModelFileError(f"{what} has {len(infos)} members; at most {limits.members} "
                             "are allowed")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name != info.orig_filename:
            raise ModelFileError(f"{what} has a member name with a NUL character")
        check_member_name(name, what)
        if name in seen:
            raise ModelFileError(f"{what} holds the member {name!r} twice")
        seen.add(name)
        if allowed is not None and name not in allowed:
            raise ModelFileError(f"{what} holds an unexpected member {name!r}; expected only "
                                 f"{', '.join(sorted(allowed))}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ModelFileError(f"{what}: member {name!r} is a symbolic link")
        if info.flag_bits & 0x1:
            raise ModelFileError(f"{what}: member {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ModelFileError(f"{what}: member {name!r} uses an unsupported compression")
        _check_size(info, what, limits)
        cap = member_limits.get(name)
        if cap is not None and info.file_size > cap:
            raise ModelFileError(f"{what}: member {name!r} declares {info.file_size:,} bytes, "
                                 f"more than the {_mib(cap)} it may hold")
        total += info.file_size
        if total > limits.total_bytes:
            raise ModelFileError(f"{what} would unpack to more than {_mib(limits.total_bytes)}")


def _check_size(info: zipfile.ZipInfo, what: str, limits: Limits) -> None:
    size, packed = info.file_size, max(info.compress_size, 1)
    if size > limits.member_bytes:
        raise ModelFileError(f"{what}: member {info.filename!r} declares {size:,} bytes, more "
                             f"than the {_mib(limits.member_bytes)} allowed")
    if size > limits.ratio_floor and size > limits.max_ratio * packed:
        raise ModelFileError(f"{what}: member {info.filename!r} would expand {size // packed:,}"
                             " times (a compression bomb); refusing to unpack it")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, what: str) -> bytes:
    with archive.open(info) as stream:
        data = stream.read(info.file_size)
        extra = stream.read(1)
    if len(data) != info.file_size or extra:
        raise ModelFileError(f"{what}: member {info.filename!r} does not match its declared "
                             "size; the file is damaged")
    return data


def _mib(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n:,} bytes"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
