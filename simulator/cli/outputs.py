"""Where the command line writes (``train --out``, ``export --onnx``, ``predict --output``).

Every output is checked before any work starts, and resolved to one of:

* standard output: ``-``, or a path that is this process's standard output (``/dev/stdout``);
* a regular file, new or existing, written atomically (:mod:`simulator.io.atomic`). Through a
  symbolic link, the file it points to is replaced and the link itself stays a link;
* a pipe (FIFO) or a character device (a terminal, ``/dev/null``), written in place.

Refused, with a message that names the path as the user typed it: a folder, a socket or a
block device; a folder that does not exist or cannot be written to; and one of the run's own
input files, unless ``--force`` is given. Write errors never name our temporary files.
:func:`messages` is where progress and warnings go (nowhere with ``--quiet``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO, cast

from simulator.errors import OutputPathError
from simulator.io import atomic_write

STDIO = "-"
Kind = Literal["stdout", "file", "stream"]


@dataclass(frozen=True)
class Output:
    """A checked output: where the bytes go, and how (see the module docstring)."""

    shown: str
    kind: Kind
    #: The file to replace (links resolved), or the pipe/device to open; None for stdout.
    path: Path | None = None

    @property
    def is_file(self) -> bool:
        return self.kind == "file"

    def write(self, writer: Callable[[BinaryIO], None]) -> None:
        """Call ``writer`` with a binary file that ends up at this output."""
        with self._errors():
            if self.kind == "file":
                atomic_write(self._target, writer)
            elif self.kind == "stream":
                with open(self._target, "ab") as handle:
                    writer(handle)
            else:
                sys.stdout.flush()
                binary = getattr(sys.stdout, "buffer", None)
                writer(binary if binary is not None else cast(BinaryIO, _TextSink(sys.stdout)))
                sys.stdout.flush()

    def save(self, save_to: Callable[[Path], Any]) -> None:
        """Run a saver that takes a path (``save_model``, ``export_onnx``) for this output.

        A regular file is handed to the saver as it is; for standard output, a pipe or a
        device the saver writes into a private temporary folder and the bytes are copied.
        """
        if self.kind == "file":
            with self._errors():
                save_to(self._target)
            return
        with tempfile.TemporaryDirectory(prefix="backprop-studio-") as folder:
            staged = Path(folder) / "output"
            with self._errors():
                save_to(staged)
            blob = staged.read_bytes()
        self.write(lambda handle: _write_all(handle, blob))

    @property
    def _target(self) -> Path:
        assert self.path is not None
        return self.path

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise OutputPathError(f"cannot write '{self.shown}': "
                                  f"{exc.strerror or type(exc).__name__}") from None


def check_output(text: str, flag: str, inputs: Sequence[tuple[str, str | None]] = (),
                 force: bool = False) -> Output:
    """Check the output ``text`` given with ``flag`` before any work is done.

    ``inputs`` are the run's own input files as (what, path), e.g. ("network file",
    "net.json"); writing over one of them needs ``force``.
    """
    if text == STDIO:
        return Output(text, "stdout")
    path = Path(text).expanduser()
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputPathError(f"{flag} '{text}': {exc.strerror or exc}") from None
    if info is None:
        target = Path(os.path.realpath(path))   # a dangling link: create what it points to
        _check_folder(target.parent, text, flag)
        return Output(text, "file", target)
    if _is_stdout(info):
        return Output(text, "stdout")
    if stat.S_ISDIR(info.st_mode):
        raise OutputPathError(f"{flag} '{text}' is a folder; give a file name inside it, "
                              f"such as '{Path(text) / _example_name(flag)}'")
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
        return Output(text, "stream", path)
    if not stat.S_ISREG(info.st_mode):
        raise OutputPathError(f"{flag} '{text}' is neither a regular file nor a pipe or "
                              "terminal; choose a file name")
    for what, source in inputs:
        if source is not None and source != STDIO and _same_file(path, source) and not force:
            raise OutputPathError(f"{flag} '{text}' is this run's {what}; writing there would "
                                  "replace it. Choose another name, or pass --force")
    target = Path(os.path.realpath(path))
    _check_folder(target.parent, text, flag)
    return Output(text, "file", target)


def _check_folder(folder: Path, text: str, flag: str) -> None:
    if not folder.is_dir():
        raise OutputPathError(f"{flag} '{text}': the folder '{folder}' does not exist; create "
                              "it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(f"{flag} '{text}': the folder '{folder}' is not writable")


def _is_stdout(info: os.stat_result) -> bool:
    try:
        ours = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return False
    return (ours.st_dev, ours.st_ino) == (info.st_dev, info.st_ino)


def _same_file(path: Path, other: str) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def _example_name(flag: str) -> str:
    return {"--out": "model.bpmodel", "--onnx": "model.onnx"}.get(flag, "predictions.csv")


def messages(args: argparse.Namespace) -> TextIO:
    """Where progress, notes and warnings go: standard error, or nowhere with ``--quiet``."""
    return _Dropped() if getattr(args, "quiet", False) else sys.stderr


class _Dropped(io.StringIO):
    """A text stream that keeps nothing."""

    def write(self, text: str) -> int:
        return len(text)


class _TextSink(io.RawIOBase):
    """Bytes written to a text stream (standard output replaced by a text-only object)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._stream.write(bytes(data).decode("utf-8"))
        return len(data)


def _write_all(handle: BinaryIO, blob: bytes) -> None:
    handle.write(blob)
