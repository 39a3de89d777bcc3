"""What every experiment starts from, in the GUI thread: the design, its data, and a plan.

The data is the current dataset prepared exactly as Train prepares it
(:func:`simulator.data.prepare`), with the training and validation parts joined (k-fold
cross-validation makes its own held-out folds); ensembles train on the training part and are
scored on the validation part (or out of bag when there is none). Every check
that can fail (a bad value, too few samples per class for k folds) runs here, before the
worker starts, so a mistake shows as a message and nothing runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.data import Dataset, fit_problem, kfold_indices, prepare
from simulator.errors import BackpropError, DataError
from simulator.experiments.run import with_changes
from simulator.experiments.tuning import default_metric
from simulator.losses import get_loss
from simulator.spec import NetworkSpec
from simulator.training.trainer import TrainerControl

#: Epochs per run a new window suggests at most, so a classroom demo takes seconds.
EPOCH_CAP = 50
MAX_EPOCHS = 1000


@dataclass(frozen=True)
class ExperimentFailed:
    """A typed engine error that ended the experiment in the worker, as its message."""

    message: str


@dataclass
class RunContext:
    design: NetworkSpec      # the window's live design (what "Apply" edits)
    spec: NetworkSpec        # a copy with the experiment's epochs per run
    x: np.ndarray
    y: np.ndarray
    metric: str              # "val_accuracy" or "val_loss": scored on each held-out fold
    control: TrainerControl
    #: The first ``n_train`` rows of ``x``/``y`` are the training part, the rest validation.
    n_train: int = -1

    @property
    def train_part(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.x) if self.n_train < 0 else self.n_train
        return self.x[:n], self.y[:n]

    @property
    def validation_part(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.x) if self.n_train < 0 else self.n_train
        return self.x[n:], self.y[n:]

    @property
    def classification(self) -> bool:
        return get_loss(self.spec.training.loss).classification

    def check_folds(self, k: int) -> None:
        """Raise a DataError now if the data cannot be split into ``k`` folds."""
        labels = self.y if self.classification else None
        kfold_indices(len(self.y), k, self.spec.training.seed, stratify=labels)


@dataclass
class Plan:
    events: Iterator[Any]    # the engine generator the worker pulls
    runs: int                # networks it trains, for the progress bar
    epochs: int


def build_context(design: NetworkSpec, dataset: Dataset | None, epochs: int) -> RunContext:
    if dataset is None:
        raise DataError("choose a dataset first (Data in the toolbar)")
    spec = with_changes(design, {"training.epochs": epochs})
    spec.infer_shapes()
    problem = fit_problem(spec, dataset)
    if problem:
        raise DataError(problem)
    prepared = prepare(dataset, spec.training, spec.input_shape)
    x = np.concatenate([prepared.x_train, prepared.x_val])
    y = np.concatenate([prepared.y_train, prepared.y_val])
    return RunContext(design, spec, x, y, default_metric(spec), TrainerControl(),
                      len(prepared.x_train))


def guarded(events: Iterator[Any]) -> Iterator[Any]:
    """``events``, with a typed engine error turned into a last :class:`ExperimentFailed`."""
    try:
        yield from events
    except BackpropError as exc:
        yield ExperimentFailed(str(exc))


def metric_name(metric: str) -> str:
    """'val_accuracy' -> 'accuracy' (always measured on held-out data here)."""
    return metric.removeprefix("val_").replace("_", " ")


def format_score(score: float, metric: str) -> str:
    if not math.isfinite(score):
        return "diverged"
    return f"{score:.3f}" if metric.endswith("accuracy") else f"{score:.4g}"
