"""Where the details of an unexpected error go: a log file that the one-line message names.

The command line (and the app) show one line for anything that goes wrong. For an error that is
not one of the engine's own typed errors (``MemoryError``, ``RecursionError``, a bug) the
traceback is kept in a log file under ``$XDG_STATE_HOME/backprop-studio/logs`` (by default
``~/.local/state/...``; ``%LOCALAPPDATA%`` on Windows), or in the temporary folder when that
cannot be written. Only the newest :data:`KEEP` logs are kept.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from simulator.version import __version__

#: How many log files are kept; older ones are removed when a new one is written.
KEEP = 20
_PREFIX = "error-"


def log_folder() -> Path:
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "backprop-studio" / "logs"


def write_error_log(error: BaseException, context: str) -> Path | None:
    """Write ``error``'s traceback (and what was being done) to a new log file; its path, or
    None when no log could be written anywhere."""
    try:
        text = "".join(traceback.format_exception(error))
    except Exception:  # a MemoryError while formatting: keep what we can
        text = f"{type(error).__name__}: {error}\n"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    header = (f"Backprop Studio {__version__}, Python {sys.version.split()[0]}, "
              f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n{context}\n\n")
    for folder in (log_folder(), Path(tempfile.gettempdir()) / "backprop-studio-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{_PREFIX}{stamp}-{os.getpid()}.log"
            path.write_text(header + text, encoding="utf-8")
        except OSError:
            continue
        _prune(folder)
        return path
    return None


def _prune(folder: Path) -> None:
    logs = sorted(folder.glob(f"{_PREFIX}*.log"), key=lambda p: p.stat().st_mtime)
    for old in logs[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
