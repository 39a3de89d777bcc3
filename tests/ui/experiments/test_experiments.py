"""Training ▸ Experiments…: search, cross-validation and ensembles run live in the worker."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from simulator.errors import DataError, SpecError
from simulator.experiments.tuning import Trial, best_trial, cross_validation_steps
from simulator.io import DatasetChoice
from simulator.spec import NetworkSpec
from ui.datasets import load_dataset
from ui.experiments.knobs import knobs_for
from ui.experiments.plan import Plan, RunContext
from ui.experiments.search_results import BEST_BACKGROUND
from ui.experiments.window import ExperimentsWindow
from ui.shell.files import open_preset
from ui.shell.presets import load_preset
from ui.style.theme import COLORS
from ui.training import controller as controller_module


@pytest.fixture
def experiments(main_window, qtbot) -> ExperimentsWindow:
    """The experiments window of a main window that trains the spiral lesson on 120 points."""
    choice = DatasetChoice("spiral", {"n": 120})
    main_window.set_dataset(load_dataset(choice.source, choice.options), choice)
    main_window.experiments_action.trigger()
    window = main_window.experiments
    window.epochs.setValue(8)
    return window


def _run(window: ExperimentsWindow, qtbot, timeout: int = 30_000) -> None:
    window.run_button.click()
    assert window.controller.running, window.status.text()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=timeout)


def test_grid_search_fills_a_row_per_candidate_marks_the_best_and_applies_it(
        experiments, main_window, qtbot) -> None:
    view = experiments.search
    experiments.show_mode(view)
    view.form.choose(0, "learning_rate", "0.0001, 0.05")
    view.form.choose(1, "units:hidden_1", "2, 12")
    view.form.folds.setValue(2)
    experiments.epochs.setValue(40)     # long enough for the learning rates to tell apart
    _run(experiments, qtbot)

    results = view.results
    assert results.table.rowCount() == 4
    assert len(results.trials) == 4
    means = [results.table.item(row, 3).text() for row in range(4)]
    assert all(text != "" for text in means)
    best = best_trial(list(results.trials.values()), "val_accuracy")
    assert view.best == best
    assert best.params["training.optimizer.learning_rate"] == 0.05
    best_row = results.rows[best.index]
    assert results.table.item(best_row, 0).background().color() == BEST_BACKGROUND
    other = next(row for row in range(4) if row != best_row)
    assert results.table.item(other, 0).background().color() != BEST_BACKGROUND
    assert results.uses_heat_map
    assert results.heat_map.done.all()
    assert "Best:" in view.best_label.text()

    spec, stack = main_window.spec, main_window.stack
    old_units = spec.layer("hidden_1").config["units"]
    depth = stack.count()
    assert view.apply_button.isEnabled()
    view.apply_button.click()
    assert stack.count() == depth + 1                  # one undo step
    assert spec.training.optimizer["learning_rate"] == 0.05
    assert spec.layer("hidden_1").config["units"] == best.params["layers.hidden_1.units"]
    assert spec.training.epochs == 300                 # the run's epochs stay the run's
    stack.undo()
    assert spec.training.optimizer["learning_rate"] == 0.01
    assert spec.layer("hidden_1").config["units"] == old_units


def test_random_search_draws_the_learning_rate_log_uniformly(experiments, qtbot) -> None:
    view = experiments.search
    view.form.random_button.setChecked(True)
    view.form.choose(0, "learning_rate", "0.0001, 0.1")
    view.form.choose(1, None)
    view.form.trials.setValue(4)
    view.form.folds.setValue(2)
    _run(experiments, qtbot)
    assert view.results.table.rowCount() == 4
    assert not view.results.uses_heat_map
    rates = [s["learning_rate"] for s in view.settings]
    assert all(1e-4 <= r <= 0.1 for r in rates)
    assert len(view.results.trial_plot.means.xData) == 4


def test_cross_validation_shows_one_bar_per_fold_and_the_mean(experiments, qtbot) -> None:
    view = experiments.cross_validation
    experiments.show_mode(view)
    view.k_box.setValue(4)
    _run(experiments, qtbot)
    assert sorted(view.scores) == [0, 1, 2, 3]
    assert list(view.bars.opts["x"]) == [1, 2, 3, 4]
    mean, std = view.mean_and_std()
    assert 0.0 <= mean <= 1.0
    assert std >= 0.0
    assert view.mean_line.isVisible()
    assert "±" in view.summary.text()
    assert "finished" in experiments.status.text()


def test_bagging_shows_each_member_and_the_ensemble_accuracy(experiments, qtbot) -> None:
    view = experiments.ensemble
    experiments.show_mode(view)
    view.members_box.setValue(3)
    _run(experiments, qtbot)
    assert view.table.rowCount() == 3
    assert len(view.member_points.xData) == 3
    assert len(view.ensemble_curve.yData) == 3
    assert 0.0 <= view.ensemble_accuracy <= 1.0
    assert view.table.item(0, 3).text() == "1 (equal)"
    assert "Ensemble of 3 members" in view.summary.text()


def test_boosting_shows_the_vote_weights(experiments, qtbot) -> None:
    view = experiments.ensemble
    experiments.show_mode(view)
    view.method_box.setCurrentIndex(1)
    view.members_box.setValue(2)
    experiments.epochs.setValue(20)
    _run(experiments, qtbot)
    assert view.members
    for row, member in enumerate(view.members):
        assert float(view.table.item(row, 3).text()) == pytest.approx(member.weight, abs=1e-3)
        assert member.weight > 0


def _start_a_long_search(experiments) -> None:
    view = experiments.search
    experiments.show_mode(view)
    view.form.choose(0, "learning_rate", "0.001, 0.01, 0.1")
    view.form.choose(1, None)
    experiments.epochs.setValue(1000)
    experiments.run_button.click()
    assert experiments.controller.running


def test_stop_ends_a_running_search_promptly(experiments, qtbot) -> None:
    _start_a_long_search(experiments)
    with qtbot.waitSignal(experiments.controller.batches, timeout=10_000):
        pass
    asked = time.monotonic()
    experiments.stop_button.click()
    qtbot.waitUntil(lambda: not experiments.controller.running, timeout=5_000)
    assert time.monotonic() - asked < 2.0
    assert not [t for t in controller_module.live_threads() if t.isRunning()]
    assert len(experiments.search.results.trials) < 3
    assert "Stopped" in experiments.status.text()
    assert experiments.run_button.isEnabled()


def test_pause_halts_an_experiment_and_resume_continues(experiments, qtbot) -> None:
    _start_a_long_search(experiments)
    with qtbot.waitSignal(experiments.controller.batches, timeout=10_000):
        pass
    experiments.pause_button.click()
    assert experiments.pause_button.text() == "Resume"
    qtbot.wait(200)                   # the worker reaches its pause point
    seen: list[object] = []
    experiments.controller.batches.connect(seen.append)
    qtbot.wait(300)
    assert seen == []
    experiments.pause_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    experiments.stop_button.click()
    qtbot.waitUntil(lambda: not experiments.controller.running, timeout=5_000)


def test_one_run_at_a_time_between_the_main_window_and_experiments(
        experiments, main_window, qtbot) -> None:
    _start_a_long_search(experiments)
    assert not main_window.train_action.isEnabled()
    assert not main_window.space_action.isEnabled()
    main_window.reset()               # re-enables Train for its own, idle controller...
    assert not main_window.train_action.isEnabled()      # ...but the experiment holds it
    main_window.space_action.trigger()
    assert not main_window.controller.running
    experiments.stop()
    qtbot.waitUntil(lambda: not experiments.controller.running, timeout=5_000)
    assert main_window.train_action.isEnabled()

    main_window.controller.set_speed(None)
    main_window.train()
    assert main_window.controller.running
    assert not experiments.run_button.isEnabled()
    experiments.run()
    assert not experiments.controller.running
    assert "One run at a time" in experiments.status.text()
    main_window.stop_training()
    assert experiments.run_button.isEnabled()


def test_closing_the_main_window_stops_a_running_experiment(experiments, main_window,
                                                             qtbot) -> None:
    _start_a_long_search(experiments)
    with qtbot.waitSignal(experiments.controller.batches, timeout=10_000):
        pass
    main_window.close()
    assert not experiments.controller.running


def test_mistakes_show_as_messages_and_nothing_runs(experiments, main_window, qtbot) -> None:
    view = experiments.search
    view.form.choose(0, "learning_rate", "0.01, fast")
    experiments.run_button.click()
    assert not experiments.controller.running
    assert "learning rate: 'fast' is not a number" in experiments.status.text()

    view.form.choose(0, "units:hidden_1", "8, -3")
    experiments.run()
    assert "whole number" in experiments.status.text()

    experiments.show_mode(experiments.cross_validation)
    experiments.cross_validation.k_box.setValue(10)
    choice = DatasetChoice("spiral", {"n": 12})
    main_window.set_dataset(load_dataset(choice.source, choice.options), choice)
    experiments.run()
    assert not experiments.controller.running
    assert "fewer than the 10 folds" in experiments.status.text()

    main_window.install(open_preset(load_preset("sine_regression")))
    experiments.refresh()
    experiments.show_mode(experiments.ensemble)
    experiments.run()
    assert "ensembles vote on classes" in experiments.status.text()
    assert COLORS["warning"] in experiments.status.styleSheet()


def test_an_engine_error_during_the_run_is_shown_as_its_message(experiments, qtbot,
                                                                monkeypatch) -> None:
    def failing_plan(context: RunContext) -> Plan:
        def events() -> Iterator[object]:
            yield from cross_validation_steps(context.spec, context.x, context.y, 2,
                                              control=context.control)
            raise DataError("the data went away")

        return Plan(events(), 2, context.spec.training.epochs)

    view = experiments.cross_validation
    monkeypatch.setattr(view, "plan", failing_plan)
    experiments.show_mode(view)
    _run(experiments, qtbot)
    assert experiments.status.text() == "The experiment stopped: the data went away"
    assert COLORS["warning"] in experiments.status.styleSheet()
    assert sorted(view.scores) == [0, 1]          # the folds before it were still shown


def test_closing_the_experiments_window_stops_its_run(experiments, qtbot) -> None:
    _start_a_long_search(experiments)
    experiments.close()
    assert not experiments.controller.running
    assert "Stopped" in experiments.search.best_label.text()


def test_knobs_fit_the_design() -> None:
    spec = open_preset(load_preset("spiral")).spec
    knobs = {knob.key: knob for knob in knobs_for(spec)}
    assert {"learning_rate", "batch_size", "units:hidden_1", "units:hidden_2", "l2",
            "optimizer"} == set(knobs)                 # not the output layer's units
    assert knobs["learning_rate"].distribution("1e-4, 0.1") == {"log_uniform": [1e-4, 0.1]}
    assert knobs["units:hidden_1"].distribution("4, 64") == {"int": [4, 64]}
    assert knobs["units:hidden_1"].grid_values("4, 8, 4") == [4, 8]
    assert knobs["optimizer"].changes("sgd") == {
        "training.optimizer": {"type": "sgd", "learning_rate": 0.01}}
    assert knobs["l2"].changes(0.001) == {"training.regularizer": {"l2": 0.001}}
    assert knobs["l2"].changes(0.0) == {"training.regularizer": None}
    with pytest.raises(SpecError, match="low ≤ high"):
        knobs["learning_rate"].distribution("0.1, 0.001")
    with pytest.raises(SpecError, match="not one of"):
        knobs["optimizer"].grid_values("adam, warp")
    assert knobs["learning_rate"].current == pytest.approx(0.01)


def test_a_dropout_layer_offers_its_rate() -> None:
    spec = NetworkSpec.from_dict({
        "input_shape": [2],
        "layers": [{"type": "Dense", "name": "h", "units": 8, "activation": "relu"},
                   {"type": "Dropout", "name": "drop", "rate": 0.2},
                   {"type": "Dense", "name": "out", "units": 2}, {"type": "Softmax"}],
        "training": {"regularizer": {"l1": 0.01}}})
    knobs = {knob.key: knob for knob in knobs_for(spec)}
    assert knobs["rate:drop"].current == 0.2
    assert knobs["rate:drop"].changes(0.5) == {"layers.drop.rate": 0.5}
    assert knobs["rate:drop"].distribution("0, 0.6") == {"uniform": [0.0, 0.6]}
    assert "units:out" not in knobs
    assert knobs["l2"].changes(0.1) == {"training.regularizer": {"l1": 0.01, "l2": 0.1}}


def test_a_stopped_search_offers_only_the_best_of_those_finished(experiments, qtbot,
                                                                 monkeypatch) -> None:
    """Stopped after its first candidate, the search must not crown that one "Best" as if it
    had searched: it says best of 1 finished and names what was not run."""
    view = experiments.search
    experiments.show_mode(view)
    view.form.choose(0, "learning_rate", "0.002, 0.02, 0.2")
    view.form.choose(1, "units:hidden_1", "4, 8, 16")
    view.form.folds.setValue(2)
    experiments.epochs.setValue(200)
    shown = view.on_event

    def stop_after_the_first_trial(event: object) -> None:
        shown(event)
        if isinstance(event, Trial) and not experiments._stop_requested:
            experiments.stop_button.click()

    monkeypatch.setattr(view, "on_event", stop_after_the_first_trial)
    _run(experiments, qtbot)
    assert list(view.results.trials) == [0]
    text = view.best_label.text()
    assert text.startswith("Stopped after 1 of 9 candidates. Best of 1 finished (of 9): ")
    assert "Best:" not in text
    assert "Not run: learning rate 0.002, units of hidden_1 8; " in text
    assert text.endswith("and 5 more.")
    assert view.apply_button.text() == "Apply best of 1 finished"


def test_ensembles_are_scored_on_held_out_data(experiments, main_window, qtbot) -> None:
    view = experiments.ensemble
    experiments.show_mode(view)
    view.members_box.setValue(2)
    _run(experiments, qtbot)
    assert "validation samples" in view.summary.text()
    assert view.plot.getAxis("left").labelText == "accuracy on the validation split"
    assert view.table.horizontalHeaderItem(1).text() == "its held-out accuracy"

    spec = main_window.spec
    spec.set_training(spec.training.replace(validation_split=0))
    experiments.refresh()
    _run(experiments, qtbot)
    assert "out of bag" in view.summary.text()
    assert view.plot.getAxis("left").labelText.startswith("accuracy out of bag")
    view.method_box.setCurrentIndex(1)                   # boosting needs a validation split
    experiments.run()
    assert not experiments.controller.running
    assert "set a validation split above 0" in experiments.status.text()
