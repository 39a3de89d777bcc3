"""Qt test fixtures: every test must leave no training thread running."""

from __future__ import annotations

from collections.abc import Iterator

import pyqtgraph as pg
import pytest

from ui.theme import configure_plots
from ui.training import controller as controller_module


@pytest.fixture(autouse=True)
def _no_dangling_training_threads(qapp) -> Iterator[None]:
    configure_plots()
    yield
    running = [t for t in controller_module.live_threads() if t.isRunning()]
    for thread in running:  # leave the process in a sane state before failing
        thread.quit()
        thread.wait(5000)
    assert not running, f"{len(running)} training thread(s) left running"


@pytest.fixture
def main_window(qtbot):
    from ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    yield window
    window.controller.shutdown()
    pg.mkQApp().processEvents()
