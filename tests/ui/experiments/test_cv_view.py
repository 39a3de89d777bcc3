"""Cross-validation mode: one bar per fold, and their mean."""

from __future__ import annotations

from tests.ui.experiments.conftest import run_experiment


def test_cross_validation_shows_one_bar_per_fold_and_the_mean(experiments, qtbot) -> None:
    view = experiments.cross_validation
    experiments.show_mode(view)
    view.k_box.setValue(4)
    run_experiment(experiments, qtbot)
    assert sorted(view.scores) == [0, 1, 2, 3]
    assert list(view.bars.opts["x"]) == [1, 2, 3, 4]
    mean, std = view.mean_and_std()
    assert 0.0 <= mean <= 1.0
    assert std >= 0.0
    assert view.mean_line.isVisible()
    assert "±" in view.summary.text()
    assert "finished" in experiments.status.text()
