"""CSV files: numeric feature columns plus one label column (by default the last).

Header optional (detected), delimiter sniffed, UTF-8 BOM handled, text labels mapped onto sorted
class names, numeric targets read as regression when they are not whole numbers (or when
``task="regression"``). Every bad cell is reported with its line number and column.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from simulator.checks import choice, is_integer
from simulator.data.dataset import TASKS, Dataset, Task
from simulator.data.formats import DataFormat, csv_text
from simulator.data.labels import (
    encode_integer_labels,
    encode_text_labels,
    is_integral,
    many_classes_warning,
)
from simulator.data.options import DEFAULT_MAX_BYTES, check_file, check_max_bytes
from simulator.errors import DataError, MissingValuesError


def load_csv(path: Path, *, label_column: int | str | None = None, delimiter: str | None = None,
             header: bool | None = None, task: str | None = None, nan: str = "error",
             max_bytes: int = DEFAULT_MAX_BYTES) -> Dataset:
    """Read a CSV file; see the module docstring. ``label_column`` is a name or a 0-based index
    (negative counts from the end); ``nan="drop"`` skips rows with a missing cell."""
    choice(nan, "option 'nan'", ("error", "drop"), error=DataError)
    if task is not None:
        choice(task, "option 'task'", TASKS, error=DataError)
    if header is not None and not isinstance(header, bool):
        raise DataError(f"option 'header' must be true, false or left out, got {header!r}")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise DataError(f"option 'delimiter' must be one character, got {delimiter!r}")
    if is_integer(label_column):
        label_column = int(label_column)
    elif label_column is not None and not isinstance(label_column, str):
        raise DataError(f"option 'label_column' must be a column name or index, "
                        f"got {label_column!r}")
    if isinstance(label_column, str) and header is None:
        header = True
    check_file(path, check_max_bytes(max_bytes))
    text, warnings = csv_text.decode(path.read_bytes(), path)
    delimiter = delimiter or csv_text.sniff_delimiter(text)
    rows = csv_text.read_rows(text, delimiter, path)
    if all(len(cells) > 1 and cells[-1] == "" for _, cells in rows):
        rows = [(line, cells[:-1]) for line, cells in rows]
        warnings.append(f"every line of '{path.name}' ends with '{_show(delimiter)}', which "
                        "made an empty last column; it was ignored")
    first_line, first = rows[0]
    if header is None:  # a named label column has set header above: this one is an index
        index = None if isinstance(label_column, str) else label_column
        header = csv_text.looks_like_header(first, index, delimiter) or _text_label_header(
            rows, index, delimiter)
    names = first if header else [f"column {j + 1}" for j in range(len(first))]
    data = rows[1:] if header else rows
    if not data:
        raise DataError(f"'{path.name}' has a header (line {first_line}) but no data rows")
    width = len(first)
    for line, cells in data:
        if len(cells) != width:
            raise DataError(
                f"'{path.name}' line {line} has {len(cells)} columns but line {first_line} has "
                f"{width}; every row needs the same number of columns (look for a missing or "
                f"extra '{_show(delimiter)}')")
    if width < 2:
        raise DataError(f"'{path.name}' has only one column (delimiter '{_show(delimiter)}'); "
                        "it needs feature columns and a label column. If the columns are "
                        "separated by another character, pass delimiter='…'")
    label = _label_index(label_column, names, bool(header), path)
    features = [j for j in range(width) if j != label]

    def where(line: int, j: int) -> str:
        named = f" ('{names[j]}')" if header else ""
        return f"'{path.name}' line {line}, column {j + 1}{named}"

    x_rows, label_cells, dropped = [], [], []
    for line, cells in data:
        missing = [j for j in range(width) if csv_text.is_missing(cells[j])]
        if missing and nan == "drop":
            dropped.append(line)
            continue
        if missing:
            raise MissingValuesError(f"{where(line, missing[0])}: missing value; fill it in, "
                                     "or pass nan=\"drop\" to skip rows with missing values")
        values = []
        for j in features:
            value = csv_text.parse_number(cells[j], delimiter)
            if value is None:
                raise DataError(f"{where(line, j)}: '{cells[j]}' is not a finite number; "
                                "feature columns must hold numbers")
            values.append(value)
        x_rows.append(values)
        label_cells.append((line, cells[label]))
    if dropped:
        shown = ", ".join(map(str, dropped[:10])) + (" …" if len(dropped) > 10 else "")
        warnings.append(f"dropped {len(dropped)} rows with missing values (lines {shown})")
    if not x_rows:
        raise DataError(f"'{path.name}': every row has a missing value, nothing is left")
    y, class_names, task, more = _targets(label_cells, task, delimiter, lambda ln: where(ln, label))
    return Dataset(path.stem, np.array(x_rows, dtype=np.float64), y, task=task,
                   class_names=class_names, description=f"{len(x_rows)} rows from {path.name}",
                   warnings=warnings + more, source=str(path),
                   feature_names=[names[j] for j in features])


def _show(delimiter: str) -> str:
    return {"\t": "\\t", " ": "space"}.get(delimiter, delimiter)


def _text_label_header(rows: list[tuple[int, list[str]]], label_column: int | None,
                       delimiter: str) -> bool:
    """A row of numbers with a text label over rows whose labels are all numbers is a header."""
    cells = rows[0][1]
    j = len(cells) - 1 if label_column is None else label_column
    if not -len(cells) <= j < len(cells) or len(rows) < 2:
        return False
    def number(row: list[str]) -> bool:
        return -len(row) <= j < len(row) and csv_text.parse_number(row[j], delimiter) is not None
    return not number(cells) and all(number(row) for _, row in rows[1:])


def _label_index(label_column: int | str | None, names: list[str], header: bool,
                 path: Path) -> int:
    width = len(names)
    if label_column is None:
        return width - 1
    if isinstance(label_column, int):
        if not -width <= label_column < width:
            raise DataError(f"label_column {label_column} is out of range: '{path.name}' has "
                            f"{width} columns (indices 0..{width - 1}, or negative from the end)")
        return label_column % width
    if not header:
        raise DataError(f"label_column '{label_column}' is a name, but '{path.name}' has no "
                        "header row; pass the column's index instead")
    for match in (lambda n: n == label_column,
                  lambda n: n.strip().lower() == label_column.strip().lower()):
        found = [j for j, name in enumerate(names) if match(name)]
        if found:
            return found[0]
    raise DataError(f"'{path.name}' has no column named '{label_column}'; its columns are: "
                    f"{', '.join(names)}")


def _targets(cells: list[tuple[int, str]], task: str | None, delimiter: str,
             where: Callable[[int], str]) -> tuple[np.ndarray, list[str], Task, list[str]]:
    """(y, class_names, task, warnings) from the label cells."""
    numbers = [csv_text.parse_number(cell, delimiter) for _, cell in cells]
    if task == "regression":
        for (line, cell), value in zip(cells, numbers, strict=True):
            if value is None:
                raise DataError(f"{where(line)}: '{cell}' is not a number, and a regression "
                                "target must be one (or pass task='classification')")
        return np.array(numbers, dtype=np.float64).reshape(-1, 1), [], "regression", []
    if all(value is not None for value in numbers):
        values = np.array(numbers, dtype=np.float64)
        if task is None and not is_integral(values):
            return values.reshape(-1, 1), [], "regression", []
        if is_integral(values):
            y, names = encode_integer_labels(values)
            return y, names, "classification", [] if task else many_classes_warning(len(names))
    y, names = encode_text_labels([cell for _, cell in cells])
    return y, names, "classification", []


FORMAT = DataFormat("csv", "CSV files", load_csv, suffixes=(".csv", ".tsv", ".txt"))
