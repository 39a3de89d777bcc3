"""Splits: ratios, stratification, coverage without overlap, determinism, and k-fold."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.data import kfold_indices, train_val_test_split
from simulator.errors import DataError


def _assert_partition(split, n: int) -> None:
    joined = np.concatenate(split)
    assert sorted(joined.tolist()) == list(range(n))


def test_ratios_and_partition() -> None:
    split = train_val_test_split(100, val=0.2, test=0.1, seed=0)
    assert (len(split.train), len(split.val), len(split.test)) == (70, 20, 10)
    _assert_partition(split, 100)
    assert split.train.dtype == np.int64


def test_no_validation() -> None:
    split = train_val_test_split(10, val=0.0)
    assert len(split.val) == 0
    assert len(split.test) == 0
    assert len(split.train) == 10


def test_determinism_per_seed() -> None:
    a = train_val_test_split(50, val=0.3, seed=4)
    b = train_val_test_split(50, val=0.3, seed=4)
    c = train_val_test_split(50, val=0.3, seed=5)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.val, c.val)


def test_stratified_keeps_class_proportions() -> None:
    labels = np.repeat([0, 1, 2], [60, 30, 10])
    split = train_val_test_split(100, val=0.2, test=0.1, seed=1, stratify=labels)
    _assert_partition(split, 100)
    assert np.bincount(labels[split.val], minlength=3).tolist() == [12, 6, 2]
    assert np.bincount(labels[split.test], minlength=3).tolist() == [6, 3, 1]


def test_stratified_rounding_hits_the_total() -> None:
    labels = np.repeat([0, 1, 2], [7, 7, 7])
    split = train_val_test_split(21, val=0.2, seed=0, stratify=labels)
    assert len(split.val) == 4
    assert np.bincount(labels[split.val], minlength=3).max() == 2


def test_tiny_classes_stay_in_training() -> None:
    labels = np.array([0, 0, 1, 0])  # the course table: one sample of class 1
    for seed in range(10):
        split = train_val_test_split(4, val=0.2, seed=seed, stratify=labels)
        assert 1 in labels[split.train]
        assert len(split.val) == 1


def test_too_few_samples() -> None:
    with pytest.raises(DataError, match="1 samples are too few to hold out 1 for validation"):
        train_val_test_split(1, val=0.2)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n_samples": 0}, "option 'n_samples' must be a positive integer, got 0"),
    ({"n_samples": 10, "val": 1.5}, r"option 'val' must be a number in \[0, 1\], got 1.5"),
    ({"n_samples": 10, "val": 0.5, "test": 0.5}, r"fractions add up to 1; they must stay below"),
    ({"n_samples": 2, "val": 0.3, "test": 0.3}, r"2 samples are too few to hold out 1 for "
                                                r"validation and 1 for testing"),
    ({"n_samples": 3, "stratify": np.array([0, 1])}, r"one label per sample \(3\)"),
])
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        train_val_test_split(**kwargs)


def test_kfold_covers_every_sample_once() -> None:
    folds = kfold_indices(23, 5, seed=0)
    assert len(folds) == 5
    validated = np.concatenate([val for _, val in folds])
    assert sorted(validated.tolist()) == list(range(23))
    for train, val in folds:
        assert not set(train) & set(val)
        assert len(train) + len(val) == 23
    again = kfold_indices(23, 5, seed=0)
    for (t1, v1), (t2, v2) in zip(folds, again, strict=True):
        np.testing.assert_array_equal(t1, t2)
        np.testing.assert_array_equal(v1, v2)
    assert not np.array_equal(folds[0][1], kfold_indices(23, 5, seed=1)[0][1])


def test_stratified_kfold_balances_classes() -> None:
    labels = np.repeat([0, 1], [40, 10])
    for _, val in kfold_indices(50, 5, seed=2, stratify=labels):
        assert np.bincount(labels[val]).tolist() == [8, 2]


def test_stratified_kfold_needs_k_per_class() -> None:
    labels = np.array([0] * 10 + [1] * 2)
    with pytest.raises(DataError, match="class 1 has only 2 samples, fewer than the 3 folds"):
        kfold_indices(12, 3, stratify=labels)
    with pytest.raises(DataError, match=r"option 'k' must be an integer in \[2, 4\], got 5"):
        kfold_indices(4, 5)


def test_nothing_held_out_means_nothing_permuted() -> None:
    """With no validation or test part there is nothing to draw: the data's own order."""
    labels = np.array([1, 0, 1, 1, 0, 0, 1, 0])
    for stratify in (None, labels):
        split = train_val_test_split(8, val=0.0, seed=3, stratify=stratify)
        assert split.train.tolist() == list(range(8))
        assert split.train.dtype == np.int64


@pytest.mark.parametrize("stratified", [False, True])
def test_keep_order_returns_each_part_in_file_order(stratified: bool) -> None:
    labels = np.arange(60) % 3 if stratified else None
    drawn = train_val_test_split(60, val=0.25, test=0.1, seed=5, stratify=labels)
    kept = train_val_test_split(60, val=0.25, test=0.1, seed=5, stratify=labels,
                                keep_order=True)
    for shuffled, ordered in zip(drawn, kept, strict=True):
        assert ordered.tolist() == sorted(shuffled.tolist())   # the same samples, in order
        assert ordered.dtype == np.int64
    assert drawn.train.tolist() != kept.train.tolist()
