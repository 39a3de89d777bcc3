"""Training ▸ Experiments…: runs in the worker that Stop and Pause control, mistakes shown as
messages before anything runs, and the window's close ends its run."""

from __future__ import annotations

import time
from collections.abc import Iterator

from simulator.data import load_dataset
from simulator.errors import DataError
from simulator.experiments.tuning import cross_validation_steps
from simulator.io import DatasetChoice
from tests.ui.experiments.conftest import run_experiment, start_a_long_search
from ui.experiments.plan import Plan, RunContext
from ui.shell.files import open_preset
from ui.shell.presets import load_preset
from ui.style.theme import COLORS
from ui.training import controller as controller_module


def test_stop_ends_a_running_search_promptly(experiments, qtbot) -> None:
    start_a_long_search(experiments)
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
    start_a_long_search(experiments)
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
    main_window.set_dataset(load_dataset(choice.source, **choice.options), choice)
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
    run_experiment(experiments, qtbot)
    assert experiments.status.text() == "The experiment stopped: the data went away"
    assert COLORS["warning"] in experiments.status.styleSheet()
    assert sorted(view.scores) == [0, 1]          # the folds before it were still shown


def test_closing_the_experiments_window_stops_its_run(experiments, qtbot) -> None:
    start_a_long_search(experiments)
    experiments.close()
    assert not experiments.controller.running
    assert "Stopped" in experiments.search.best_label.text()
