"""Reading CSV text into rows: encoding, delimiter sniffing, header detection, number cells.

The loader in :mod:`simulator.data.formats.csv` turns these rows into a :class:`Dataset`.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from simulator.errors import DataError

DELIMITERS = ",;\t| "
SNIFF_CHARS = 64 * 1024
MISSING = frozenset({"", "nan", "na", "n/a", "null", "none", "?"})


def decode(raw: bytes, path: Path) -> tuple[str, list[str]]:
    """The file's text (UTF-8, with or without a BOM; else Latin-1 with a warning)."""
    if b"\x00" in raw[:4096]:
        raise DataError(f"'{path.name}' is not a text CSV file (it contains NUL bytes); if it "
                        "is UTF-16 text, save it again as UTF-8")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("latin-1"), [f"'{path.name}' is not UTF-8 text; it was read as "
                                       "Latin-1 (save it as UTF-8 to be sure of any names)"]


def sniff_delimiter(text: str) -> str:
    """csv.Sniffer's guess among , ; tab | space, or the most regular of them in the first lines."""
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter in DELIMITERS and delimiter:
        return delimiter
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    best, best_count = ",", 0
    for candidate in DELIMITERS:
        counts = {line.count(candidate) for line in lines}
        if len(counts) == 1 and (count := counts.pop()) > best_count:
            best, best_count = candidate, count
    return best


def read_rows(text: str, delimiter: str, path: Path) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the (1-based) line number each ends on, cells stripped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        skipinitialspace=delimiter != " ")
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if delimiter == " ":
                cells = [cell for cell in cells if cell]
            if any(cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise DataError(f"'{path.name}' line {reader.line_num}: {exc}") from exc
    if not rows:
        raise DataError(f"'{path.name}' holds no rows (only blank lines)")
    return rows


def is_missing(cell: str) -> bool:
    return cell.lower() in MISSING


def parse_number(cell: str, delimiter: str) -> float | None:
    """The cell as a float, or None when it is not a number (inf is not a number here)."""
    try:
        value = float(cell)
    except ValueError:
        if delimiter == "," or "," not in cell:
            return None
        try:  # a decimal comma, as in "1,5" in a semicolon-separated file
            value = float(cell.replace(",", "."))
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def looks_like_header(cells: list[str], label: int | None, delimiter: str) -> bool:
    """A first row is a header when a feature cell in it is not a number.

    Features must be numbers, so text there can only be column names. (Text in the label
    column alone is a class name, as in ``1.4,2.7,cat``.) A row of numbers only is data.
    """
    label_index = len(cells) - 1 if label is None else label % max(len(cells), 1)
    return any(
        j != label_index and not is_missing(cell) and parse_number(cell, delimiter) is None
        for j, cell in enumerate(cells)
    )
