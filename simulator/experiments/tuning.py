"""Hyper-parameter tuning: grid search, random search and k-fold cross-validation.

Each search is a generator of :class:`Trial` results, so the app can show trials as they
finish and a teacher can stop a long search (a :class:`TrainerControl` stop ends the network
being trained within a batch, then the search). ``search_steps`` and
``cross_validation_steps`` also yield every :class:`FoldScore` and training batch, for live
progress. Candidates are dicts of dotted paths (see
:func:`simulator.experiments.run.with_changes`), e.g.
``{"training.optimizer.learning_rate": 0.01, "layers.hidden_1.units": 16}``.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.data.splits import kfold_indices
from simulator.errors import SpecError
from simulator.experiments.run import results_only, train_steps, with_changes
from simulator.losses import get_loss
from simulator.spec import NetworkSpec
from simulator.training.trainer import BatchEnd, TrainerControl


@dataclass(frozen=True)
class Trial:
    index: int
    params: dict[str, Any]
    score: float                       # mean over folds (NaN if every run diverged)
    fold_scores: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class FoldScore:
    """One fold of a cross-validation scored: ``trial`` is the candidate's index in a search
    (0 for a plain cross-validation), ``fold`` counts from 0 to ``k - 1``."""

    trial: int
    fold: int
    k: int
    score: float                       # NaN when the run diverged


def grid_candidates(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the listed values (scikit-learn's ParameterGrid order)."""
    from sklearn.model_selection import ParameterGrid  # slow to import (~1 s): on first use

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


def cross_validation_steps(
    spec: NetworkSpec, x: np.ndarray, y: np.ndarray, k: int = 5, metric: str | None = None,
    control: TrainerControl | None = None, trial: int = 0,
) -> Generator[BatchEnd | FoldScore, None, None]:
    """Train on k-1 folds and score on the held-out fold, k times, yielding every batch and
    each :class:`FoldScore`; a stop request ends it without scoring the fold it stopped."""
    metric = metric or default_metric(spec)
    classification = get_loss(spec.training.loss).classification
    folds = kfold_indices(len(y), k, spec.training.seed,
                          stratify=np.asarray(y) if classification else None)
    for fold, (train, val) in enumerate(folds):
        result = yield from train_steps(spec, x[train], y[train], x[val], y[val],
                                        control=control)
        if result.stopped:
            return
        yield FoldScore(trial, fold, k, result.final(metric) if result.finished else math.nan)


def cross_validate(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, k: int = 5,
                   metric: str | None = None,
                   control: TrainerControl | None = None) -> list[float]:
    """The k fold scores (the course's 5-fold CV); fewer when a stop request ended it."""
    events = cross_validation_steps(spec, x, y, k, metric, control)
    return [fold.score for fold in results_only(events, FoldScore)]


def search_steps(spec: NetworkSpec, x: np.ndarray, y: np.ndarray,
                 candidates: list[dict[str, Any]], k: int = 3, metric: str | None = None,
                 control: TrainerControl | None = None,
                 ) -> Iterator[BatchEnd | FoldScore | Trial]:
    """:func:`search`, also yielding every training batch and every :class:`FoldScore`."""
    specs = [with_changes(spec, params) for params in candidates]   # all checked up front
    for index, (params, candidate_spec) in enumerate(zip(candidates, specs, strict=True)):
        scores: list[float] = []
        for event in cross_validation_steps(candidate_spec, x, y, k, metric, control, index):
            if isinstance(event, FoldScore):
                scores.append(event.score)
            yield event
        if len(scores) < k:
            return                                         # stopped
        finite = [s for s in scores if math.isfinite(s)]
        score = float(np.mean(finite)) if finite else math.nan
        yield Trial(index, dict(params), score, scores)


def search(spec: NetworkSpec, x: np.ndarray, y: np.ndarray,
           candidates: list[dict[str, Any]], k: int = 3, metric: str | None = None,
           control: TrainerControl | None = None) -> Iterator[Trial]:
    """Score every candidate by k-fold cross-validation, yielding each :class:`Trial`; a stop
    request ends the search after the trials already finished."""
    yield from results_only(search_steps(spec, x, y, candidates, k, metric, control), Trial)


def best_trial(trials: list[Trial], metric: str) -> Trial:
    """The best finished trial: highest accuracy, or lowest loss."""
    finished = [t for t in trials if math.isfinite(t.score)]
    if not finished:
        raise SpecError("every trial diverged; try smaller learning rates")
    lower_is_better = metric.endswith("loss")
    return (min if lower_is_better else max)(finished, key=lambda t: t.score)
