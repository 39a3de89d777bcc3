"""What a path handed to the engine may be: a regular file or a folder, nothing else.

A FIFO blocks whoever opens it until a writer appears, a device such as ``/dev/zero`` never
ends, a socket cannot be read as a file, and a symbolic link that points back at itself (or
round a loop) resolves to nothing. :func:`check_source` refuses all of them by looking at the
path with ``stat`` before anything opens it; :func:`open_regular` opens without blocking and
checks the opened descriptor again, so a path swapped for a FIFO between the two steps is
refused too. :func:`walk_files` lists a folder tree iteratively, to a bounded depth, never
following links to folders.

Problems raise the error type the caller asks for (a :class:`DataError` for data, a
:class:`ModelFileError` for model and project files), with a message naming the path.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from simulator.errors import BackpropError, DataError

#: Deepest folder level below a data folder that is searched for files.
MAX_FOLDER_DEPTH = 32

ErrorType = type[BackpropError]


def kind_of(mode: int) -> str:
    """What a ``st_mode`` describes, in words ("a FIFO", "a device", ...)."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def check_source(path: Path, error: ErrorType = DataError, *, folder_ok: bool = True,
                 what: str | None = None) -> str:
    """"file" or "folder" for an existing regular file or folder; anything else is refused.

    A missing path raises :class:`FileNotFoundError` (the caller words that case itself).
    ``what`` names the path in messages (default: the path itself).
    """
    head = f"cannot open {what}: it" if what else f"'{path}'"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.lexists(path):
            raise error(f"{head} is a symbolic link to nothing (its target is missing)"
                        ) from None
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise error(f"{head} is a symbolic link loop (the link points back at itself); "
                        "give the real file or folder") from None
        raise error(f"cannot open {what or repr(str(path))}: {exc.strerror or exc}") from None
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode) and folder_ok:
        return "folder"
    wanted = "a regular file or a folder" if folder_ok else "a regular file"
    raise error(f"{head} is {kind_of(mode)}, not {wanted}; it was not opened")


def open_regular(path: str | os.PathLike[str], what: str,
                 error: ErrorType = DataError) -> BinaryIO:
    """``path`` opened for binary reading, or ``error`` when it is not a regular file.

    Opening uses ``O_NONBLOCK`` (where the system has it), so even a FIFO that appeared after
    :func:`check_source` cannot hang the caller; the descriptor is checked with ``fstat``.
    """
    target = Path(path)
    check_source(target, error, folder_ok=False, what=what)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        raise error(f"cannot open {what}: {exc.strerror or exc}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise error(f"cannot open {what}: it is {kind_of(mode)}, not a regular file; it was "
                    "not opened")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def walk_files(root: Path, keep: Callable[[str], bool], what: str,
               error: ErrorType = DataError) -> Iterator[Path]:
    """Regular files under ``root`` whose name passes ``keep``, folder by folder in sorted
    order, without recursion; folders for which ``keep`` fails are skipped, links to folders
    are not followed, and a tree deeper than :data:`MAX_FOLDER_DEPTH` is refused."""
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            raise error(f"cannot read folder '{folder}': {exc.strerror or exc}") from None
        subfolders = []
        for entry in entries:
            if not keep(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(Path(entry.path))
                elif entry.is_file():
                    yield Path(entry.path)
            except OSError:
                continue   # a broken link or a link loop: not a file to read
        if subfolders and depth + 1 > MAX_FOLDER_DEPTH:
            raise error(f"{what} has folders nested more than {MAX_FOLDER_DEPTH} levels deep "
                        f"(at '{subfolders[0]}'); keep the images at most "
                        f"{MAX_FOLDER_DEPTH} folders below each class folder")
        stack.extend((sub, depth + 1) for sub in reversed(subfolders))
