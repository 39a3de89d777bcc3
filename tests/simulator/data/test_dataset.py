"""The Dataset container checks what loaders and generators hand it."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.data import Dataset
from simulator.errors import DataError


def test_defaults() -> None:
    data = Dataset("d", np.zeros((3, 2)), np.array([0, 2, 1]))
    assert data.class_names == ["0", "1", "2"]
    assert data.sample_shape == (2,)
    assert len(data) == 3
    assert data.n_classes == 3
    assert data.warnings == []
    assert data.x_test is None


def test_regression_targets_become_columns() -> None:
    data = Dataset("r", np.zeros((3, 1)), np.array([0.5, 1.0, 2.0]), task="regression")
    assert data.y.shape == (3, 1)
    assert data.class_names == []


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"x": np.zeros(3)}, r"x must be \(samples, features...\)"),
    ({"x": np.zeros((3, 2), dtype=int)}, "x must be a float array"),
    ({"y": np.array([0, 1])}, "3 samples in x but 2 targets in y"),
    ({"y": np.array([0.0, 1.0, 0.0])}, r"class labels y must be integers of shape \(N,\)"),
    ({"y": np.array([0, -1, 0])}, "class labels must be >= 0"),
    ({"class_names": ["a"]}, "label 1 but only 1 class names"),
    ({"task": "clustering"},
     "dataset 'd': 'task' must be one of 'classification', 'regression', got 'clustering'"),
    ({"x_test": np.zeros((1, 2))}, "x_test and y_test must be given together"),
    ({"x_test": np.zeros((1, 3)), "y_test": np.array([0])}, r"test samples have shape \[3\]"),
    ({"x_test": np.zeros((2, 2)), "y_test": np.array([0])}, "2 samples in x_test but 1"),
])
def test_bad_contents(kwargs: dict, message: str) -> None:
    args = {"name": "d", "x": np.zeros((3, 2)), "y": np.array([0, 1, 0]), **kwargs}
    with pytest.raises(DataError, match=message):
        Dataset(**args)


def test_class_names_cover_the_test_labels() -> None:
    data = Dataset("d", np.zeros((2, 1)), np.array([0, 1]), x_test=np.zeros((1, 1)),
                   y_test=np.array([3]))
    assert data.class_names == ["0", "1", "2", "3"]
