"""From a :class:`Dataset` and a training config to the arrays the Trainer consumes.

Samples are reshaped to the network's ``input_shape`` when the sizes agree (an 8×8 image feeds
``[64]`` or ``[1, 8, 8]``), split with ``config.validation_split`` (stratified for
classification, seeded by ``config.seed``), and preprocessed with statistics fitted on the
training split only. ``x`` arrays come out in ``config.dtype``; class labels as int64 (N,),
regression targets as (N, k) in ``config.dtype``. An empty validation split gives arrays with
zero samples.
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
from simulator.spec import NetworkSpec


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
    again."""
    classification = dataset.task == "classification"
    return train_val_test_split(len(dataset.x), val=config.validation_split, seed=config.seed,
                                stratify=dataset.y if classification else None)


def check_fit(spec: NetworkSpec, dataset: Dataset) -> None:
    """Raise a DataError, before any training, when ``spec``'s output and loss cannot learn
    ``dataset``'s targets (:meth:`Loss.check_targets` on all of its labels), naming the layer
    whose units set the output size. Assumes the design is valid."""
    output = spec.infer_shapes()[-1].output_shape
    sized = next((layer.name for layer in reversed(spec.layers) if "units" in layer.config),
                 None)
    classes = dataset.n_classes if dataset.task == "classification" else None
    get_loss(spec.training.loss).check_targets(dataset.y, output, layer=sized, classes=classes)


def prepare(dataset: Dataset, config: TrainingConfig, input_shape: Sequence[int]) -> Prepared:
    """Reshape, split and preprocess ``dataset`` for a network with ``input_shape``."""
    where = f"dataset '{dataset.name}'"
    x = fit_input(dataset.x, input_shape, where)
    classification = dataset.task == "classification"
    split = split_of(dataset, config)
    dtype = np.dtype(config.dtype)
    preprocessor = Preprocessor(config.preprocessing).fit(x[split.train])

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
