"""Training the window's session in tests, the way a user does (its worker thread)."""

from __future__ import annotations

from simulator.training.trainer import Finished


def train_to_the_end(window, qtbot) -> None:
    """Press Train at full speed and wait until the run has finished and the worker is gone."""
    window.controller.set_speed(None)
    with qtbot.waitSignal(window.training_finished, timeout=30_000) as done:
        window.train()
    assert isinstance(done.args[0], Finished)
    qtbot.waitUntil(lambda: not window.controller.running, timeout=5_000)
