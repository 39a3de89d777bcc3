"""A sample chosen by dataset index: prepared like the training data, measured by the
``chosen`` probe, and shown first in the feature-map panel."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.errors import DataError
from simulator.training.probes import sample_activations
from simulator.training.trainer import Snapshot
from ui.panels.activations_panel import ActivationsPanel
from ui.training.session import ChosenSample


def test_a_chosen_sample_is_prepared_like_the_training_data(cnn_session) -> None:
    session = cnn_session
    inputs = [session.network_input(i) for i in range(len(session.dataset))]
    assert inputs[0].shape == (1, 1, 28, 28)
    assert inputs[0].dtype == session.x_train.dtype
    # Every validation sample is some dataset sample, reshaped and preprocessed the same way.
    for row in session.x_val[:4]:
        assert any(np.array_equal(x[0], row) for x in inputs)
    with pytest.raises(DataError):
        session.network_input(len(session.dataset))


def test_the_chosen_probe_measures_the_chosen_sample(cnn_session) -> None:
    session = cnn_session
    assert session.trainer.snapshot().data["chosen"] == {}
    x = session.choose_sample(5)
    chosen = session.trainer.snapshot().data["chosen"]
    assert chosen["index"] == 5
    expected = sample_activations(session.network, x)
    assert set(chosen["outputs"]) == set(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(chosen["outputs"][name][0], values)
    assert session.chosen_outputs()["index"] == 5


def test_the_hand_off_keeps_its_own_read_only_copy() -> None:
    chosen = ChosenSample()
    assert chosen.get() is None
    x = np.ones((1, 3))
    chosen.set(2, x)
    x[:] = 7.0
    index, stored = chosen.get()
    assert index == 2
    np.testing.assert_array_equal(stored, np.ones((1, 3)))
    assert not stored.flags.writeable


def test_a_picked_sample_comes_first_in_the_panel(qtbot, cnn_session) -> None:
    session = cnn_session
    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    panel.reset(session)
    panel.on_event(session.trainer.snapshot())       # the pool
    index = int(np.flatnonzero(session.dataset.y == 2)[0])
    panel.pick(session, index, evaluate=True)
    assert panel.spin.value() == 0
    assert panel.spin.text() == f"dataset #{index}"
    np.testing.assert_allclose(panel.maps("input"), session.network_input(index)[0])
    truth = session.dataset.class_names[2]
    assert f"dataset #{index} · true class: <b>{truth}</b> · network says" in panel.caption.text()
    assert np.isclose(panel.rows["softmax"].values.sum(), 1.0)
    panel.select_sample(0)                           # the first pool sample
    np.testing.assert_allclose(panel.maps("input"), session.sample_x[0])
    panel.spin.setValue(0)                           # back to the picked one
    np.testing.assert_allclose(panel.maps("input"), session.network_input(index)[0])


def test_a_sample_picked_during_a_run_waits_for_its_snapshot(qtbot, cnn_session) -> None:
    session = cnn_session
    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    panel.reset(session)
    panel.on_event(session.trainer.snapshot())
    panel.pick(session, 3, evaluate=False, waiting="soon")
    np.testing.assert_allclose(panel.maps("input"), session.network_input(3)[0])
    assert panel.maps("conv1") is None                # not the previous sample's maps
    assert panel.notice.text() == "soon"
    stale = Snapshot(1, 1, {"chosen": {"index": 4, "outputs": {}}})
    panel.on_event(stale)                            # measured before this pick: ignored
    assert panel.picked.outputs is None
    panel.on_event(session.trainer.snapshot())
    assert panel.maps("conv1").shape == (4, 26, 26)
    assert panel.notice.isHidden()


def test_a_reset_on_the_same_data_keeps_the_picked_sample(qtbot, cnn_session) -> None:
    panel = ActivationsPanel()
    qtbot.addWidget(panel)
    panel.reset(cnn_session)
    panel.pick(cnn_session, 7, evaluate=True)
    panel.reset(cnn_session)
    assert panel.picked.index == 7
    assert panel.picked.outputs is not None
    panel.reset(None)
    assert panel.picked is None
    assert panel.spin.minimum() == 1
