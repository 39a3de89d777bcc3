"""Conv kernels tiled into one image: where each kernel W[f, c] sits, for few and many
input channels."""

from __future__ import annotations

import numpy as np
import pytest

from ui.panels.parts.kernel_tiles import MAX_COLUMNS, kernel_tiles, symmetric_limit


def _kernels(f: int, c: int, kh: int = 3, kw: int = 3) -> np.ndarray:
    return np.arange(f * c * kh * kw, dtype=float).reshape(f, c, kh, kw) - 7.5


def test_few_channels_sit_side_by_side_in_one_tile_per_filter() -> None:
    kernels = _kernels(20, 3)
    tiles = kernel_tiles(kernels)
    assert tiles.side_by_side
    assert tiles.mosaic.rows == 2                     # 20 filters, at most 16 to a row
    assert tiles.mosaic.columns == 10
    for f in range(20):
        for c in range(3):
            np.testing.assert_array_equal(tiles.kernel(f, c), kernels[f, c])
    x, y = tiles.kernel_origin(11, 2)                 # second row, second tile, third channel
    assert (x, y) == (1 * (3 * 4 - 1 + 1) + 2 * 4, 1 * 4)
    assert np.isnan(tiles.image[0, 3])                # the gap between two channels
    assert np.isnan(tiles.image[3, 0])                # the gap between two rows of filters
    assert np.isfinite(tiles.image).sum() == kernels.size


def test_many_channels_make_rows_of_channels_and_columns_of_filters() -> None:
    kernels = _kernels(32, 16)
    tiles = kernel_tiles(kernels)
    assert not tiles.side_by_side
    assert (tiles.mosaic.rows, tiles.mosaic.columns) == (16, 32)
    assert tiles.image.shape == (16 * 4 - 1, 32 * 4 - 1)
    for f, c in [(0, 0), (31, 0), (0, 15), (7, 9), (31, 15)]:
        assert tiles.kernel_origin(f, c) == (4 * f, 4 * c)
        np.testing.assert_array_equal(tiles.kernel(f, c), kernels[f, c])
    assert np.isfinite(tiles.image).sum() == kernels.size
    assert MAX_COLUMNS < 32                           # the row of filters is not wrapped


def test_bad_shapes_and_the_colour_scale() -> None:
    with pytest.raises(ValueError, match="filters, channels"):
        kernel_tiles(np.zeros((3, 3, 3)))
    assert symmetric_limit(np.array([0.2, -0.5, np.nan])) == 0.5
    assert symmetric_limit(np.zeros(4)) == 1.0
