"""Clicking a digit in the dataset view shows what the network sees, idle or training."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.training.trainer import Snapshot
from ui.panels.activations_panel import ActivationsPanel
from ui.panels.catalog import find_panel
from ui.panels.data_panel import DataPanel
from ui.panels.parts.sample_link import PAUSED


@pytest.fixture
def digits_window(main_window):
    assert main_window.open_path("digits_cnn")
    main_window.controller.set_speed(200.0)    # slow enough not to finish during a test
    return main_window


def _digit(window, label: int) -> int:
    """The dataset index of the first image of ``label`` in the dataset view's grid."""
    grid = find_panel(window.panels, DataPanel).images
    shown = grid.indices[grid.indices >= 0]
    return int(shown[window.dataset.y[shown] == label][0])


def _shows(window, index: int, label: int) -> None:
    maps = find_panel(window.panels, ActivationsPanel)
    assert maps in window.panel_tabs.in_view()
    assert maps.picked.index == index
    name = window.dataset.class_names[label]
    assert f"true class: <b>{name}</b> · network says" in maps.caption.text()
    expected = window.session.network_input(index)[0]
    np.testing.assert_allclose(maps.maps("input"), expected.reshape(maps.input_shape))
    assert np.isclose(maps.rows[window.session.network.output_name].values.sum(), 1.0)


def _chosen_snapshot(index: int):
    return lambda event: (isinstance(event, Snapshot)
                          and event.data.get("chosen", {}).get("index") == index)


def test_a_click_before_training_shows_that_digit(digits_window, qtbot) -> None:
    window = digits_window
    index = _digit(window, 3)
    find_panel(window.panels, DataPanel).sample_chosen.emit(index)
    assert not window.controller.running
    _shows(window, index, 3)
    window.train()                 # the run's snapshots go on measuring the picked digit
    with qtbot.waitSignal(window.controller.happened, timeout=10_000,
                          check_params_cb=_chosen_snapshot(index)):
        pass
    _shows(window, index, 3)
    window.stop_training()


def test_a_click_during_a_run_reaches_the_worker(digits_window, qtbot) -> None:
    window = digits_window
    window.train()
    with qtbot.waitSignal(window.controller.happened, timeout=10_000,
                          check_params_cb=lambda e: isinstance(e, Snapshot)):
        pass
    index = _digit(window, 7)
    maps = find_panel(window.panels, ActivationsPanel)
    find_panel(window.panels, DataPanel).sample_chosen.emit(index)
    assert maps.picked.outputs is None            # the worker measures it, not this thread
    with qtbot.waitSignal(window.controller.happened, timeout=10_000,
                          check_params_cb=_chosen_snapshot(index)):
        pass
    _shows(window, index, 7)
    assert window.controller.state == "running"
    step = window.session.trainer.step
    with qtbot.waitSignal(window.controller.batches, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: window.session.trainer.step > step, timeout=10_000)
    window.stop_training()
    assert not window.controller.running


def test_a_click_while_paused_is_measured_when_the_run_stops(digits_window, qtbot) -> None:
    window = digits_window
    window.train()
    window.controller.pause()
    index = _digit(window, 5)
    maps = find_panel(window.panels, ActivationsPanel)
    find_panel(window.panels, DataPanel).sample_chosen.emit(index)
    assert maps.notice.text() == PAUSED
    assert maps.picked.outputs is None
    window.controller.stop()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=10_000)
    _shows(window, index, 5)
