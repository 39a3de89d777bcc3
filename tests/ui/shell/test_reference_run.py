"""Training ▸ Keep as reference: a finished run's curves stay, faint, behind the next runs on
the Loss and Accuracy panels, until cleared or until the data change."""

from __future__ import annotations

import numpy as np
import pytest

from tests.ui.training_runs import train_to_the_end
from ui.panels.accuracy_panel import AccuracyPanel
from ui.panels.catalog import find_panel
from ui.panels.loss_panel import LossPanel
from ui.style.plots import full_data


def _legend_texts(panel) -> list[str]:
    return [label.text for _sample, label in panel.legend.items]


@pytest.fixture
def kept(main_window, qtbot):
    """The XOR lesson trained for 3 epochs at batch size 4, kept as the reference."""
    window = main_window
    assert window.open_path("xor")
    window.spec.training.epochs = 3
    window.spec.training.batch_size = 4
    window.reset()
    assert not window.reference.keep.isEnabled()        # nothing trained yet
    train_to_the_end(window, qtbot)
    assert window.reference.keep.isEnabled()
    assert not window.reference.clear.isEnabled()
    window.reference.keep.trigger()
    return window


def test_the_reference_survives_a_second_run_beside_it(kept, qtbot) -> None:
    window = kept
    loss = find_panel(window.panels, LossPanel)
    accuracy = find_panel(window.panels, AccuracyPanel)
    first_smooth = loss.smoothed_losses.copy()
    first_val = loss.validation_losses.copy()
    first_accuracy = accuracy.train_values.copy()
    assert first_smooth.size > 0
    assert first_val.size == 3
    assert first_accuracy.size == 3
    window.spec.training.batch_size = 8         # the second run differs (and says how)
    window.reset()
    assert loss.smoothed_losses.size == 0       # Reset empties the live curves only
    train_to_the_end(window, qtbot)
    ghosts = loss.reference
    np.testing.assert_array_equal(ghosts.series["train (smoothed)"].values, first_smooth)
    np.testing.assert_array_equal(ghosts.series["validation"].values, first_val)
    np.testing.assert_array_equal(accuracy.reference.series["train"].values, first_accuracy)
    # The live curves are the second run's (fewer, larger batches), drawn in front.
    assert loss.smoothed_losses.size == window.session.trainer.step < first_smooth.size
    assert not np.array_equal(loss.validation_losses, first_val)
    window.panel_tabs.show_panel(loss)
    loss.catch_up()
    np.testing.assert_array_equal(full_data(ghosts.curves["validation"])[1], first_val)
    assert ghosts.curves["validation"].zValue() < loss.val_curve.zValue()
    # The legend names the kept run's settings, and what differs from this design.
    label = "reference: adam lr 0.03, batch 4"
    assert window.spec.training.optimizer["type"] == "adam"
    assert label in _legend_texts(loss)
    assert label in _legend_texts(accuracy)


def test_clear_removes_the_reference(kept) -> None:
    window = kept
    loss = find_panel(window.panels, LossPanel)
    assert window.reference.clear.isEnabled()
    window.reference.clear.trigger()
    loss.catch_up()
    assert loss.reference.reference is None
    assert loss.reference.series == {}
    assert len(loss.reference.curves["validation"].getData()[0] or []) == 0
    assert not any(text.startswith("reference") for text in _legend_texts(loss))
    assert not window.reference.clear.isEnabled()


def test_other_data_clear_the_reference(kept) -> None:
    window = kept
    loss = find_panel(window.panels, LossPanel)
    accuracy = find_panel(window.panels, AccuracyPanel)
    window.reset()                               # the same data: it stays
    assert loss.reference.reference is not None
    assert window.file_menu.load_data("circles")
    assert loss.reference.reference is None
    assert accuracy.reference.reference is None
    assert not any(text.startswith("reference") for text in _legend_texts(accuracy))
    assert not window.reference.clear.isEnabled()


def test_the_panels_right_click_menus_offer_keep_and_clear(main_window) -> None:
    window = main_window
    for kind in (LossPanel, AccuracyPanel):
        menu = find_panel(window.panels, kind).plot.getViewBox().menu
        assert window.reference.keep in menu.actions()
        assert window.reference.clear in menu.actions()
