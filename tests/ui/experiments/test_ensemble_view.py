"""Ensemble mode: bagging's members and the ensemble's accuracy; boosting's vote weights."""

from __future__ import annotations

import pytest

from tests.ui.experiments.conftest import run_experiment


def test_bagging_shows_each_member_and_the_ensemble_accuracy(experiments, qtbot) -> None:
    view = experiments.ensemble
    experiments.show_mode(view)
    view.members_box.setValue(3)
    run_experiment(experiments, qtbot)
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
    run_experiment(experiments, qtbot)
    assert view.members
    for row, member in enumerate(view.members):
        assert float(view.table.item(row, 3).text()) == pytest.approx(member.weight, abs=1e-3)
        assert member.weight > 0


def test_ensembles_are_scored_on_held_out_data(experiments, main_window, qtbot) -> None:
    view = experiments.ensemble
    experiments.show_mode(view)
    view.members_box.setValue(2)
    run_experiment(experiments, qtbot)
    assert "validation samples" in view.summary.text()
    assert view.plot.getAxis("left").labelText == "accuracy on the validation split"
    assert view.table.horizontalHeaderItem(1).text() == "its held-out accuracy"

    spec = main_window.spec
    spec.set_training(spec.training.replace(validation_split=0))
    experiments.refresh()
    run_experiment(experiments, qtbot)
    assert "out of bag" in view.summary.text()
    assert view.plot.getAxis("left").labelText.startswith("accuracy out of bag")
    view.method_box.setCurrentIndex(1)                   # boosting needs a validation split
    experiments.run()
    assert not experiments.controller.running
    assert "set a validation split above 0" in experiments.status.text()
