"""Hyper-parameter tuning: grid search, random search and k-fold cross-validation.

Each search is a generator of :class:`Trial` results, so the app can show trials as they
finish and a teacher can stop a long search. Candidates are dicts of dotted paths
(see :func:`simulator.experiment.with_changes`), e.g.
``{"training.optimizer.learning_rate": 0.01, "layers.hidden_1.units": 16}``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import ParameterGrid

from simulator.data.splits import kfold_indices
from simulator.errors import SpecError
from simulator.experiment import train_on_arrays, with_changes
from simulator.losses import get_loss
from simulator.spec import NetworkSpec


@dataclass(frozen=True)
class Trial:
    index: int
    params: dict[str, Any]
    score: float                       # mean over folds (NaN if every run diverged)
    fold_scores: list[float] = field(default_factory=list)


def grid_candidates(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the listed values (scikit-learn's ParameterGrid order)."""
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise SpecError(f"grid entry {key!r} must be a non-empty list of values")
    return list(ParameterGrid(grid))


def random_candidates(space: dict[str, Any], n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` random candidates. Each entry is a list (choose one), ``{"uniform": [a, b]}``,
    ``{"log_uniform": [a, b]}`` (learning rates) or ``{"int": [a, b]}`` (inclusive)."""
    rng = np.random.default_rng(seed)
    candidates = []
    for _ in range(n):
        candidate = {}
        for key, dist in space.items():
            candidate[key] = _sample(key, dist, rng)
        candidates.append(candidate)
    return candidates


def _sample(key: str, dist: Any, rng: np.random.Generator) -> Any:
    if isinstance(dist, list) and dist:
        return dist[int(rng.integers(len(dist)))]
    if isinstance(dist, dict) and len(dist) == 1:
        (kind, bounds), = dist.items()
        low, high = bounds
        if kind == "uniform":
            return float(rng.uniform(low, high))
        if kind == "log_uniform" and low > 0:
            return float(math.exp(rng.uniform(math.log(low), math.log(high))))
        if kind == "int":
            return int(rng.integers(low, high + 1))
    raise SpecError(f"search space entry {key!r} must be a list or one of "
                    f"{{'uniform'|'log_uniform'|'int': [low, high]}}, got {dist!r}")


def default_metric(spec: NetworkSpec) -> str:
    return "val_accuracy" if get_loss(spec.training.loss).classification else "val_loss"


def cross_validate(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, k: int = 5,
                   metric: str | None = None) -> list[float]:
    """Train on k-1 folds and score on the held-out fold, k times (the course's 5-fold CV)."""
    metric = metric or default_metric(spec)
    classification = get_loss(spec.training.loss).classification
    folds = kfold_indices(len(y), k, spec.training.seed,
                          stratify=np.asarray(y) if classification else None)
    scores = []
    for train, val in folds:
        result = train_on_arrays(spec, x[train], y[train], x[val], y[val])
        scores.append(result.final(metric) if result.finished else math.nan)
    return scores


def search(spec: NetworkSpec, x: np.ndarray, y: np.ndarray,
           candidates: list[dict[str, Any]], k: int = 3,
           metric: str | None = None) -> Iterator[Trial]:
    """Score every candidate by k-fold cross-validation, yielding each :class:`Trial`."""
    for index, params in enumerate(candidates):
        candidate_spec = with_changes(spec, params)
        scores = cross_validate(candidate_spec, x, y, k, metric)
        finite = [s for s in scores if math.isfinite(s)]
        score = float(np.mean(finite)) if finite else math.nan
        yield Trial(index, dict(params), score, scores)


def best_trial(trials: list[Trial], metric: str) -> Trial:
    """The best finished trial: highest accuracy, or lowest loss."""
    finished = [t for t in trials if math.isfinite(t.score)]
    if not finished:
        raise SpecError("every trial diverged; try smaller learning rates")
    lower_is_better = metric.endswith("loss")
    return (min if lower_is_better else max)(finished, key=lambda t: t.score)
