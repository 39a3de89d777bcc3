"""Ensembles of networks: bagging and boosting, as the course presents them.

* Bagging: train each member on a bootstrap sample (drawn with replacement) of the training
  set; classify by averaging the members' class probabilities.
* Boosting (multi-class AdaBoost, "SAMME"): train a member, give the samples it got wrong more
  weight, train the next member on a sample drawn by those weights, and classify by a vote
  weighted by each member's accuracy: α = log((1 - err) / err) + log(K - 1).

Members and the ensemble are scored on held-out data, never on the samples they trained on:
on ``x_val``/``y_val`` when they are given (the validation split), otherwise, for bagging, on
the out-of-bag samples (each member on the samples its bootstrap left out; the ensemble so far
on every sample at least one member left out, by the votes of those members alone, as
Breiman's out-of-bag estimate). Boosting trains each member on samples drawn from all of the
training data, so it needs the validation split.

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

from simulator.errors import DataError, SpecError
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


#: What a score was measured on (``MemberTrained.scored_on``).
VALIDATION, OUT_OF_BAG = "validation", "out-of-bag"


@dataclass(frozen=True)
class MemberTrained:
    index: int                 # 0-based
    weight: float
    member_accuracy: float     # this member alone, on held-out data
    ensemble_accuracy: float   # the ensemble of members 0..index, on held-out data
    scored_on: str = VALIDATION    # VALIDATION or OUT_OF_BAG
    n_scored: int = 0          # how many held-out samples the ensemble's score counts


def _class_probabilities(output: np.ndarray) -> np.ndarray:
    if output.shape[1] == 1:
        return np.concatenate([1.0 - output, output], axis=1)
    return output


def _check(spec: NetworkSpec, y: np.ndarray, n_members: int,
           held_out: tuple[np.ndarray, np.ndarray] | None) -> int:
    if not get_loss(spec.training.loss).classification:
        raise SpecError("ensembles here vote on classes: use a classification loss")
    if not isinstance(n_members, int) or n_members < 1:
        raise SpecError(f"an ensemble needs at least one member, got {n_members!r}")
    if np.asarray(y).dtype.kind not in "iu":
        raise SpecError("ensemble targets must be integer class labels")
    if held_out is not None:
        x_val, y_val = held_out
        if len(x_val) == 0 or len(x_val) != len(y_val):
            raise DataError(f"the held-out data must hold samples and one label each, got "
                            f"{len(x_val)} samples and {len(y_val)} labels")
        if np.asarray(y_val).dtype.kind not in "iu":
            raise SpecError("ensemble targets must be integer class labels")
    return n_classes_of(spec.output_shape)


def _held_out(x_val: np.ndarray | None, y_val: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray] | None:
    if x_val is None or y_val is None or len(x_val) == 0:
        return None
    return np.asarray(x_val), np.asarray(y_val)


def bagging_steps(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, n_members: int = 5,
                  seed: int = 0, control: TrainerControl | None = None,
                  x_val: np.ndarray | None = None, y_val: np.ndarray | None = None,
                  ) -> Iterator[BatchEnd | MemberTrained | Ensemble]:
    """:func:`bagging`, also yielding every training batch of every member."""
    held_out = _held_out(x_val, y_val)
    n_classes = _check(spec, y, n_members, held_out)
    rng = np.random.default_rng(seed)
    ensemble = Ensemble([], [], n_classes)
    votes = np.zeros((len(x), n_classes))       # out-of-bag votes per training sample
    voted = np.zeros(len(x), dtype=bool)
    for index in range(n_members):
        sample = rng.integers(0, len(x), len(x))          # bootstrap: with replacement
        result = yield from train_steps(spec, x[sample], y[sample], seed=seed + 1 + index,
                                        control=control)
        if result.stopped:
            break
        ensemble.members.append(result.network)
        ensemble.weights.append(1.0)
        if held_out is not None:
            x_out, y_out = held_out
            member_acc = _accuracy(result.network.predict(x_out), y_out)
            yield MemberTrained(index, 1.0, member_acc, ensemble.accuracy(x_out, y_out),
                                VALIDATION, len(y_out))
            continue
        out_of_bag = np.ones(len(x), dtype=bool)
        out_of_bag[sample] = False
        probabilities = _class_probabilities(result.network.predict(x[out_of_bag]))
        member_acc = _accuracy(probabilities, y[out_of_bag])
        votes[out_of_bag] += probabilities
        voted |= out_of_bag
        ensemble_acc = float((votes[voted].argmax(1) == y[voted]).mean()) if voted.any() \
            else math.nan
        yield MemberTrained(index, 1.0, member_acc, ensemble_acc, OUT_OF_BAG,
                            int(voted.sum()))
    if ensemble.members:
        yield ensemble


def _accuracy(output: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of outputs (or class probabilities) against labels; NaN for no samples."""
    if len(y) == 0:
        return math.nan
    return float((_class_probabilities(output).argmax(1) == y).mean())


def bagging(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, n_members: int = 5,
            seed: int = 0, control: TrainerControl | None = None,
            x_val: np.ndarray | None = None, y_val: np.ndarray | None = None,
            ) -> Iterator[MemberTrained | Ensemble]:
    """Members trained on bootstrap samples, voting with equal weights; scored on
    ``x_val``/``y_val`` or, without them, out of bag."""
    events = bagging_steps(spec, x, y, n_members, seed, control, x_val, y_val)
    yield from results_only(events, MemberTrained, Ensemble)


def boosting_steps(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, n_members: int = 5,
                   seed: int = 0, control: TrainerControl | None = None,
                   x_val: np.ndarray | None = None, y_val: np.ndarray | None = None,
                   ) -> Iterator[BatchEnd | MemberTrained | Ensemble]:
    """:func:`boosting`, also yielding every training batch of every member."""
    held_out = _held_out(x_val, y_val)
    n_classes = _check(spec, y, n_members, held_out)
    if held_out is None:
        raise DataError("boosting is scored on held-out data, and every training sample can "
                        "be drawn for a member: set a validation split above 0")
    x_out, y_out = held_out
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
        yield MemberTrained(index, alpha, _accuracy(result.network.predict(x_out), y_out),
                            ensemble.accuracy(x_out, y_out), VALIDATION, len(y_out))
    if ensemble.members:
        yield ensemble
    elif not stopped:
        raise SpecError("the first boosting round was no better than chance; train longer or "
                        "use a larger network")


def boosting(spec: NetworkSpec, x: np.ndarray, y: np.ndarray, n_members: int = 5,
             seed: int = 0, control: TrainerControl | None = None,
             x_val: np.ndarray | None = None, y_val: np.ndarray | None = None,
             ) -> Iterator[MemberTrained | Ensemble]:
    """Members trained in turn on the samples their predecessors got wrong (SAMME), scored
    on ``x_val``/``y_val``."""
    events = boosting_steps(spec, x, y, n_members, seed, control, x_val, y_val)
    yield from results_only(events, MemberTrained, Ensemble)
