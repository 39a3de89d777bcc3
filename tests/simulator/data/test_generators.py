"""Built-in generators: shapes, ranges, class balance, determinism and option checks."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits

from simulator.data.builtin import images, regression, tables, toy2d
from simulator.errors import DataError

TOY = {"circles": toy2d.circles, "xor": toy2d.xor, "blobs": toy2d.blobs,
       "spiral": toy2d.spiral, "moons": toy2d.moons}


@pytest.mark.parametrize("name", sorted(TOY))
def test_toy_shape_range_balance(name: str) -> None:
    data = TOY[name](n=301, seed=3)
    assert data.x.shape == (301, 2)
    assert data.x.dtype == np.float64
    assert data.y.dtype == np.int64
    assert np.abs(data.x).max() <= 1.5
    counts = np.bincount(data.y)
    assert counts.max() - counts.min() <= 1
    assert data.n_classes == len(counts)


@pytest.mark.parametrize("name", sorted(TOY))
def test_toy_determinism(name: str) -> None:
    a, b, c = TOY[name](seed=7), TOY[name](seed=7), TOY[name](seed=8)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


@pytest.mark.parametrize("make", [toy2d.blobs, toy2d.spiral])
@pytest.mark.parametrize("classes", [2, 5])
def test_class_count_option(make, classes: int) -> None:
    data = make(n=100, classes=classes)
    assert data.n_classes == classes
    assert set(np.unique(data.y)) == set(range(classes))


def test_noise_free_geometry() -> None:
    circles = toy2d.circles(n=200, noise=0.0)
    radius = np.hypot(*circles.x.T)
    assert radius[circles.y == 0].max() <= 0.45 < 0.65 <= radius[circles.y == 1].min()
    xor = toy2d.xor(n=200, noise=0.0)
    np.testing.assert_array_equal(xor.y, (xor.x[:, 0] * xor.x[:, 1] < 0).astype(int))
    blobs = toy2d.blobs(n=300, noise=0.0, classes=3)
    assert len(np.unique(blobs.x.round(12), axis=0)) == 3


@pytest.mark.parametrize(("options", "message"), [
    ({"n": 0}, r"option 'n' must be an integer in \[2, 1000000\], got 0"),
    ({"n": 2.5}, r"option 'n' must be an integer"),
    ({"noise": -0.1}, r"option 'noise' must be a number in \[0, 10\], got -0.1"),
    ({"noise": float("nan")}, r"option 'noise' must be a number in \[0, 10\], got nan"),
    ({"seed": -1}, r"option 'seed' must be an integer >= 0, got -1"),
    ({"classes": 1}, r"option 'classes' must be an integer in \[2, 10\], got 1"),
    ({"n": True}, r"option 'n' must be an integer"),
])
def test_bad_generator_options(options: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        toy2d.spiral(**options)


@pytest.mark.parametrize(("make", "fn"), [
    (regression.sine, lambda x: np.sin(np.pi * x)),
    (regression.polynomial, lambda x: 2 * x**3 - x),
    (regression.step, lambda x: np.where(x < 0, -0.5, 0.5)),
])
def test_regression_functions(make, fn) -> None:
    data = make(n=50, noise=0.0, seed=1)
    assert data.task == "regression"
    assert data.x.shape == (50, 1)
    assert data.y.shape == (50, 1)
    assert np.abs(data.x).max() <= 1
    np.testing.assert_allclose(data.y, fn(data.x))
    noisy = make(n=50, noise=0.1, seed=1)
    assert not np.allclose(noisy.y, fn(noisy.x))
    assert data.class_names == []


def test_surface() -> None:
    data = regression.surface(n=64, noise=0.0)
    assert data.x.shape == (64, 2)
    assert data.y.shape == (64, 1)
    np.testing.assert_allclose(data.y[:, 0], np.sin(np.pi * data.x[:, 0])
                               * np.cos(np.pi * data.x[:, 1] / 2))


def test_digits_are_the_real_scikit_learn_digits() -> None:
    data = images.digits()
    reference = load_digits()
    assert data.x.shape == (1797, 1, 8, 8)
    assert data.x.dtype == np.float32
    np.testing.assert_array_equal(data.x[:, 0], reference.images)
    np.testing.assert_array_equal(data.y, reference.target)
    assert data.class_names == [str(i) for i in range(10)]
    assert data.x.min() == 0
    assert data.x.max() == 16


def test_digits16_upscales_the_same_digits() -> None:
    small, big = images.digits(), images.digits16()
    assert big.x.shape == (1797, 1, 16, 16)
    np.testing.assert_array_equal(big.y, small.y)
    assert big.x.min() >= 0
    assert big.x.max() <= 16
    pooled = big.x.reshape(1797, 1, 8, 2, 8, 2).mean(axis=(3, 5))
    assert np.corrcoef(pooled.ravel(), small.x.ravel())[0, 1] > 0.95


def test_shapes_are_balanced_deterministic_and_distinct() -> None:
    data = images.shapes(n=200, noise=0.0, seed=5)
    assert data.x.shape == (200, 1, 28, 28)
    assert data.x.dtype == np.float32
    assert data.x.min() >= 0
    assert data.x.max() <= 1
    assert data.class_names == ["circle", "square", "triangle", "line"]
    assert np.bincount(data.y).tolist() == [50, 50, 50, 50]
    np.testing.assert_array_equal(data.x, images.shapes(n=200, noise=0.0, seed=5).x)
    lit = data.x.reshape(200, -1).sum(axis=1)
    assert lit[data.y == 3].mean() < lit[data.y == 1].mean() / 2  # lines are thin
    assert all(lit > 0)
    noisy = images.shapes(n=8, noise=0.2, seed=5)
    assert noisy.x.min() >= 0
    assert noisy.x.max() <= 1


def test_course_table() -> None:
    data = tables.course_table()
    np.testing.assert_array_equal(data.x, [[1.4, 2.7, 1.9], [3.8, 3.4, 3.2], [6.4, 2.8, 1.7],
                                           [4.1, 0.1, 0.2]])
    np.testing.assert_array_equal(data.y, [0, 0, 1, 0])
