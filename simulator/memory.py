"""How much memory one piece of work may plan to use on this machine, and how to say sizes.

:func:`budget` is three quarters of the memory the system reports as available right now
(``MemAvailable`` in ``/proc/meminfo`` on Linux; the physical memory from ``os.sysconf``
elsewhere on POSIX; ``GlobalMemoryStatusEx`` on Windows), never less than
:data:`MIN_BUDGET`. Loaders and the network check their estimates against it *before*
allocating, and refuse with a message that says what to change; an estimate that fits can
still fail when other programs take the memory meanwhile, which the callers turn into a typed
error too (``MemoryError`` never reaches the user as a traceback).

Tests patch :func:`budget` (callers look it up on this module at call time).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import Any

#: Share of the available memory one allocation plan may take.
SHARE = 0.75
#: The budget is never below this, so a busy machine still runs the course's small examples.
MIN_BUDGET = 256 * 2**20
#: What is assumed when the system says nothing.
FALLBACK_AVAILABLE = 4 * 2**30
#: Seconds a reading of the available memory is reused (a training loop asks every epoch).
READING_LIFETIME = 0.5
_last_reading = {"at": -1e9, "bytes": 0}


def available_bytes() -> int:
    """Memory the system can give this process now (physical memory, not swap)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/meminfo", encoding="ascii") as info:
        for line in info:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    if sys.platform == "win32":
        return _windows_available()
    with contextlib.suppress(AttributeError, ValueError, OSError):
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        if pages > 0 and size > 0:
            return int(pages) * int(size)
    return FALLBACK_AVAILABLE


def _windows_available() -> int:
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong),
                    ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong),
                    ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
        return int(status.ullAvailPhys)
    return FALLBACK_AVAILABLE


def budget() -> int:
    """The most bytes one allocation plan (a batch, a file being decoded) may ask for."""
    now = time.monotonic()
    if now - _last_reading["at"] > READING_LIFETIME:
        _last_reading.update(at=now, bytes=available_bytes())
    return max(int(_last_reading["bytes"] * SHARE), MIN_BUDGET)


def array_bytes(tree: Any) -> int:
    """Bytes of the arrays (anything with ``nbytes``) in a tree of dicts, lists and tuples."""
    if hasattr(tree, "nbytes") and not isinstance(tree, int | float | complex):
        return int(tree.nbytes)
    if isinstance(tree, dict):
        return sum(array_bytes(value) for value in tree.values())
    if isinstance(tree, list | tuple):
        return sum(array_bytes(value) for value in tree)
    return 0


def human_bytes(n: int | float) -> str:
    """``n`` bytes in words: "512 bytes", "3.7 GiB", "4.7 TiB"."""
    size = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
