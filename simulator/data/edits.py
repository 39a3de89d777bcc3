"""Points a teacher added to, or removed from, a classification dataset by hand.

A :class:`PointEdits` is the smallest honest record of the edits, kept beside the data's
source and options (a project's ``DatasetChoice``) rather than a copy of the data:

``removed``
    indices into the data as it is loaded (before any edit), sorted, each once;
``added_x`` / ``added_y``
    the added points' features and class indices, in the order they were added.

:meth:`PointEdits.apply` gives the edited data: the loaded samples that were not removed, in
their order, then the added ones (``Dataset.added_by_hand`` of them: always training data). The
same data and edits give the same arrays, bit for bit. Removals name samples of one draw of the
data: generating it anew with another seed or size keeps the added points and drops the
removals (:meth:`PointEdits.added_only`), whose indices named points that are gone (another
noise level jitters the same points, so the app keeps every edit then).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.checks import ErrorType, is_integer, is_number
from simulator.data.dataset import Dataset
from simulator.errors import DataError

#: Most points a set of edits may add, and most it may remove.
MAX_EDITED_POINTS = 100_000
#: Most features an added point may have.
MAX_FEATURES = 64
KEYS = ("added_x", "added_y", "removed")


@dataclass(frozen=True)
class PointEdits:
    added_x: tuple[tuple[float, ...], ...] = ()
    added_y: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        _check(self.added_x, self.added_y, self.removed, "point edits", DataError)

    @property
    def empty(self) -> bool:
        return not self.added_x and not self.removed

    def describe(self) -> str:
        """``"3 points added and 2 removed by hand"`` (empty when there are no edits)."""
        parts = []
        if self.added_x:
            parts.append(f"{len(self.added_x)} point{'s' * (len(self.added_x) != 1)} added")
        if self.removed:
            parts.append(f"{len(self.removed)} removed" if parts else
                         f"{len(self.removed)} point{'s' * (len(self.removed) != 1)} removed")
        return f"{' and '.join(parts)} by hand" if parts else ""

    # ----- editing (each returns new edits) ------------------------------------------------
    def add(self, point: Any, label: int) -> PointEdits:
        """These edits and one more point ``point`` of class ``label``."""
        values = tuple(float(v) for v in np.asarray(point, dtype=float).reshape(-1))
        return PointEdits((*self.added_x, values), (*self.added_y, int(label)), self.removed)

    def remove(self, index: int, loaded: int) -> PointEdits:
        """These edits and sample ``index`` of the *edited* data removed too; ``loaded`` is
        how many samples the data has as loaded."""
        kept = self.kept(loaded)
        if not 0 <= index < len(kept) + len(self.added_x):
            raise DataError(f"there is no point {index} to remove: the edited data has "
                            f"{len(kept) + len(self.added_x)}")
        if index < len(kept):
            return PointEdits(self.added_x, self.added_y,
                              tuple(sorted((*self.removed, int(kept[index])))))
        i = index - len(kept)
        return PointEdits(self.added_x[:i] + self.added_x[i + 1:],
                          self.added_y[:i] + self.added_y[i + 1:], self.removed)

    def added_only(self) -> PointEdits:
        """The added points alone: what stays when the data is generated anew."""
        return PointEdits(self.added_x, self.added_y)

    def kept(self, loaded: int) -> np.ndarray:
        """The indices (into the loaded data) of the samples not removed, in order."""
        keep = np.ones(loaded, dtype=bool)
        keep[[i for i in self.removed if i < loaded]] = False
        return np.flatnonzero(keep)

    # ----- the edited data --------------------------------------------------------------
    def apply(self, dataset: Dataset) -> Dataset:
        """``dataset`` with these edits; a DataError says why they do not fit it."""
        if self.empty:
            return dataset
        where = f"the points edited by hand in '{dataset.name}'"
        if dataset.task != "classification":
            raise DataError(f"{where}: points can be added and removed only in classification "
                            f"data; '{dataset.name}' is {dataset.task} data")
        if len(dataset.sample_shape) != 1:
            raise DataError(f"{where}: points can be edited only in data of plain feature "
                            f"vectors, not samples of shape {list(dataset.sample_shape)}")
        if self.removed and self.removed[-1] >= len(dataset):
            raise DataError(f"{where}: removed sample {self.removed[-1]} but the data has only "
                            f"{len(dataset)} samples; the data may have changed since")
        features = dataset.sample_shape[0]
        if self.added_x and len(self.added_x[0]) != features:
            raise DataError(f"{where}: an added point has {len(self.added_x[0])} features but "
                            f"the data's samples have {features}")
        if self.added_y and max(self.added_y) >= dataset.n_classes:
            raise DataError(f"{where}: an added point has class {max(self.added_y)} but the "
                            f"data has {dataset.n_classes} classes (0 to "
                            f"{dataset.n_classes - 1})")
        kept = self.kept(len(dataset))
        added_x = np.asarray(self.added_x, dtype=dataset.x.dtype).reshape(-1, features)
        x = np.concatenate([dataset.x[kept], added_x])
        y = np.concatenate([dataset.y[kept], np.asarray(self.added_y, dtype=dataset.y.dtype)])
        note = self.describe()
        description = f"{dataset.description}; {note}" if dataset.description else note
        return dataclasses.replace(dataset, x=x, y=y, description=description,
                                   added_by_hand=dataset.added_by_hand + len(self.added_x),
                                   class_names=list(dataset.class_names),
                                   warnings=list(dataset.warnings),
                                   feature_names=list(dataset.feature_names))

    # ----- files ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"added_x": [list(p) for p in self.added_x], "added_y": list(self.added_y),
                "removed": list(self.removed)}

    @classmethod
    def from_dict(cls, data: Any, what: str = "point edits",
                  error: ErrorType = DataError) -> PointEdits:
        """Edits read from a file (``error`` is raised for anything malformed)."""
        if not isinstance(data, Mapping):
            raise error(f"{what} must be an object with {', '.join(KEYS)}")
        unknown = sorted(str(k) for k in set(data) - set(KEYS))
        if unknown:
            raise error(f"{what}: unknown keys {unknown}; point edits hold {', '.join(KEYS)}")
        lists = {key: data.get(key, []) for key in KEYS}
        for key, value in lists.items():
            if not isinstance(value, list):
                raise error(f"{what}: '{key}' must be a list")
            if len(value) > MAX_EDITED_POINTS:
                raise error(f"{what}: '{key}' lists {len(value)} points; at most "
                            f"{MAX_EDITED_POINTS}")
        points = []
        for i, point in enumerate(lists["added_x"]):
            if not isinstance(point, list) or not 1 <= len(point) <= MAX_FEATURES:
                raise error(f"{what}: added point {i} must be a list of 1 to {MAX_FEATURES} "
                            "numbers")
            points.append(tuple(point))
        added_y, removed = tuple(lists["added_y"]), tuple(lists["removed"])
        _check(tuple(points), added_y, removed, what, error)
        return cls(tuple(tuple(float(v) for v in p) for p in points),
                   tuple(int(v) for v in added_y), tuple(int(v) for v in removed))


def _check(added_x: tuple[Any, ...], added_y: tuple[Any, ...], removed: tuple[Any, ...],
           what: str, error: ErrorType) -> None:
    """The edits' own consistency (what fits a particular dataset is :meth:`apply`'s)."""
    if len(added_x) != len(added_y):
        raise error(f"{what}: {len(added_x)} added points but {len(added_y)} classes for them")
    if len(added_x) > MAX_EDITED_POINTS or len(removed) > MAX_EDITED_POINTS:
        raise error(f"{what}: at most {MAX_EDITED_POINTS} points may be added or removed")
    if added_x and len({len(p) for p in added_x}) != 1:
        raise error(f"{what}: the added points must all have the same number of features")
    for i, point in enumerate(added_x):
        if not all(is_number(v) and math.isfinite(float(v)) for v in point):
            raise error(f"{what}: added point {i} must hold finite numbers, got {list(point)}")
    for i, label in enumerate(added_y):
        if not is_integer(label) or label < 0:
            raise error(f"{what}: the class of added point {i} must be an integer >= 0, "
                        f"got {label!r}")
    if not all(is_integer(i) and i >= 0 for i in removed):
        raise error(f"{what}: removed samples must be given by their index (an integer "
                    ">= 0)")
    if any(b <= a for a, b in zip(removed, removed[1:], strict=False)):
        raise error(f"{what}: the removed samples' indices must be sorted, each given once")
