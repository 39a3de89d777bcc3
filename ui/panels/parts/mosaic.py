"""Tile many small images into one array, so a grid of maps is a single ``ImageItem``."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Mosaic:
    """``image`` (rows·(h+gap)-gap, cols·(w+gap)-gap[, 3]) with NaN (or 0) in the gaps."""

    image: np.ndarray
    rows: int
    columns: int
    tile_height: int
    tile_width: int
    gap: int

    def tile_origin(self, index: int) -> tuple[int, int]:
        """(x, y) pixel of the top-left corner of tile ``index``."""
        row, col = divmod(index, self.columns)
        return col * (self.tile_width + self.gap), row * (self.tile_height + self.gap)

    def tile_at(self, x: float, y: float) -> int | None:
        """Index of the tile under pixel position (x, y), or None in a gap or outside."""
        col, dx = divmod(int(math.floor(x)), self.tile_width + self.gap)
        row, dy = divmod(int(math.floor(y)), self.tile_height + self.gap)
        if x < 0 or y < 0 or dx >= self.tile_width or dy >= self.tile_height:
            return None
        if col >= self.columns or row >= self.rows:
            return None
        return row * self.columns + col


def grid_shape(count: int, aspect: float = 1.0) -> tuple[int, int]:
    """(rows, columns) for ``count`` tiles, roughly ``aspect`` times wider than tall."""
    if count <= 0:
        return 0, 0
    columns = max(1, min(count, math.ceil(math.sqrt(count * aspect) - 1e-9)))
    return math.ceil(count / columns), columns


def tile(images: np.ndarray, columns: int | None = None, gap: int = 1,
         fill: float = np.nan) -> Mosaic:
    """Tile (n, h, w) or (n, h, w, 3) ``images`` row by row; the gaps hold ``fill``."""
    images = np.asarray(images)
    n, h, w = images.shape[:3]
    rows, cols = grid_shape(n) if columns is None else (math.ceil(n / max(columns, 1)), columns)
    rows, cols = max(rows, 1), max(cols, 1)
    shape = (rows * (h + gap) - gap, cols * (w + gap) - gap, *images.shape[3:])
    dtype = np.float64 if np.isnan(fill) else images.dtype
    out = np.full(shape, fill, dtype=dtype)
    result = Mosaic(out, rows, cols, h, w, gap)
    for i in range(n):
        x, y = result.tile_origin(i)
        out[y:y + h, x:x + w] = images[i]
    return result
