"""Metrics computed from network outputs: accuracy counts and confusion matrices."""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.backend import Array, to_numpy

#: Above this many classes no confusion matrix is made (K² counts: 32 MiB at 2048 classes,
#: 6.7 GiB at 30,000); accuracy is still measured.
MAX_CONFUSION_CLASSES = 2048


def predicted_labels(output: Array, xp: Any) -> Array:
    """Class index per sample: argmax over classes, or a 0.5 threshold for one output."""
    if output.ndim == 2 and output.shape[1] == 1:
        return (output[:, 0] > 0.5).astype(xp.int64)
    return output.argmax(axis=1)


def true_labels(target: Array, xp: Any) -> Array:
    """Class index per sample from integer labels or one-hot rows."""
    if target.ndim == 2 and target.shape[1] > 1:
        return target.argmax(axis=1)
    return target.reshape(-1).astype(xp.int64)


def confusion_matrix(pred: Any, true: Any, n_classes: int) -> np.ndarray:
    """``matrix[t, p]`` counts samples of true class t predicted as p (NumPy, int64)."""
    pred, true = np.asarray(to_numpy(pred)).ravel(), np.asarray(to_numpy(true)).ravel()
    keep = (true >= 0) & (true < n_classes) & (pred >= 0) & (pred < n_classes)
    flat = true[keep].astype(np.int64) * n_classes + pred[keep].astype(np.int64)
    return np.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def n_classes_of(output_shape: tuple[int, ...]) -> int:
    """Number of classes a classifier with this output shape distinguishes."""
    return 2 if output_shape == (1,) else int(output_shape[0])
