"""``load_dataset``: the one entry point for the GUI and the command line.

``source`` is a built-in name (see :func:`builtin_datasets`) or a path: a CSV file, a NumPy
``.npz`` file, an MNIST IDX images file or a folder of images with one subfolder per class.
The format comes from the name (``.csv``/``.tsv``/``.txt``, ``.npz``, ``…idx3-ubyte[.gz]``,
a folder), else from the first bytes; ``format=`` overrides the guess.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from simulator.data.builtin import builtin_datasets, load_builtin
from simulator.data.dataset import Dataset
from simulator.data.formats.csv import load_csv
from simulator.data.formats.idx import GZIP_MAGIC, load_idx
from simulator.data.formats.image_folder import load_image_folder
from simulator.data.formats.npz import load_npz
from simulator.data.options import check_choice, reject_unknown
from simulator.errors import DataError
from simulator.paths import check_source, open_regular

LOADERS: dict[str, Callable[..., Dataset]] = {
    "csv": load_csv, "npz": load_npz, "idx": load_idx, "images": load_image_folder,
}
DESCRIPTIONS = {"csv": "CSV files", "npz": ".npz files", "idx": "IDX files",
                "images": "image folders"}
_IDX_NAME = re.compile(r"idx\d", re.IGNORECASE)


def options_of(format_name: str) -> list[str]:
    """The keyword options a loader takes (for help texts and the command line)."""
    return [p.name for p in inspect.signature(LOADERS[format_name]).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY]


def detect_format(path: Path) -> str:
    """"csv", "npz", "idx" or "images" for an existing path, or a DataError saying why not."""
    if path.is_dir():
        return "images"
    name = path.name.lower()
    suffix = Path(name.removesuffix(".gz")).suffix
    if _IDX_NAME.search(name) or suffix == ".idx":
        return "idx"
    if suffix in (".csv", ".tsv", ".txt") and not name.endswith(".gz"):
        return "csv"
    if suffix == ".npz":
        return "npz"
    try:
        with open_regular(path, f"'{path}'") as file:
            head = file.read(4)
    except OSError as exc:
        raise DataError(f"cannot open '{path}': {exc.strerror or exc}") from exc
    if head.startswith(b"PK"):
        return "npz"
    if (len(head) == 4 and head[:2] == b"\x00\x00") or head.startswith(GZIP_MAGIC):
        return "idx"
    raise DataError(f"cannot tell the format of '{path.name}': use a .csv, .tsv or .txt table, "
                    "a .npz file, an MNIST IDX file (…-images-idx3-ubyte) or a folder with one "
                    "subfolder per class; or pass format='csv', 'npz', 'idx' or 'images'")


def load_dataset(source: str | os.PathLike[str], **options: Any) -> Dataset:
    """A built-in dataset by name, or the user's file or folder at ``source``.

    Options: for built-ins those in ``builtin_datasets()[name].defaults`` (``n``, ``noise``,
    ``classes``, ``seed``); for files those of the loader (see :func:`options_of`), plus
    ``format``. Unknown options raise a DataError naming them. Nothing is half-loaded: the
    result is complete or a DataError is raised.
    """
    if isinstance(source, str) and source in builtin_datasets():
        return load_builtin(source, **options)
    if not isinstance(source, str | os.PathLike) or not os.fspath(source):
        raise DataError(f"a dataset source is a built-in name or a path, got {source!r}")
    path = Path(source).expanduser()
    try:
        check_source(path)   # a FIFO, a device or a link loop is refused before it is opened
    except FileNotFoundError:
        raise DataError(f"no built-in dataset or file named '{os.fspath(source)}'; built-ins "
                        f"are: {', '.join(builtin_datasets())}") from None
    try:
        dataset = _load_path(path, options)
    except MemoryError:
        raise DataError(f"'{path.name}' does not fit in the memory this machine has free; use "
                        "a smaller file (fewer or smaller samples), or close other programs"
                        ) from None
    _check_classes(dataset)
    return dataset


def _load_path(path: Path, options: dict[str, Any]) -> Dataset:
    format_name = options.pop("format", None)
    if format_name is None:
        format_name = detect_format(path)
    else:
        check_choice("format", format_name, LOADERS)
    if (format_name == "images") != path.is_dir():
        raise DataError(f"'{path.name}' is {'a folder' if path.is_dir() else 'a file'}; "
                        f"format '{format_name}' reads "
                        f"{'a folder' if format_name == 'images' else 'a file'}")
    reject_unknown(DESCRIPTIONS[format_name], options, options_of(format_name))
    return LOADERS[format_name](path, **options)


def _check_classes(dataset: Dataset) -> None:
    """Classification needs two classes present; one class is a mistake worth naming."""
    if dataset.task != "classification":
        return
    labels = dataset.y if dataset.y_test is None else np.concatenate([dataset.y, dataset.y_test])
    present = np.unique(labels)
    if len(present) < 2:
        only = (f"only class '{dataset.class_names[int(present[0])]}'" if len(present)
                else "no labels")
        raise DataError(f"'{dataset.name}' has {only}: classification needs samples of at "
                        "least two classes. Add samples of another class, or pass "
                        "task='regression' if the last column is a number to predict")
