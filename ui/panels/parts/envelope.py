"""A growing series drawn at a bounded cost: a min/max envelope kept as the points arrive.

A live curve gets longer all run long, but a plot a few hundred pixels wide cannot show more than
two values per pixel column. :class:`Envelope` keeps every point (``values``, for the panels'
own reading) and, beside them, at most ``buckets`` buckets of consecutive points, each with its
first and last x and its lowest and highest y; when they would exceed that, neighbouring
buckets merge in pairs. :meth:`points` is what to hand to ``setData``: the points themselves
while they are few, then the lowest and highest value of every bucket, so peaks and dips stay
visible. Its size never exceeds ``2 * buckets + 2`` however long the series grows, and each
append costs time in proportion to the points appended (plus, now and then, ``buckets``).
NaN values are skipped inside a bucket (a bucket of NaN only gives NaN, a gap in the line).
"""

from __future__ import annotations

import numpy as np

from ui.panels.parts.growing import GrowingArray

#: Buckets kept by default: two points each, about one per pixel column of a wide plot.
DEFAULT_BUCKETS = 256


class Envelope:
    def __init__(self, buckets: int = DEFAULT_BUCKETS) -> None:
        if buckets < 2:
            raise ValueError(f"an envelope needs at least 2 buckets, got {buckets}")
        self.capacity = buckets
        self._x, self._y = GrowingArray(), GrowingArray()
        self._clear_buckets()

    def _clear_buckets(self) -> None:
        self.size = 1                       # points per bucket
        self._first, self._last = np.empty(0), np.empty(0)
        self._low, self._high = np.empty(0), np.empty(0)

    def clear(self) -> None:
        self._x.clear()
        self._y.clear()
        self._clear_buckets()

    def __len__(self) -> int:
        return len(self._x)

    @property
    def x(self) -> np.ndarray:
        return self._x.values

    @property
    def values(self) -> np.ndarray:
        return self._y.values

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
        if x.size != y.size:
            raise ValueError(f"an envelope takes as many x as y values, got {x.size} and "
                             f"{y.size}")
        self._x.extend(x)
        self._y.extend(y)
        if len(self._x) > self.capacity:
            self._fill()

    def _fill(self) -> None:
        """Bucket the points after the last complete bucket; merge buckets while too many."""
        n = len(self._x)
        if self.size == 1:       # the first time there are too many points to draw them all
            self.size = 2
        while True:
            done = self._first.size * self.size
            full = (n - done) // self.size
            if self._first.size + full <= self.capacity:
                break
            self._merge()
        if full:
            x = self._x.values[done:done + full * self.size].reshape(full, self.size)
            y = self._y.values[done:done + full * self.size].reshape(full, self.size)
            self._first = np.concatenate([self._first, x[:, 0]])
            self._last = np.concatenate([self._last, x[:, -1]])
            self._low = np.concatenate([self._low, _low(y)])
            self._high = np.concatenate([self._high, _high(y)])

    def _merge(self) -> None:
        """Buckets twice as large: neighbours merge in pairs (an odd last one goes back to
        the points still to bucket)."""
        pairs = self._first.size // 2
        self._first = self._first[0: 2 * pairs: 2].copy()
        self._last = self._last[1: 2 * pairs: 2].copy()
        self._low = _low(self._low[: 2 * pairs].reshape(pairs, 2))
        self._high = _high(self._high[: 2 * pairs].reshape(pairs, 2))
        self.size *= 2

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) to draw: every point while there are at most ``buckets`` of them, then the
        low and high of each bucket (and of the points after the last complete one)."""
        if self.size == 1:
            return self._x.values, self._y.values
        done = self._first.size * self.size
        first, last, low, high = self._first, self._last, self._low, self._high
        if done < len(self._x):
            tx, ty = self._x.values[done:], self._y.values[done:]
            first, last = np.append(first, tx[0]), np.append(last, tx[-1])
            low, high = np.append(low, _low(ty[None])), np.append(high, _high(ty[None]))
        x = np.empty(2 * first.size)
        y = np.empty(2 * first.size)
        x[0::2], x[1::2] = first, last
        y[0::2], y[1::2] = low, high
        return x, y


def _low(values: np.ndarray) -> np.ndarray:
    """Row minima, NaN only for a row of NaN."""
    return np.fmin.reduce(values, axis=1)


def _high(values: np.ndarray) -> np.ndarray:
    return np.fmax.reduce(values, axis=1)
