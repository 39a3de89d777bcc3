"""``load_dataset``: the one entry point for the GUI and the command line.

``source`` is a built-in name (see :func:`builtin_datasets`) or a path: a CSV file, a NumPy
``.npz`` file, an MNIST IDX images file or a folder of images with one subfolder per class.
:data:`FORMATS` is the one table of file formats, built from what each module of
:mod:`simulator.data.formats` declares. The format comes from the name (``.csv``/``.tsv``/
``.txt``, ``.npz``, ``…idx3-ubyte[.gz]``, a folder), else from the first bytes; ``format=``
overrides the guess.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

from simulator.data.builtin import BUILTINS
from simulator.data.dataset import Dataset
from simulator.data.formats import DataFormat, csv, idx, image_folder, npz
from simulator.data.options import reject_unknown
from simulator.errors import DataError
from simulator.paths import check_source, open_regular
from simulator.registry import Registry

#: Every data file format, in the order files are matched against them.
FORMATS: Registry[DataFormat] = Registry("data format", fold_case=False, error=DataError)
for _format in (csv.FORMAT, npz.FORMAT, idx.FORMAT, image_folder.FORMAT):
    FORMATS.add(_format.name, _format)


def format_names() -> list[str]:
    return FORMATS.names()


def data_file_filter() -> str:
    """The open-file dialog's filter, from the table: every data file name first, then one
    entry per file format, then all files (``"Data files (*.csv *.npz …);;CSV files (…);;…"``).
    """
    files = [fmt for _, fmt in FORMATS.items() if fmt.suffixes]
    every = " ".join(pattern for fmt in files for pattern in fmt.name_patterns())
    return ";;".join([f"Data files ({every})",
                      *(f"{fmt.description} ({' '.join(fmt.name_patterns())})" for fmt in files),
                      "All files (*)"])


def options_of(format_name: str) -> list[str]:
    """The keyword options a loader takes (for help texts and the command line)."""
    return [p.name for p in inspect.signature(FORMATS.get(format_name).load).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY]


def detect_format(path: Path) -> str:
    """The format name of an existing path (see :data:`FORMATS`), or a DataError saying why
    it cannot be told."""
    formats = [fmt for _, fmt in FORMATS.items()]
    if path.is_dir():
        return next(fmt.name for fmt in formats if fmt.folder)
    for fmt in formats:
        if fmt.matches_name(path):
            return fmt.name
    try:
        with open_regular(path, f"'{path}'") as file:
            head = file.read(4)
    except OSError as exc:
        raise DataError(f"cannot open '{path}': {exc.strerror or exc}") from exc
    for fmt in formats:
        if fmt.magic and head.startswith(fmt.magic):
            return fmt.name
    kinds = [f"{fmt.description} ({', '.join(fmt.suffixes)})" if fmt.suffixes
             else fmt.description for fmt in formats]
    names = [f"'{fmt.name}'" for fmt in formats]
    raise DataError(f"cannot tell the format of '{path.name}': use {_either(kinds)}; or pass "
                    f"format={_either(names)}")


def _either(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def load_dataset(source: str | os.PathLike[str], **options: Any) -> Dataset:
    """A built-in dataset by name, or the user's file or folder at ``source``.

    Options: for built-ins those in ``builtin_datasets()[name].defaults`` (``n``, ``noise``,
    ``classes``, ``seed``); for files those of the loader (see :func:`options_of`), plus
    ``format``. Unknown options raise a DataError naming them. Nothing is half-loaded: the
    result is complete or a DataError is raised.
    """
    if isinstance(source, str) and source in BUILTINS:
        return BUILTINS.get(source).load(**options)
    if not isinstance(source, str | os.PathLike) or not os.fspath(source):
        raise DataError(f"a dataset source is a built-in name or a path, got {source!r}")
    path = Path(source).expanduser()
    try:
        check_source(path)   # a FIFO, a device or a link loop is refused before it is opened
    except FileNotFoundError:
        raise DataError(f"no built-in dataset or file named '{os.fspath(source)}'; built-ins "
                        f"are: {', '.join(BUILTINS.names())}") from None
    try:
        dataset = _load_path(path, options)
    except MemoryError:
        raise DataError(f"'{path.name}' does not fit in the memory this machine has free; use "
                        "a smaller file (fewer or smaller samples), or close other programs"
                        ) from None
    return dataset


def _load_path(path: Path, options: dict[str, Any]) -> Dataset:
    chosen = options.pop("format", None)
    fmt = FORMATS.get(detect_format(path) if chosen is None else chosen)
    if fmt.folder != path.is_dir():
        raise DataError(f"'{path.name}' is {'a folder' if path.is_dir() else 'a file'}; "
                        f"format '{fmt.name}' reads {'a folder' if fmt.folder else 'a file'}")
    reject_unknown(fmt.description, options, options_of(fmt.name))
    return fmt.load(path, **options)
