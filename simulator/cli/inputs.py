"""Reading the command line's files: networks, models, projects and input samples.

Model-like arguments may be a ``.bpmodel`` file, a ``.bpproj`` project (for ``train``) or a
network JSON file (explicit weights where the JSON gives them, seeded initial weights
elsewhere). Input samples are a CSV of features (no label column; an optional header row) or an
``.npz`` holding ``X``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from pathlib import Path
from typing import TextIO

import numpy as np

from simulator.data.dataset import Dataset
from simulator.data.stored_options import check_option_values
from simulator.errors import DataError, ModelFileError
from simulator.io import LoadedModel, Project, load_model, load_project
from simulator.io.common import open_checked, parse_json, parse_spec
from simulator.io.safe_npz import NUMERIC_DTYPES, read_npz
from simulator.io.safe_zip import read_zip
from simulator.network import compile_network
from simulator.spec import MAX_JSON_BYTES, NetworkSpec

_ZIP_MAGIC = b"PK\x03\x04"


def file_kind(path: str | Path) -> str:
    """"model", "project" or "network", from the extension or (failing that) the content."""
    suffix = Path(path).suffix.lower()
    if suffix in (".bpmodel", ".bpproj", ".json"):
        return {".bpmodel": "model", ".bpproj": "project", ".json": "network"}[suffix]
    with open_checked(path, f"'{Path(path).name}'") as handle:
        if handle.read(4) != _ZIP_MAGIC:
            return "network"
        handle.seek(0)
        names = read_zip(handle, f"'{Path(path).name}'")
    return "project" if "project.json" in names else "model"


def read_network(path: str | Path) -> NetworkSpec:
    """A network JSON file, validated (SpecError problems become one readable message)."""
    what = f"network file '{Path(path).name}'"
    with open_checked(path, what) as handle:
        blob = handle.read(MAX_JSON_BYTES + 1)
    if len(blob) > MAX_JSON_BYTES:
        raise ModelFileError(f"{what} is larger than {MAX_JSON_BYTES // 2**20} MiB")
    return parse_spec(parse_json(blob, what), what)


def load_design(path: str | Path) -> tuple[NetworkSpec, Project | None]:
    """What ``train`` starts from: a network JSON, or a project (maybe with a run to resume)."""
    kind = file_kind(path)
    if kind == "project":
        project = load_project(path)
        return project.spec, project
    if kind == "model":
        raise ModelFileError(f"'{Path(path).name}' is a trained model; train takes a network "
                             "JSON file or a .bpproj project")
    return read_network(path), None


def load_runnable(path: str | Path, backend: str = "numpy") -> LoadedModel:
    """A model ready to predict: a ``.bpmodel``, or a network JSON with its initial weights."""
    kind = file_kind(path)
    if kind == "model":
        return load_model(path, backend=backend)
    if kind == "project":
        raise ModelFileError(f"'{Path(path).name}' is a project; train it with --out to get a "
                             ".bpmodel, or pass a network JSON file")
    spec = read_network(path)
    return LoadedModel(compile_network(spec, backend))


def read_inputs(path: str | Path) -> np.ndarray:
    """Samples from a CSV of features or an ``.npz`` with ``X``, in file order."""
    name = Path(path).name
    with open_checked(path, f"input file '{name}'") as handle:
        blob = handle.read()
    if blob.startswith(_ZIP_MAGIC):
        arrays = read_npz(blob, f"input file '{name}'", NUMERIC_DTYPES)
        if "X" not in arrays:
            raise DataError(f"input file '{name}' has no array 'X' (it holds "
                            f"{', '.join(sorted(arrays)) or 'nothing'})")
        return arrays["X"].astype(np.float64)
    return _read_csv(blob, name)


def _read_csv(blob: bytes, name: str) -> np.ndarray:
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"input file '{name}' is neither UTF-8 CSV text nor an .npz") from None
    rows = [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text)), start=1)
            if any(cell.strip() for cell in row)]
    if rows and not all(_parses(c) for c in rows[0][1]):
        rows = rows[1:]  # a header row: some cell is text, not a number
    if not rows:
        raise DataError(f"input file '{name}' holds no samples")
    width = len(rows[0][1])
    values = []
    for line, row in rows:
        if len(row) != width:
            raise DataError(f"input file '{name}', line {line}: {len(row)} values, expected "
                            f"{width} like the first row")
        for column, cell in enumerate(row, start=1):
            if not _is_number(cell):
                raise DataError(f"input file '{name}', line {line}, column {column}: "
                                f"{cell.strip()!r} is not a finite number")
        values.append([float(c) for c in row])
    return np.asarray(values, dtype=np.float64)


def _parses(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def format_rows(outputs: np.ndarray) -> str:
    """One comma-separated line per sample (shortest text that round-trips the dtype)."""
    flat = np.asarray(outputs).reshape(len(outputs), -1)
    return "".join(",".join(str(v) for v in row) + "\n" for row in flat)


def data_option(text: str) -> tuple[str, object]:
    """Parse ``KEY=VALUE`` for ``--data-option``; numbers, true/false and null are JSON."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"expected KEY=VALUE (for example nan=drop), got {text!r}")
    try:
        parsed: object = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    except RecursionError:
        raise ValueError(f"the value of {key.strip()!r} is nested too deeply; give a number, "
                         "a word or a short list such as [28, 28]") from None
    try:
        check_option_values({key.strip(): parsed}, "--data-option")
    except DataError as exc:
        raise ValueError(str(exc)) from None
    return key.strip(), parsed


def open_dataset(source: str, options: dict[str, object] | None = None,
                 warn: TextIO | None = None) -> Dataset:
    """The one dataset loader, with what it skipped or guessed written to ``warn``."""
    from simulator.data import load_dataset  # noqa: PLC0415  (scikit-learn loads on demand)

    dataset = load_dataset(source, **(options or {}))
    for note in dataset.warnings:
        print(f"backprop-studio: warning: {note}", file=warn or sys.stderr)
    return dataset
