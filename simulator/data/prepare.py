"""From a :class:`Dataset` and a training config to the arrays the Trainer consumes.

Samples are reshaped to the network's ``input_shape`` when the sizes agree (an 8×8 image feeds
``[64]`` or ``[1, 8, 8]``), split with ``config.validation_split`` (stratified for
classification, seeded by ``config.seed``; with ``shuffle`` off the training samples keep the
file's order, and with no validation split nothing is permuted at all), and preprocessed with
statistics fitted on the training split only. ``x`` arrays come out in ``config.dtype``; class
labels as int64 (N,), regression targets as (N, k) in ``config.dtype``. An empty validation
split gives arrays with zero samples. ``auto`` preprocessing reads the dataset's own sample
shape: images (two or more axes per sample) get their pixels scaled to [0, 1] even when the
network takes them flat.

:func:`fit_problem` says, before any training, why a design's output cannot learn a dataset's
targets (the app shows it; the Trainer runs the same check).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.config import TrainingConfig
from simulator.data.dataset import Dataset
from simulator.data.preprocessing import Preprocessor
from simulator.data.splits import SplitIndices, train_val_test_split
from simulator.errors import DataError
from simulator.losses import get_loss
from simulator.spec import INPUT, NetworkSpec


@dataclass(frozen=True)
class Prepared:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    preprocessor: Preprocessor
    dataset: Dataset
    #: The dataset's own test split (``Dataset.x_test``), preprocessed like the rest; or None.
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None


def fit_input(x: np.ndarray, input_shape: Sequence[int], name: str = "dataset") -> np.ndarray:
    """``x`` (N, ...) reshaped to (N, *input_shape), or a DataError naming both shapes."""
    want = tuple(int(v) for v in input_shape)
    have = tuple(x.shape[1:])
    if math.prod(have) != math.prod(want):
        raise DataError(
            f"{name} has samples of shape {list(have)} ({math.prod(have)} values) but the "
            f"network's input_shape is {list(want)} ({math.prod(want)} values); set the input "
            f"shape to {list(have)} (or any shape with {math.prod(have)} values)")
    return x.reshape((len(x), *want))


def split_of(dataset: Dataset, config: TrainingConfig) -> SplitIndices:
    """The training and validation rows :func:`prepare` uses: the same data and config (seed,
    ``validation_split``) give the same rows, so a trained model's held-out part can be found
    again. Points added by hand (the last ``dataset.added_by_hand``) are always training rows,
    after the drawn ones, and leave the draw of the others as it was."""
    classification = dataset.task == "classification"
    drawn = len(dataset.x) - dataset.added_by_hand
    added = np.arange(drawn, len(dataset.x), dtype=np.int64)
    if drawn == 0:
        return SplitIndices(added, added[:0], added[:0].copy())
    split = train_val_test_split(drawn, val=config.validation_split, seed=config.seed,
                                 stratify=dataset.y[:drawn] if classification else None,
                                 keep_order=not config.shuffle)
    return split._replace(train=np.concatenate([split.train, added])) if len(added) else split


def check_fit(spec: NetworkSpec, dataset: Dataset) -> None:
    """Raise a DataError, before any training, when ``spec``'s output and loss cannot learn
    ``dataset``'s targets (:meth:`Loss.check_targets` on all of its labels), naming the layer
    whose units set the output size. Assumes the design is valid."""
    output = spec.infer_shapes()[-1].output_shape
    classes = dataset.n_classes if dataset.task == "classification" else None
    get_loss(spec.training.loss).check_targets(dataset.y, output,
                                               layer=output_sizing_layer(spec), classes=classes)


def prepare(dataset: Dataset, config: TrainingConfig, input_shape: Sequence[int]) -> Prepared:
    """Reshape, split and preprocess ``dataset`` for a network with ``input_shape``."""
    where = f"dataset '{dataset.name}'"
    x = fit_input(dataset.x, input_shape, where)
    classification = dataset.task == "classification"
    split = split_of(dataset, config)
    dtype = np.dtype(config.dtype)
    preprocessor = Preprocessor(config.preprocessing).fit(x[split.train],
                                                          images=dataset.x.ndim > 2)

    def inputs(part: np.ndarray) -> np.ndarray:
        return preprocessor.transform(part).astype(dtype, copy=False)

    def targets(part: np.ndarray) -> np.ndarray:
        return part.astype(np.int64 if classification else dtype, copy=False)

    x_test = y_test = None
    if dataset.x_test is not None and dataset.y_test is not None:
        x_test = inputs(fit_input(dataset.x_test, input_shape, f"{where} (test split)"))
        y_test = targets(dataset.y_test)
    return Prepared(inputs(x[split.train]), targets(dataset.y[split.train]),
                    inputs(x[split.val]), targets(dataset.y[split.val]), preprocessor, dataset,
                    x_test, y_test)


@dataclass(frozen=True)
class Misfit:
    """Why a design cannot train on a dataset (the engine's message, which ends with the
    fix), and the box to show it on: a layer's name, or ``"input"``."""

    message: str
    node: str


def output_sizing_layer(spec: NetworkSpec) -> str | None:
    """The layer whose ``units`` set the size of the output, if any."""
    return next((layer.name for layer in reversed(spec.layers) if "units" in layer.config),
                None)


def find_misfit(spec: NetworkSpec, dataset: Dataset) -> Misfit | None:
    """Why ``spec`` cannot train on ``dataset``, found before any work is done, or None.

    The engine's own checks: the samples' shape against the input shape (:func:`fit_input`),
    then the targets against the output and the loss (:func:`check_fit`, the check the CLI and
    the Trainer run), naming the layer to resize. Assumes the design itself is valid
    (``infer_shapes`` succeeds).
    """
    try:
        fit_input(dataset.x, spec.input_shape, f"dataset '{dataset.name}'")
    except DataError as exc:
        return Misfit(str(exc), INPUT)
    try:
        check_fit(spec, dataset)
    except DataError as exc:
        last = spec.layers[-1].name if spec.layers else INPUT
        return Misfit(str(exc), output_sizing_layer(spec) or last)
    return None


def fit_problem(spec: NetworkSpec, dataset: Dataset) -> str | None:
    """The message of :func:`find_misfit`, or None when the design fits the data."""
    misfit = find_misfit(spec, dataset)
    return None if misfit is None else misfit.message
