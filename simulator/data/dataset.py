"""The in-memory dataset every loader and generator returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from simulator.checks import choice, integer
from simulator.errors import DataError

Task = Literal["classification", "regression"]
TASKS = ("classification", "regression")


@dataclass
class Dataset:
    """Samples ``x`` (N, *sample_shape) and targets ``y``.

    ``x`` is a floating array: float32 for image data (NCHW, ``sample_shape == (C, H, W)``), to
    halve the memory, float64 otherwise. For classification ``y`` holds integer class indices
    (N,) into ``class_names``; for regression it is float (N, k) (a 1-D ``y`` becomes (N, 1)).

    ``x_test``/``y_test`` hold a test split that came with the data (an ``.npz`` with
    ``x_test``/``y_test``); ``prepare`` keeps it apart. ``warnings`` lists what the loader
    skipped or guessed, for the UI and command line to show. ``source`` is the built-in name or
    the path it came from; ``feature_names`` the column names of a table (may be empty).
    The last ``added_by_hand`` samples are points a teacher added (:mod:`simulator.data.edits`):
    they are always training data, never held out.
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    task: Task = "classification"
    class_names: list[str] = field(default_factory=list)
    description: str = ""
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    warnings: list[str] = field(default_factory=list)
    source: str = ""
    feature_names: list[str] = field(default_factory=list)
    added_by_hand: int = 0

    def __post_init__(self) -> None:
        choice(self.task, f"dataset '{self.name}': 'task'", TASKS, error=DataError)
        integer(self.added_by_hand, f"dataset '{self.name}': 'added_by_hand'", low=0,
                high=len(self.x), error=DataError)
        if (self.x_test is None) != (self.y_test is None):
            raise DataError(f"dataset '{self.name}': x_test and y_test must be given together")
        self.y = self._check_part("x", "y", self.x, self.y)
        if self.x_test is not None and self.y_test is not None:
            self.y_test = self._check_part("x_test", "y_test", self.x_test, self.y_test)
            if self.x_test.shape[1:] != self.x.shape[1:]:
                raise DataError(
                    f"dataset '{self.name}': test samples have shape {list(self.x_test.shape[1:])}"
                    f" but training samples have shape {list(self.x.shape[1:])}"
                )
        if self.task == "classification":
            self._check_classes()

    def _check_part(self, x_name: str, y_name: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        if x.ndim < 2:
            raise DataError(f"dataset '{self.name}': {x_name} must be (samples, features...), "
                            f"got shape {x.shape}")
        if x.dtype.kind != "f":
            raise DataError(f"dataset '{self.name}': {x_name} must be a float array, "
                            f"got {x.dtype}")
        if len(x) != len(y):
            raise DataError(f"dataset '{self.name}': {len(x)} samples in {x_name} but {len(y)} "
                            f"targets in {y_name}")
        if self.task == "regression":
            if y.dtype.kind != "f":
                raise DataError(f"dataset '{self.name}': regression targets {y_name} must be "
                                f"float, got {y.dtype}")
            return y.reshape(len(y), 1) if y.ndim == 1 else y
        if y.ndim != 1 or y.dtype.kind not in "iu":
            raise DataError(f"dataset '{self.name}': class labels {y_name} must be integers of "
                            f"shape (N,), got {y.dtype} {y.shape}")
        return y

    def _check_classes(self) -> None:
        labels = [self.y] if self.y_test is None else [self.y, self.y_test]
        top = max((int(part.max()) for part in labels if len(part)), default=-1)
        low = min((int(part.min()) for part in labels if len(part)), default=0)
        if low < 0:
            raise DataError(f"dataset '{self.name}': class labels must be >= 0, found {low}")
        if not self.class_names:
            self.class_names = [str(i) for i in range(top + 1)]
        elif top >= len(self.class_names):
            raise DataError(f"dataset '{self.name}': label {top} but only "
                            f"{len(self.class_names)} class names")

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def __len__(self) -> int:
        return len(self.x)
