"""Atomic file writes: a file on disk is always either the old version or the new one.

The new bytes go to a temporary file in the same folder (so the final rename never crosses a
file system), are flushed and ``fsync``-ed, and only then replace the target with
:func:`os.replace`. If anything fails on the way the temporary file is removed and the previous
file is left byte-for-byte as it was. Errors are the :class:`OSError` the system raised,
naming the target (never the hidden temporary file).

A process killed in the middle of a save cannot remove its temporary file. The name says whose
it is: ``.<target>.bptmp-<pid>-<random>.tmp``, a pattern only this module writes. Every save
first removes the temporaries in its folder whose process is gone
(:func:`remove_stale_temporaries`), and, once they are an hour old, those whose process cannot
be checked (on Windows) and those an older version left beside ``.bpmodel`` and ``.bpproj``
files (``.<target>.<random>.tmp``).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

Writer = Callable[[BinaryIO], None]
#: Mode of a newly created file (an existing file keeps its own mode).
NEW_FILE_MODE = 0o644
TEMP_MARK = "bptmp"
_TEMP_NAME = re.compile(r"^\..+\.bptmp-(\d+)-[a-z0-9_]+\.tmp$")
_LEGACY_TEMP_NAME = re.compile(r"^\..+\.(?:bpmodel|bpproj)\.[a-z0-9_]{8}\.tmp$")
#: Age after which a temporary file of an older version (no process id in its name) is stale.
LEGACY_STALE_SECONDS = 3600.0


def atomic_write(path: str | os.PathLike[str], data: bytes | Writer) -> Path:
    """Write ``data`` (bytes, or a function that writes to a binary file) to ``path``."""
    target = Path(path)
    folder = target.parent
    remove_stale_temporaries(folder)
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.{TEMP_MARK}-{os.getpid()}-",
                                         suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _naming(exc, target) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _mode_for(target))
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise _naming(exc, target) from None
        raise
    _fsync_folder(folder)
    return target


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files of saves into ``folder`` that can never finish (their
    process is gone); returns what was removed. Other files are never touched."""
    removed: list[Path] = []
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            alive = _process_alive(int(match.group(1))) if match else None
            if match is None and _LEGACY_TEMP_NAME.match(entry.name) is None:
                continue
            stale = alive is False or (alive is None and now - entry.stat(
                follow_symlinks=False).st_mtime > LEGACY_STALE_SECONDS)
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _process_alive(pid: int) -> bool | None:
    """Whether process ``pid`` is running (None when this system cannot tell)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":   # os.kill would terminate the process on Windows
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _naming(exc: OSError, target: Path) -> OSError:
    """``exc`` with the target as its file name (the user never chose our temporary file)."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or str(exc), str(target))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8, atomically."""
    return atomic_write(path, text.encode("utf-8"))


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return NEW_FILE_MODE


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (POSIX)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
