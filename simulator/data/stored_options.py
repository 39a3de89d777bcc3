"""The loader options a file may store: a file never chooses how it is read.

A project file or a lesson names its data (``{"source": ..., "options": {...}}``) and the
options go to :func:`simulator.data.load_dataset`. Before they do, :func:`check_stored_options`
holds them to a closed allowlist:

- keys: per file format, only those in :data:`FILE_OPTIONS` (plus ``format``, one of the four
  formats read in-process); per built-in dataset, only its own generator options;
- values: plain JSON scalars (a short string, a bool, a whole number, a finite number or
  null), or for ``size`` and ``formats`` a short list of them, never nested;
- never a safety limit (:data:`SAFETY_LIMITS`: ``max_bytes``), which only the person running
  the program may raise, on the command line.

The loaders then check every value's range as they do for any caller (a ``size`` of 1..4096,
``formats`` among the raster formats Pillow decodes itself, ...), before reading anything.
:func:`check_option_values` is the structural part alone, which the command line's
``--data-option`` values get too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from simulator.data.builtin import builtin_datasets
from simulator.errors import DataError

#: What a file may set, per format (a subset of each loader's keyword options).
FILE_OPTIONS: dict[str, frozenset[str]] = {
    "csv": frozenset({"label_column", "delimiter", "header", "task", "nan"}),
    "npz": frozenset({"task"}),
    "idx": frozenset({"labels"}),
    "images": frozenset({"size", "color", "formats"}),
}
#: Options that lift a limit protecting this machine: never taken from a file.
SAFETY_LIMITS = frozenset({"max_bytes"})
#: Options whose value may be a (flat, short) list.
LIST_OPTIONS = frozenset({"size", "formats"})
MAX_OPTIONS = 16
MAX_LIST_ITEMS = 8
MAX_TEXT_CHARS = 4096


def check_option_values(options: Any, what: str) -> dict[str, Any]:
    """``options`` as a dict of plain values, or a DataError saying which one is not."""
    if not isinstance(options, Mapping):
        raise DataError(f"{what}: dataset options must be an object of names and values")
    if len(options) > MAX_OPTIONS:
        raise DataError(f"{what}: {len(options)} dataset options; at most {MAX_OPTIONS}")
    checked: dict[str, Any] = {}
    for key, value in options.items():
        if not isinstance(key, str) or not key or len(key) > 64:
            raise DataError(f"{what}: a dataset option name must be a short text")
        if isinstance(value, list | tuple) and key in LIST_OPTIONS:
            if len(value) > MAX_LIST_ITEMS:
                raise DataError(f"{what}: option '{key}' lists {len(value)} values; at most "
                                f"{MAX_LIST_ITEMS}")
            checked[key] = [_scalar(key, item, what) for item in value]
        else:
            checked[key] = _scalar(key, value, what)
    return checked


def check_stored_options(source: str, options: Any, what: str) -> dict[str, Any]:
    """The dataset options a file stores for ``source``, checked (see the module docstring)."""
    checked = check_option_values(options, what)
    limits = sorted(SAFETY_LIMITS & set(checked))
    if limits:
        raise DataError(f"{what}: the option {', '.join(limits)} is a safety limit and cannot "
                        "be set by a file; remove it (it can only be raised on the command "
                        "line, with --data-option)")
    builtin = builtin_datasets().get(source)
    if builtin is not None:
        allowed = set(builtin.defaults)
        kind = f"the built-in dataset '{source}'"
    else:
        format_name = checked.get("format")
        if format_name is not None and format_name not in FILE_OPTIONS:
            raise DataError(f"{what}: option 'format' must be one of "
                            f"{', '.join(map(repr, FILE_OPTIONS))}, got {format_name!r}")
        chosen = [format_name] if format_name else list(FILE_OPTIONS)
        allowed = {"format"}.union(*(FILE_OPTIONS[f] for f in chosen))
        kind = f"{format_name} files" if format_name else "data files"
    unknown = sorted(set(checked) - allowed)
    if unknown:
        raise DataError(f"{what}: option{'s' * (len(unknown) > 1)} {', '.join(unknown)} cannot "
                        f"be stored for {kind}; a file may set only: "
                        f"{', '.join(sorted(allowed)) or 'nothing'}")
    return checked


def _scalar(key: str, value: Any, what: str) -> Any:
    ok = (value is None or isinstance(value, bool)
          or (isinstance(value, int) and abs(value) <= 2**53)
          or (isinstance(value, float) and math.isfinite(value))
          or (isinstance(value, str) and len(value) <= MAX_TEXT_CHARS))
    if not ok:
        shown = (f"a {type(value).__name__}" if isinstance(value, list | tuple | dict)
                 else repr(value)[:60])
        raise DataError(f"{what}: option '{key}' must be a plain value (a short text, a "
                        f"number, true/false or null), got {shown}")
    return value
