"""Seeded train/validation/test splits and k-fold indices, stratified for classification.

A stratified split gives every class its share of each part (largest remainder rounding) and
always keeps at least one sample of every class in the training part. The same seed gives the
same indices; the indices inside each part come in a seeded random order, or in the data's own
order with ``keep_order`` (training that presents the samples in the file's order). With
nothing held out (``val`` and ``test`` 0) nothing is drawn: the training part is every index in
order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulator.checks import integer, number
from simulator.errors import DataError

MAX_SEED = 2**32 - 1


class SplitIndices(NamedTuple):
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def _count(n: int, fraction: float) -> int:
    return 0 if fraction == 0 else max(1, int(np.floor(n * fraction + 0.5)))


def _allocate(counts: np.ndarray, total: int, capacity: np.ndarray) -> np.ndarray:
    """Split ``total`` across classes in proportion to ``counts``, never above ``capacity``."""
    exact = counts * total / counts.sum()
    take = np.minimum(np.floor(exact).astype(np.int64), capacity)
    order = np.argsort(-(exact - np.floor(exact)), kind="stable")
    while take.sum() < total:
        room = [c for c in order if take[c] < capacity[c]]
        if not room:
            break
        for c in room[: total - int(take.sum())]:
            take[c] += 1
    return take


def _check_labels(stratify: np.ndarray | None, n: int) -> np.ndarray | None:
    if stratify is None:
        return None
    labels = np.asarray(stratify)
    if labels.ndim != 1 or len(labels) != n:
        raise DataError(f"stratify must hold one label per sample ({n}), got shape "
                        f"{list(labels.shape)}")
    return labels


def train_val_test_split(n_samples: int, *, val: float = 0.2, test: float = 0.0, seed: int = 0,
                         stratify: np.ndarray | None = None,
                         keep_order: bool = False) -> SplitIndices:
    """Indices of the training, validation and test parts of ``n_samples`` samples.

    ``val`` and ``test`` are fractions (each part gets at least one sample when its fraction
    is above 0); ``stratify`` holds the class label of each sample. ``keep_order`` returns
    each part's indices in ascending (file) order; which samples land in which part is the
    same seeded draw either way.
    """
    n = integer(n_samples, "option 'n_samples'", low=1, error=DataError)
    val = number(val, "option 'val'", low=0, high=1, error=DataError)
    test = number(test, "option 'test'", low=0, high=1, error=DataError)
    if val + test >= 1:
        raise DataError(f"the validation ({val}) and test ({test}) fractions add up to "
                        f"{val + test:g}; they must stay below 1 to leave training samples")
    integer(seed, "option 'seed'", low=0, high=MAX_SEED, error=DataError)
    labels = _check_labels(stratify, n)
    n_val, n_test = _count(n, val), _count(n, test)
    if n - n_val - n_test < 1:
        raise DataError(f"{n} samples are too few to hold out {n_val} for validation and "
                        f"{n_test} for testing; lower the validation split or add data")
    if n_val == n_test == 0:
        empty = np.zeros(0, dtype=np.int64)
        return SplitIndices(np.arange(n, dtype=np.int64), empty, empty.copy())
    rng = np.random.default_rng(seed)
    if labels is None:
        order = rng.permutation(n)
        split = SplitIndices(order[n_test + n_val:], order[n_test:n_test + n_val],
                             order[:n_test])
        return _in_file_order(split) if keep_order else split
    _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    take_test = _allocate(counts, n_test, counts - 1)
    take_val = _allocate(counts, n_val, counts - 1 - take_test)
    parts: tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]] = ([], [], [])
    for c in range(len(counts)):
        members = rng.permutation(np.flatnonzero(inverse == c))
        t, v = take_test[c], take_test[c] + take_val[c]
        for part, chunk in zip(parts, (members[v:], members[t:v], members[:t]), strict=True):
            part.append(chunk)
    train, val_idx, test_idx = (rng.permutation(np.concatenate(p)).astype(np.int64)
                                for p in parts)
    split = SplitIndices(train, val_idx, test_idx)
    return _in_file_order(split) if keep_order else split


def _in_file_order(split: SplitIndices) -> SplitIndices:
    return SplitIndices(*(np.sort(part).astype(np.int64) for part in split))


def kfold_indices(n: int, k: int, seed: int = 0, stratify: np.ndarray | None = None
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` (train, validation) index pairs; every sample is validated exactly once.

    Shuffled with ``seed``; with ``stratify`` (class labels) each fold keeps the class
    proportions (scikit-learn's StratifiedKFold), which needs ``k`` samples of every class.
    """
    n = integer(n, "option 'n'", low=2, error=DataError)
    k = integer(k, "option 'k'", low=2, high=n, error=DataError)
    integer(seed, "option 'seed'", low=0, high=MAX_SEED, error=DataError)
    labels = _check_labels(stratify, n)
    from sklearn.model_selection import KFold, StratifiedKFold  # slow to import: on demand

    dummy = np.zeros((n, 1))
    if labels is None:
        folds = KFold(n_splits=k, shuffle=True, random_state=seed).split(dummy)
    else:
        values, counts = np.unique(labels, return_counts=True)
        if counts.min() < k:
            rare = values[np.argmin(counts)].item()
            raise DataError(f"class {rare!r} has only {counts.min()} samples, fewer than the "
                            f"{k} folds; use k <= {counts.min()} or do not stratify")
        folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(dummy, labels)
    return [(train.astype(np.int64), valid.astype(np.int64)) for train, valid in folds]
