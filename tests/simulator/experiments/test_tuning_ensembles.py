"""Grid/random search, k-fold cross-validation, bagging and boosting on small problems."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.errors import DataError, SpecError
from simulator.experiments.ensembles import (
    OUT_OF_BAG,
    VALIDATION,
    Ensemble,
    MemberTrained,
    bagging,
    bagging_steps,
    boosting,
    boosting_steps,
)
from simulator.experiments.run import train_on_arrays, with_changes
from simulator.experiments.tuning import (
    FoldScore,
    Trial,
    best_trial,
    cross_validate,
    grid_candidates,
    random_candidates,
    search,
    search_steps,
)
from simulator.spec import NetworkSpec
from simulator.training.trainer import BatchEnd, TrainerControl


def _blobs(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
    y = np.arange(n) % 3
    return centers[y] + rng.normal(0, 0.35, (n, 2)), y


def _spec(epochs: int = 15, lr: float = 0.1) -> NetworkSpec:
    return NetworkSpec.from_dict({
        "input_shape": [2],
        "layers": [{"type": "Dense", "name": "hidden", "units": 8, "activation": "tanh"},
                   {"type": "Dense", "units": 3}, {"type": "Softmax"}],
        "training": {"optimizer": {"type": "sgd", "learning_rate": lr}, "epochs": epochs,
                     "batch_size": 16, "validation_split": 0, "seed": 3},
    })


def test_with_changes_sets_dotted_paths_and_validates() -> None:
    spec = with_changes(_spec(), {"training.optimizer.learning_rate": 0.5,
                                  "layers.hidden.units": 4, "training.batch_size": 8})
    assert spec.training.optimizer["learning_rate"] == 0.5
    assert spec.layer("hidden").config["units"] == 4
    assert spec.training.batch_size == 8
    with pytest.raises(KeyError, match="no layer named"):
        with_changes(_spec(), {"layers.nope.units": 3})
    with pytest.raises(SpecError, match="positive integer"):
        with_changes(_spec(), {"layers.hidden.units": -1})


def test_with_changes_sets_a_whole_section_before_the_keys_inside_it() -> None:
    changes = {"training.optimizer.learning_rate": 0.02,
               "training.optimizer": {"type": "adam", "learning_rate": 0.5}}
    spec = with_changes(_spec(), changes)
    assert spec.training.optimizer == {"type": "adam", "learning_rate": 0.02}


def test_grid_and_random_candidates() -> None:
    grid = grid_candidates({"a": [1, 2], "b": [3, 4, 5]})
    assert len(grid) == 6
    assert {"a": 2, "b": 5} in grid
    first = random_candidates({"lr": {"log_uniform": [1e-4, 1e-1]}, "n": {"int": [2, 4]},
                               "act": ["relu", "tanh"]}, 20, seed=1)
    assert first == random_candidates({"lr": {"log_uniform": [1e-4, 1e-1]},
                                       "n": {"int": [2, 4]}, "act": ["relu", "tanh"]}, 20, 1)
    assert all(1e-4 <= c["lr"] <= 1e-1 and 2 <= c["n"] <= 4 for c in first)
    assert {c["n"] for c in first} == {2, 3, 4}
    with pytest.raises(SpecError, match="search space entry"):
        random_candidates({"lr": {"gauss": [0, 1]}}, 1)


def test_cross_validation_and_search_pick_the_sensible_learning_rate() -> None:
    x, y = _blobs()
    scores = cross_validate(_spec(), x, y, k=3)
    assert len(scores) == 3
    assert min(scores) > 0.85
    trials = list(search(_spec(), x, y, grid_candidates(
        {"training.optimizer.learning_rate": [1e-5, 0.1]}), k=3))
    assert [t.index for t in trials] == [0, 1]
    best = best_trial(trials, "val_accuracy")
    assert best.params == {"training.optimizer.learning_rate": 0.1}
    assert best.score > trials[0].score + 0.2


def test_diverging_trials_score_nan_and_are_never_best() -> None:
    x, y = _blobs(60)
    exploding = {"training.optimizer.learning_rate": 1e9, "layers.hidden.activation": "linear"}
    trials = list(search(_spec(epochs=3), x, y, [exploding,
                                                 {"training.optimizer.learning_rate": 0.1}], k=2))
    assert math.isnan(trials[0].score)
    assert best_trial(trials, "val_accuracy").index == 1


def _run(generator) -> tuple[list[MemberTrained], Ensemble]:
    items = list(generator)
    assert isinstance(items[-1], Ensemble)
    return items[:-1], items[-1]


def test_bagging_averages_members_trained_on_bootstrap_samples() -> None:
    x, y = _blobs()
    progress, ensemble = _run(bagging(_spec(epochs=10), x, y, n_members=3, seed=0))
    assert [p.index for p in progress] == [0, 1, 2]
    assert {p.scored_on for p in progress} == {OUT_OF_BAG}
    assert len(ensemble.members) == 3
    probs = ensemble.predict_proba(x)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert ensemble.accuracy(x, y) > 0.9
    # Members differ: each saw a different bootstrap sample.
    w0 = ensemble.members[0].get_weights()["hidden.W"]
    w1 = ensemble.members[1].get_weights()["hidden.W"]
    assert not np.array_equal(w0, w1)


def test_boosting_weights_members_by_their_error() -> None:
    x, y = _blobs()
    x_val, y_val = _blobs(60, seed=1)
    progress, ensemble = _run(boosting(_spec(epochs=3, lr=0.05), x, y, n_members=3, seed=0,
                                       x_val=x_val, y_val=y_val))
    assert len(ensemble.members) == len(progress) >= 1
    for p in progress:
        assert p.weight > math.log(2)  # better than chance among 3 classes
        assert p.member_accuracy > 1 / 3
        assert (p.scored_on, p.n_scored) == (VALIDATION, 60)
    assert progress[-1].ensemble_accuracy == ensemble.accuracy(x_val, y_val)
    assert progress[0].member_accuracy == ensemble.members[0].predict(x_val).argmax(1).__eq__(
        y_val).mean()


def _memorising_spec() -> NetworkSpec:
    return NetworkSpec.from_dict({
        "input_shape": [2],
        "layers": [{"type": "Dense", "name": "hidden", "units": 64, "activation": "tanh"},
                   {"type": "Dense", "units": 3}, {"type": "Softmax"}],
        "training": {"optimizer": {"type": "adam", "learning_rate": 0.03}, "epochs": 250,
                     "batch_size": 32, "validation_split": 0, "seed": 3},
    })


@pytest.mark.slow
def test_bagging_is_scored_out_of_bag_never_on_its_own_training_samples() -> None:
    """Labels drawn at random: a member memorises its bootstrap sample (high accuracy there)
    but cannot beat chance on the samples it never saw, and that is the number reported."""
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(90, 2)), rng.integers(0, 3, 90)
    progress, ensemble = _run(bagging(_memorising_spec(), x, y, n_members=3, seed=4))
    draws = np.random.default_rng(4)
    votes, voted = np.zeros((90, 3)), np.zeros(90, dtype=bool)
    for member, report in zip(ensemble.members, progress, strict=True):
        sample = draws.integers(0, 90, 90)                 # the bootstrap the member saw
        out = np.ones(90, dtype=bool)
        out[sample] = False
        seen_acc = (member.predict(x[sample]).argmax(1) == y[sample]).mean()
        assert seen_acc > 0.8                              # it memorised what it saw ...
        assert report.scored_on == OUT_OF_BAG
        assert report.member_accuracy == (member.predict(x[out]).argmax(1) == y[out]).mean()
        assert report.member_accuracy < 0.6                # ... and is near chance elsewhere
        votes[out] += member.predict(x[out])
        voted |= out
        assert report.n_scored == voted.sum()
        assert report.ensemble_accuracy == pytest.approx(
            (votes[voted].argmax(1) == y[voted]).mean())


def test_bagging_with_a_validation_split_is_scored_on_it() -> None:
    x, y = _blobs()
    x_val, y_val = _blobs(30, seed=2)
    progress, ensemble = _run(bagging(_spec(epochs=5), x, y, n_members=2, seed=0,
                                      x_val=x_val, y_val=y_val))
    assert [(p.scored_on, p.n_scored) for p in progress] == [(VALIDATION, 30)] * 2
    assert progress[-1].ensemble_accuracy == ensemble.accuracy(x_val, y_val)


def test_boosting_needs_held_out_data() -> None:
    x, y = _blobs(30)
    with pytest.raises(DataError, match="set a validation split above 0"):
        list(boosting(_spec(epochs=1), x, y, n_members=2))


def test_ensembles_refuse_regression() -> None:
    spec = NetworkSpec.from_dict({"input_shape": [1], "layers": [{"type": "Dense", "units": 1}],
                                  "training": {"loss": "mse"}})
    with pytest.raises(SpecError, match="classification loss"):
        list(bagging(spec, np.zeros((4, 1)), np.zeros(4, dtype=int), 2))


def test_a_stop_ends_a_search_within_a_batch_and_keeps_the_finished_trials() -> None:
    x, y = _blobs()
    control = TrainerControl()
    candidates = grid_candidates({"training.optimizer.learning_rate": [0.05, 0.1, 0.2]})
    seen: list[object] = []
    trials_at_stop = stop_index = -1
    for event in search_steps(_spec(epochs=40), x, y, candidates, k=2, control=control):
        seen.append(event)
        if isinstance(event, Trial):
            trials_at_stop = len(seen)
        if trials_at_stop > 0 and len(seen) == trials_at_stop + 5:
            control.stop()
            stop_index = len(seen)
    assert stop_index > 0
    assert len(seen) == stop_index          # nothing at all after the stop request
    trials = [e for e in seen if isinstance(e, Trial)]
    assert [t.index for t in trials] == [0]
    folds = [e for e in seen if isinstance(e, FoldScore)]
    assert [(f.trial, f.fold, f.k) for f in folds] == [(0, 0, 2), (0, 1, 2)]
    assert all(isinstance(e, BatchEnd) for e in seen[trials_at_stop:])


def test_a_stop_requested_before_the_start_trains_nothing() -> None:
    x, y = _blobs(60)
    control = TrainerControl()
    control.stop()
    assert cross_validate(_spec(), x, y, k=3, control=control) == []
    control.stop()
    assert list(search(_spec(), x, y, [{}, {}], k=2, control=control)) == []
    control.stop()
    result = train_on_arrays(_spec(), x, y, control=control)
    assert result.stopped
    assert not result.finished
    assert not control.stop_requested     # honoured: the next run trains normally
    assert train_on_arrays(_spec(epochs=2), x, y, control=control).finished


def test_a_stop_ends_bagging_with_the_members_already_trained() -> None:
    x, y = _blobs()
    control = TrainerControl()
    events: list[object] = []
    member_at = -1
    for event in bagging_steps(_spec(epochs=30), x, y, n_members=4, control=control):
        events.append(event)
        if isinstance(event, MemberTrained):
            member_at = len(events)
        if member_at > 0 and len(events) == member_at + 3:
            control.stop()
    members = [e for e in events if isinstance(e, MemberTrained)]
    assert [m.index for m in members] == [0]
    assert isinstance(events[-1], Ensemble)
    assert len(events[-1].members) == 1
    assert sum(isinstance(e, BatchEnd) for e in events[member_at:]) == 3


def test_a_stop_during_the_first_boosting_round_yields_nothing_more() -> None:
    x, y = _blobs()
    control = TrainerControl()
    events: list[object] = []
    for event in boosting_steps(_spec(epochs=30), x, y, n_members=3, control=control,
                                x_val=x[:30], y_val=y[:30]):
        events.append(event)
        if len(events) == 10:
            control.stop()
    assert len(events) == 10
    assert all(isinstance(e, BatchEnd) for e in events)
