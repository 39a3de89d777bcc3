"""The experiments window of a main window that trains the spiral lesson, and runs in it."""

from __future__ import annotations

import pytest

from simulator.data import load_dataset
from simulator.io import DatasetChoice
from ui.experiments.window import ExperimentsWindow


@pytest.fixture
def experiments(main_window, qtbot) -> ExperimentsWindow:
    """The experiments window of a main window that trains the spiral lesson on 120 points."""
    choice = DatasetChoice("spiral", {"n": 120})
    main_window.set_dataset(load_dataset(choice.source, **choice.options), choice)
    main_window.menus.experiments.trigger()
    window = main_window.experiments.experiments_window()
    window.epochs.setValue(8)
    return window


def run_experiment(window: ExperimentsWindow, qtbot, timeout: int = 30_000) -> None:
    window.run_button.click()
    assert window.controller.running, window.status.text()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=timeout)


def start_a_long_search(experiments) -> None:
    view = experiments.search
    experiments.show_mode(view)
    view.form.choose(0, "learning_rate", "0.001, 0.01, 0.1")
    view.form.choose(1, None)
    experiments.epochs.setValue(1000)
    experiments.run_button.click()
    assert experiments.controller.running
