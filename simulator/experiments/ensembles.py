"""Ensembles of networks: bagging and boosting, as the course presents them.

* Bagging: train each member on a bootstrap sample (drawn with replacement) of the training
  set; classify by averaging the members' class probabilities.
* Boosting (multi-class AdaBoost, "SAMME"): train a member, give the samples it got wrong more
  weight, train the next member on a sample drawn by those weights, and classify by a vote
  weighted by each member's accuracy: α = log((1 - err) / err) + log(K - 1).

Both are generators that yield a :class:`MemberTrained` after each member, so the app can show
the ensemble growing; the last value yielded is the finished :class:`Ensemble`. A
:class:`TrainerControl` stop ends the member being trained within a batch; the ensemble of the
members finished before it is then the last value (nothing more if there is none).
``bagging_steps`` and ``boosting_steps`` also yield every training batch, for live progress.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simulator.errors import SpecError
from simulator.experiments.run import results_only, train_steps
from simulator.losses import get_loss
from simulator.network import Network
from simulator.spec import NetworkSpec
from simulator.training.metrics import n_classes_of
from simulator.training.trainer import BatchEnd, TrainerControl


@dataclass
class Ensemble:
    members: list[Network]
    weights: list[float]
    n_classes: int

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Weighted average of the members' class probabilities (rows sum to 1)."""
        total = np.zeros((len(x), self.n_classes))
        for network, weight in zip(self.members, self.weights, strict=True):
            total += weight * _class_probabilities(network.predict(x))
        return total / max(sum(self.weights), 1e-12)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.predict_proba(x).argmax(axis=1)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        return float((self.predict(x) == np.asarray(y)).mean())


@dataclass(frozen=True)
class MemberTrained:
    index: int                 # 0-based
    weight: float
    member_accuracy: float     # on the full training set
    ensemble_accuracy: float   # the ensemble so far, on the full training set


def _class_probabilities(output: np.ndarray) -> np.ndarray:
    if output.shape[1] == 1:
        return np.concatenate([1.0 - output, output], axis=1)
    return output


def _check(spec: NetworkSpec, y: np.ndarray, n_members: int) -> int:
    if not get_loss(spec.training.loss).classification:
        raise SpecError("ensembles here vote on classes: use a classification loss")
    if not isinstance(n_members, int) or n_members < 1:
        raise SpecError(f"an ensemble needs at least one member, got {n_members!r}")
    if np.asarray(y).dtype.kind not in "iu":
        raise SpecError("ensemble targets must be integer class labels")
    return n_classes_of(spec.output_shape)


def bagging_steps(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, n_members: int = 5,
                  seed: int = 0, control: TrainerControl | None = None,
                  ) -> Iterator[BatchEnd | MemberTrained | Ensemble]:
    """:func:`bagging`, also yielding every training batch of every member."""
    n_classes = _check(spec, y, n_members)
    rng = np.random.default_rng(seed)
    ensemble = Ensemble([], [], n_classes)
    for index in range(n_members):
        sample = rng.integers(0, len(x), len(x))          # bootstrap: with replacement
        result = yield from train_steps(spec, x[sample], y[sample], seed=seed + 1 + index,
                                        control=control)
        if result.stopped:
            break
        ensemble.members.append(result.network)
        ensemble.weights.append(1.0)
        member_acc = float((_class_probabilities(result.network.predict(x)).argmax(1)
                            == y).mean())
        yield MemberTrained(index, 1.0, member_acc, ensemble.accuracy(x, y))
    if ensemble.members:
        yield ensemble


def bagging(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, n_members: int = 5,
            seed: int = 0, control: TrainerControl | None = None,
            ) -> Iterator[MemberTrained | Ensemble]:
    """Members trained on bootstrap samples, voting with equal weights."""
    events = bagging_steps(spec, x, y, n_members, seed, control)
    yield from results_only(events, MemberTrained, Ensemble)


def boosting_steps(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, n_members: int = 5,
                   seed: int = 0, control: TrainerControl | None = None,
                   ) -> Iterator[BatchEnd | MemberTrained | Ensemble]:
    """:func:`boosting`, also yielding every training batch of every member."""
    n_classes = _check(spec, y, n_members)
    rng = np.random.default_rng(seed)
    weights = np.full(len(x), 1.0 / len(x))
    ensemble = Ensemble([], [], n_classes)
    stopped = False
    for index in range(n_members):
        sample = rng.choice(len(x), size=len(x), replace=True, p=weights)
        result = yield from train_steps(spec, x[sample], y[sample], seed=seed + 1 + index,
                                        control=control)
        if result.stopped:
            stopped = True
            break
        wrong = _class_probabilities(result.network.predict(x)).argmax(1) != y
        error = float(np.clip(weights[wrong].sum(), 1e-10, 1.0))
        if error >= 1.0 - 1.0 / n_classes:
            break                                          # no better than chance: stop
        alpha = math.log((1.0 - error) / error) + math.log(n_classes - 1)
        ensemble.members.append(result.network)
        ensemble.weights.append(alpha)
        weights = weights * np.exp(alpha * wrong)          # focus on the hard examples
        weights /= weights.sum()
        yield MemberTrained(index, alpha, 1.0 - float(wrong.mean()), ensemble.accuracy(x, y))
    if ensemble.members:
        yield ensemble
    elif not stopped:
        raise SpecError("the first boosting round was no better than chance; train longer or "
                        "use a larger network")


def boosting(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, n_members: int = 5,
             seed: int = 0, control: TrainerControl | None = None,
             ) -> Iterator[MemberTrained | Ensemble]:
    """Members trained in turn on the samples their predecessors got wrong (SAMME)."""
    events = boosting_steps(spec, x, y, n_members, seed, control)
    yield from results_only(events, MemberTrained, Ensemble)
