"""A growable float buffer for live curves (amortised O(1) appends, views for setData)."""

from __future__ import annotations

import numpy as np


class GrowingArray:
    def __init__(self, capacity: int = 1024) -> None:
        self._data = np.empty(capacity)
        self._n = 0

    def extend(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=float).ravel()
        need = self._n + values.size
        if need > self._data.size:
            grown = np.empty(max(need, 2 * self._data.size))
            grown[: self._n] = self._data[: self._n]
            self._data = grown
        self._data[self._n:need] = values
        self._n = need

    def clear(self) -> None:
        self._n = 0

    @property
    def values(self) -> np.ndarray:
        return self._data[: self._n]

    def __len__(self) -> int:
        return self._n
