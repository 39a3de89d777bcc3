"""Turning the labels found in a file into class indices and class names.

Integer labels that are exactly 0..k-1 keep their values ("7" is class 7). Any other set of
integers (1-based labels, gaps, negatives) maps, in ascending order, onto 0..k-1 and keeps the
original values as the class names. Text labels map onto their sorted names.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulator.errors import DataError

#: More classes than this in an auto-detected integer column suggests a numeric target.
MANY_CLASSES = 100


def is_integral(values: np.ndarray) -> bool:
    """True when every value is a whole number (integer dtype, or floats like 3.0)."""
    if values.dtype.kind in "iub":
        return True
    return values.dtype.kind == "f" and bool(np.all(np.abs(values) < 2.0**53)) and bool(
        np.all(values == np.round(values)))


def encode_integer_labels(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Class indices (int64) and class names for whole-number labels."""
    values = np.asarray(values)
    if not is_integral(values):
        raise DataError("class labels must be whole numbers")
    ints = values.astype(np.int64)
    unique = np.unique(ints)
    if len(unique) and unique[0] == 0 and unique[-1] == len(unique) - 1:
        return ints, [str(v) for v in unique.tolist()]
    return np.searchsorted(unique, ints).astype(np.int64), [str(v) for v in unique.tolist()]


def encode_text_labels(cells: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Class indices (int64) and sorted class names for text labels."""
    names = sorted(set(cells))
    index = {name: i for i, name in enumerate(names)}
    return np.fromiter((index[c] for c in cells), dtype=np.int64, count=len(cells)), names


def many_classes_warning(n_classes: int) -> list[str]:
    if n_classes <= MANY_CLASSES:
        return []
    return [f"the label column has {n_classes} different whole numbers and was read as "
            f"{n_classes} classes; pass task='regression' if it is a numeric target"]
