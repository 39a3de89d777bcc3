"""Search mode: grid and random search over one or two hyper-parameters, the best trial marked
and put into the design in one undoable step."""

from __future__ import annotations

from simulator.experiments.tuning import Trial, best_trial
from tests.ui.experiments.conftest import run_experiment
from ui.experiments.search_results import BEST_BACKGROUND


def test_grid_search_fills_a_row_per_candidate_marks_the_best_and_applies_it(
        experiments, main_window, qtbot) -> None:
    view = experiments.search
    experiments.show_mode(view)
    view.form.choose(0, "learning_rate", "0.0001, 0.05")
    view.form.choose(1, "units:hidden_1", "2, 12")
    view.form.folds.setValue(2)
    experiments.epochs.setValue(40)     # long enough for the learning rates to tell apart
    run_experiment(experiments, qtbot)

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
    run_experiment(experiments, qtbot)
    assert view.results.table.rowCount() == 4
    assert not view.results.uses_heat_map
    rates = [s["learning_rate"] for s in view.settings]
    assert all(1e-4 <= r <= 0.1 for r in rates)
    assert len(view.results.trial_plot.means.xData) == 4


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
    run_experiment(experiments, qtbot)
    assert list(view.results.trials) == [0]
    text = view.best_label.text()
    assert text.startswith("Stopped after 1 of 9 candidates. Best of 1 finished (of 9): ")
    assert "Best:" not in text
    assert "Not run: learning rate 0.002, units of hidden_1 8; " in text
    assert text.endswith("and 5 more.")
    assert view.apply_button.text() == "Apply best of 1 finished"
