"""Tiling maps into one image, and finding the tile under a point."""

from __future__ import annotations

import numpy as np
import pytest

from ui.panels.parts.activation_rows import map_columns, row_height
from ui.panels.parts.mosaic import grid_shape, tile


def test_tile_places_every_image_with_gaps() -> None:
    images = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    mosaic = tile(images, columns=3, gap=1)
    assert mosaic.image.shape == (2 * 2 + 1, 3 * 3 + 2)
    np.testing.assert_array_equal(mosaic.image[0:2, 4:7], images[1])
    np.testing.assert_array_equal(mosaic.image[3:5, 0:3], images[3])
    assert np.isnan(mosaic.image[2]).all()               # the gap row
    assert np.isnan(mosaic.image[3:5, 8:11]).all()        # the missing sixth tile


def test_tile_at_inverts_tile_origin() -> None:
    mosaic = tile(np.zeros((7, 4, 4)), columns=3, gap=2)
    for index in range(7):
        x, y = mosaic.tile_origin(index)
        assert mosaic.tile_at(x + 0.5, y + 3.5) == index
    assert mosaic.tile_at(4.5, 0.5) is None                # in a gap
    assert mosaic.tile_at(-1.0, 0.5) is None
    assert mosaic.tile_at(0.5, 100.0) is None


def test_rgb_tiles_keep_their_colours() -> None:
    images = np.full((2, 3, 3, 3), 7, dtype=np.uint8)
    mosaic = tile(images, columns=2, gap=1, fill=255)
    assert mosaic.image.dtype == np.uint8
    assert mosaic.image.shape == (3, 7, 3)
    assert (mosaic.image[:, 3] == 255).all()


@pytest.mark.parametrize(("count", "expected"), [(1, (1, 1)), (4, (2, 2)), (10, (3, 4))])
def test_grid_shape_is_roughly_square(count: int, expected: tuple[int, int]) -> None:
    rows, columns = grid_shape(count)
    assert (rows, columns) == expected
    assert rows * columns >= count


def test_feature_map_rows_fit_the_panel() -> None:
    assert map_columns(6, 11, 11) == 6
    assert map_columns(32, 8, 8) >= 8
    assert 60 <= row_height((8, 26, 26)) <= 240
    assert row_height((1, 28, 28), is_input=True) == 110
    assert row_height((16,)) < row_height((8, 26, 26))
