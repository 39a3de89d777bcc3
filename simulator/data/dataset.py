"""The in-memory dataset every loader and generator returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from simulator.errors import DataError

Task = Literal["classification", "regression"]


@dataclass
class Dataset:
    """Samples ``x`` (N, *sample_shape) as float, targets ``y`` (N,) int labels or (N, k) floats.

    Images are NCHW: ``sample_shape`` is ``(C, H, W)``.
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    task: Task = "classification"
    class_names: list[str] = field(default_factory=list)
    description: str = ""

    def __post_init__(self) -> None:
        if self.x.ndim < 2:
            raise DataError(f"dataset '{self.name}': x must be (samples, features...), "
                            f"got shape {self.x.shape}")
        if len(self.x) != len(self.y):
            raise DataError(f"dataset '{self.name}': {len(self.x)} samples but {len(self.y)} "
                            "targets")
        if self.task == "classification" and not self.class_names:
            n = int(self.y.max()) + 1 if len(self.y) else 0
            self.class_names = [str(i) for i in range(n)]

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def __len__(self) -> int:
        return len(self.x)
