"""The app's last line of defence: what nobody caught is logged in full and shown in one line.

:func:`install` replaces ``sys.excepthook`` and ``threading.excepthook`` while the app runs. An
exception that escapes a slot, a timer or a thread is appended, with its traceback, to the log
file (:func:`log_path`: ``backprop-studio.log`` in the app's data folder, or in the temporary
folder when that cannot be written), and the window shows one line that names the error and
the log file; the app stays up. :func:`record` and :func:`unexpected` do the same for code that
caught an exception no typed error covers (a worker's traceback, a file that failed to open in
a way nobody foresaw). A ``MemoryError`` is worded as running out of memory, never shown as a
traceback.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

LOG_NAME = "backprop-studio.log"
#: The log is moved aside (to ``.1``) when it grows past this.
MAX_LOG_BYTES = 1 << 20
_showing = {"dialog": False}


def log_folder() -> Path:
    """Where the log goes: the app's data folder if it can be written, else the temp folder."""
    location = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppLocalDataLocation)
    if location:
        folder = Path(location)
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".{LOG_NAME}.probe"
            probe.write_bytes(b"")
            probe.unlink()
            return folder
    return Path(tempfile.gettempdir())


def log_path() -> Path:
    return log_folder() / LOG_NAME


def record(details: str) -> Path:
    """Append ``details`` (a traceback, usually) to the log; returns the log's path."""
    path = log_path()
    with contextlib.suppress(OSError):
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_name(path.name + ".1"))
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')}\n{details.rstrip()}\n")
    return path


def one_line(exc: BaseException) -> str:
    """What went wrong, in one line."""
    if isinstance(exc, MemoryError):
        return "this machine ran out of memory (close other programs, or use a smaller " \
               "dataset, batch or network)"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


def unexpected(exc: BaseException) -> str:
    """Log ``exc`` with its traceback; the one line to show for it, naming the log."""
    path = record("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    return f"an internal error ({one_line(exc)}); the details are in {path}"


def last_line(traceback_text: str) -> str:
    """The exception line of a formatted traceback."""
    lines = [line for line in traceback_text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:300] if lines else "unknown error"


def show(message: str) -> None:
    """One line in a dialog (never two dialogs at once: a repeating error shows once)."""
    app = QApplication.instance()
    if app is None or _showing["dialog"]:
        print(f"backprop-studio: error: {message}", file=sys.stderr)
        return
    _showing["dialog"] = True
    try:
        QMessageBox.critical(QApplication.activeWindow(), "Internal error", message)
    finally:
        _showing["dialog"] = False


def _on_exception(kind: type[BaseException], exc: BaseException,
                  tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    path = record("".join(traceback.format_exception(kind, exc, tb)))
    message = (f"Something went wrong: {one_line(exc)}. The app is still running; the details "
               f"are in {path}")
    print(f"backprop-studio: error: {message}", file=sys.stderr)
    if threading.current_thread() is threading.main_thread():
        show(message)
    else:   # widgets belong to the GUI thread: show the message from there
        app = QApplication.instance()
        if app is not None:
            QTimer.singleShot(0, app, lambda: show(message))


def _on_thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _on_exception(args.exc_type, args.exc_value, args.exc_traceback)


def install() -> Callable[[], None]:
    """Catch every uncaught exception from now on; returns a function that undoes it."""
    previous = sys.excepthook, threading.excepthook
    sys.excepthook = _on_exception
    threading.excepthook = _on_thread_exception

    def restore() -> None:
        sys.excepthook, threading.excepthook = previous

    return restore
