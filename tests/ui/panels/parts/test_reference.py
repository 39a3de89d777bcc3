"""The kept run: its settings named against the design now on screen, its curves copied and
drawn faintly behind the live ones, forgotten when the data change."""

from __future__ import annotations

import numpy as np

from simulator.data import load_dataset
from simulator.spec import NetworkSpec
from simulator.training.trainer import EpochEnd, Started
from tests.ui.panels.conftest import SPIRAL, chunk
from ui.panels.accuracy_panel import AccuracyPanel
from ui.panels.loss_panel import LossPanel
from ui.panels.parts.reference import RunReference, data_key, reference_of, run_facets
from ui.training.session import build_session


def _with_batchnorm() -> NetworkSpec:
    design = {**SPIRAL, "layers": [SPIRAL["layers"][0], {"type": "BatchNorm", "name": "bn"},
                                   *SPIRAL["layers"][1:]]}
    return NetworkSpec.from_dict(design)


def test_the_label_names_the_optimizer_the_rate_and_what_differs() -> None:
    plain = run_facets(NetworkSpec.from_dict(SPIRAL))
    assert plain["optimizer"] == "adam"
    assert plain["learning rate"] == "lr 0.02"
    reference = RunReference(plain, ("data",), dict(plain))
    assert reference.label() == "reference: adam lr 0.02"
    against = reference.against(run_facets(_with_batchnorm()))
    assert against.label() == "reference: adam lr 0.02, BatchNorm off"
    momentum = {**SPIRAL, "training": {**SPIRAL["training"], "optimizer": {
        "type": "sgd", "learning_rate": 0.5, "momentum": 0.9}, "regularizer": {"l2": 0.001}}}
    facets = run_facets(NetworkSpec.from_dict(momentum))
    assert facets["optimizer"] == "sgd momentum 0.9"
    assert facets["penalty"] == "L2 0.001"
    assert run_facets(NetworkSpec.from_dict(SPIRAL), learning_rate=0.005)["learning rate"] \
        == "lr 0.005"                        # the rate the run used (a live change)


def _feed(panel: LossPanel, losses: np.ndarray, val: list[float]) -> None:
    panel.on_event(Started(epochs=2, steps_per_epoch=5, n_train=80, n_val=20, n_params=50))
    panel.on_batches(chunk(np.arange(1, losses.size + 1), losses))
    for epoch, value in enumerate(val, start=1):
        panel.on_event(EpochEnd(epoch, {"loss": value, "val_loss": value,
                                        "accuracy": 1 - value, "val_accuracy": 1 - value}, 0.1))


def test_a_kept_loss_curve_stays_behind_the_next_run(qtbot, spiral_session) -> None:
    panel = LossPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    _feed(panel, np.linspace(1.0, 0.5, 10), [0.9, 0.6])
    first = panel.smoothed_losses.copy()
    panel.reference.keep(reference_of(spiral_session))
    panel.reset(spiral_session)
    _feed(panel, np.linspace(0.8, 0.1, 10), [0.5, 0.2])
    np.testing.assert_array_equal(panel.reference.series["train (smoothed)"].values, first)
    np.testing.assert_array_equal(panel.reference.curves["validation"].getData()[1], [0.9, 0.6])
    np.testing.assert_array_equal(panel.val_curve.getData()[1], [0.5, 0.2])
    assert panel.reference.label == "reference: adam lr 0.02"


def test_a_hidden_panel_draws_the_reference_when_shown(qtbot, spiral_session) -> None:
    from PySide6.QtWidgets import QTabWidget

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    panel = AccuracyPanel()
    tabs.addTab(panel, "accuracy")
    tabs.addTab(LossPanel(), "loss")
    tabs.show()
    panel.reset(spiral_session)
    panel.on_event(EpochEnd(1, {"loss": 1.0, "accuracy": 0.4}, 0.1))
    tabs.setCurrentIndex(1)
    panel.reference.keep(reference_of(spiral_session))
    assert panel.reference.curves["train"].getData()[0] is None     # not drawn out of view
    tabs.setCurrentIndex(0)
    np.testing.assert_array_equal(panel.reference.curves["train"].getData()[1], [40.0])


def test_other_data_forget_the_reference(qtbot, spiral_session) -> None:
    panel = AccuracyPanel()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    panel.on_event(EpochEnd(1, {"loss": 1.0, "accuracy": 0.4}, 0.1))
    panel.reference.keep(reference_of(spiral_session))
    again = build_session(spiral_session.spec.copy(), spiral_session.dataset)
    panel.reset(again)                                     # same data: kept
    assert panel.reference.reference is not None
    other = load_dataset("spiral", n=120, classes=3, noise=0.3)    # regenerated: other points
    assert data_key(other) != data_key(spiral_session.dataset)
    panel.reset(build_session(spiral_session.spec.copy(), other))
    assert panel.reference.reference is None
    assert panel.reference.label == ""
    assert [label.text for _s, label in panel.legend.items] == ["train", "validation"]
