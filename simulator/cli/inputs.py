"""Reading the command line's inputs: designs, models, datasets and the samples to predict.

Designs (network or lesson JSON, ``.bpproj`` projects, lesson names) are read by
:mod:`simulator.io.designs`, the reader the app uses too. A model-like argument (``evaluate``,
``predict``, ``export``) is a ``.bpmodel`` file or a design with its initial weights (explicit
where the JSON gives them, seeded elsewhere). Datasets come from
:func:`simulator.data.load_dataset`.

Samples to predict (:func:`read_samples`) are a CSV of features (no label column; an optional
header row) or an ``.npz`` holding ``X``, from a file or standard input (``-``). A CSV is read
in chunks through the data package's CSV reader (:mod:`simulator.data.formats.csv_text`), so a
large file never sits in memory as Python objects all at once.
"""

from __future__ import annotations

import csv
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np

from simulator.data import Dataset, load_dataset
from simulator.data.edits import PointEdits
from simulator.data.formats import csv_text
from simulator.errors import DataError, ModelFileError
from simulator.io import LoadedModel, load_model
from simulator.io.common import MAX_FILE_BYTES
from simulator.io.designs import file_kind, read_design
from simulator.io.safe_npz import NUMERIC_DTYPES, read_npz
from simulator.losses import get_loss
from simulator.network import compile_network
from simulator.paths import open_regular

STDIN = "-"
#: Bytes of CSV text parsed at a time.
CHUNK_BYTES = 1 << 18
#: Rows of an ``.npz`` handed on at a time.
CHUNK_ROWS = 8192
#: Longest CSV record (a row, quoted newlines included) accepted.
MAX_RECORD_BYTES = 16 * CHUNK_BYTES
_ZIP_MAGIC = b"PK\x03\x04"


def load_runnable(source: str, backend: str = "numpy") -> LoadedModel:
    """A model ready to predict: a ``.bpmodel``, or a network or lesson with its initial
    weights. A project is refused (train it with ``--out`` to get a model)."""
    if os.path.lexists(source) and file_kind(source) == "model":
        return load_model(source, backend=backend)
    design = read_design(source)
    if design.kind == "project":
        raise ModelFileError(f"'{Path(source).name}' is a project; train it with --out to get "
                             "a .bpmodel, or pass a network JSON file")
    task = "classification" if get_loss(design.spec.training.loss).classification \
        else "regression"
    return LoadedModel(compile_network(design.spec, backend), task=task)


def input_path(source: str | None) -> str | None:
    """``source`` when it names a file of the run's own (not ``-``, not a built-in name)."""
    if source is None or source == STDIN or not os.path.lexists(source):
        return None
    return source


def open_dataset(source: str, options: dict[str, object] | None = None,
                 warn: TextIO | None = None, edits: PointEdits | None = None) -> Dataset:
    """The one dataset loader, with what it skipped or guessed written to ``warn`` (None:
    standard error); ``edits`` are the points a project added or removed by hand."""
    dataset = load_dataset(source, **(options or {}))
    if edits is not None:
        dataset = edits.apply(dataset)
    for note in dataset.warnings:
        print(f"backprop-studio: warning: {note}", file=warn or sys.stderr)
    return dataset


def read_samples(source: str, warn: TextIO | None = None) -> Iterator[np.ndarray]:
    """The samples in ``source`` (a file, or ``-`` for standard input), in order, as float64
    arrays of a few thousand rows each. Problems raise a DataError naming line and column."""
    short = "standard input" if source == STDIN else Path(source).name
    name = short if source == STDIN else f"input file '{short}'"
    with _open_input(source, name) as handle:
        head = handle.read(len(_ZIP_MAGIC))
        if head == _ZIP_MAGIC:
            yield from _npz_samples(head + _read_at_most(handle, MAX_FILE_BYTES, name), name)
        else:
            yield from _csv_samples(head, handle, Path(short), name, warn or sys.stderr)


def _open_input(source: str, name: str) -> BinaryIO:
    if source == STDIN:
        return os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    try:
        info = os.stat(source)
    except OSError as exc:
        raise DataError(f"cannot open {name}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"cannot open {name}: it is a folder; give a CSV or .npz file")
    return open_regular(source, name)    # a FIFO or a device is refused, never waited on


def _read_at_most(handle: BinaryIO, limit: int, name: str) -> bytes:
    blob = handle.read(limit + 1)
    if len(blob) > limit:
        raise DataError(f"{name} is larger than {limit // 2**20} MiB")
    return blob


def _npz_samples(blob: bytes, name: str) -> Iterator[np.ndarray]:
    arrays = read_npz(blob, name, NUMERIC_DTYPES)
    key = next((k for k in ("X", "x") if k in arrays), None)
    if key is None:
        raise DataError(f"{name} has no array 'X' (it holds "
                        f"{', '.join(sorted(arrays)) or 'nothing'})")
    x = arrays[key]
    if x.ndim == 0 or not len(x):
        raise DataError(f"{name}: 'X' holds no samples (shape {list(x.shape)})")
    for start in range(0, len(x), CHUNK_ROWS):
        yield x[start:start + CHUNK_ROWS].astype(np.float64)


def _chunks(head: bytes, handle: BinaryIO) -> Iterator[tuple[bytes, int]]:
    """(bytes, newlines before them) in pieces that end at a line end outside quotes."""
    pending, before = head, 0
    while True:
        block = handle.read(CHUNK_BYTES)
        pending += block
        cut = _record_end(pending) if block else len(pending)
        if not cut and len(pending) > MAX_RECORD_BYTES:
            raise DataError(f"no line ends within {MAX_RECORD_BYTES // 2**20} MiB after "
                            f"line {before + 1} outside quotes; look for an unclosed '\"'")
        if cut:
            piece, pending = pending[:cut], pending[cut:]
            yield piece, before
            before += piece.count(b"\n")
        if not block:
            return


def _record_end(data: bytes) -> int:
    """Length of the longest prefix of ``data`` ending at a newline outside a quoted field
    (``data`` starts at a record's start, so an even number of quotes before a newline
    means it ends a record)."""
    end = data.rfind(b"\n")
    quotes = data.count(b'"', 0, end) if end >= 0 else 0
    while end >= 0 and quotes % 2:
        previous = data.rfind(b"\n", 0, end)
        quotes -= data.count(b'"', previous + 1, end)
        end = previous
    return end + 1


def _csv_samples(head: bytes, handle: BinaryIO, label: Path, name: str, warn: TextIO
                 ) -> Iterator[np.ndarray]:
    """``label`` is how :mod:`csv_text`'s messages name the source (by ``label.name``)."""
    delimiter: str | None = None
    width = samples = 0
    warned: set[str] = set()
    for raw, before in _chunks(head, handle):
        text, notes = csv_text.decode(raw, label)
        for note in set(notes) - warned:
            print(f"backprop-studio: warning: {note}", file=warn)
        warned.update(notes)
        if not text.strip():
            continue
        if delimiter is None:
            delimiter = csv_text.sniff_delimiter(text)
        rows = _rows(text, delimiter, before, label, name)
        if not rows:
            continue
        if not width:
            width = len(rows[0][1])
            if any(csv_text.parse_number(c, delimiter) is None and not csv_text.is_missing(c)
                   for c in rows[0][1]):
                rows = rows[1:]  # a header row: some cell is text, not a number
        if rows:
            samples += len(rows)
            yield _numbers(rows, width, delimiter, before, name)
    if not samples:
        raise DataError(f"{name} holds no samples")


def _rows(text: str, delimiter: str, before: int, label: Path, name: str
          ) -> list[tuple[int, list[str]]]:
    """The piece's rows, numbered from 1 within the piece."""
    try:
        rows = csv_text.read_rows(text, delimiter, label)
    except DataError as exc:
        if isinstance(exc.__cause__, csv.Error):
            lines = text.count("\n")
            raise DataError(f"{name}, lines {before + 1}-{before + lines}: {exc.__cause__}"
                            ) from None
        return []   # only blank rows in this piece
    return rows


def _numbers(rows: list[tuple[int, list[str]]], width: int, delimiter: str, before: int,
             name: str) -> np.ndarray:
    """The rows' cells as numbers; ``before`` is how many lines precede this piece."""
    for line, cells in rows:
        if len(cells) != width:
            raise DataError(f"{name}, line {before + line}: {len(cells)} values, expected "
                            f"{width} like the first row")
    try:
        values = np.array([cells for _, cells in rows], dtype=np.float64)
    except ValueError:
        values = None
    if values is not None and np.isfinite(values).all():
        return values
    result = np.empty((len(rows), width))
    for i, (line, cells) in enumerate(rows):
        for j, cell in enumerate(cells):
            value = csv_text.parse_number(cell, delimiter)
            if value is None:
                raise DataError(f"{name}, line {before + line}, column {j + 1}: {cell!r} "
                                "is not a finite number")
            result[i, j] = value
    return result
