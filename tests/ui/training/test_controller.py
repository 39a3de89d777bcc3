"""The training controller: one run at a time, and a run shut down never touches the next."""

from __future__ import annotations

import time
from collections.abc import Iterator

from simulator.training.trainer import TrainerControl
from ui.training.controller import TrainingController


def _until_stopped(control: TrainerControl) -> Iterator[str]:
    """A run that goes on until asked to stop, as a trainer does."""
    while not control.stop_requested:
        time.sleep(0.002)
        yield "tick"


def test_a_run_started_right_after_a_shutdown_keeps_its_events(qtbot) -> None:
    controller = TrainingController()
    control = TrainerControl()
    with qtbot.waitSignal(controller.happened, timeout=10_000):
        controller.start_events(_until_stopped(control), control)
    controller.shutdown()      # that thread's end is still queued to the GUI thread
    received: list[object] = []
    controller.happened.connect(received.append)
    controller.start_events(iter(["the new run's result"]), TrainerControl())
    thread = controller._thread
    assert thread is not None
    assert thread.wait(10_000)          # over before any queued signal is seen
    qtbot.waitUntil(lambda: not controller.running, timeout=10_000)
    assert received == ["the new run's result"]
    assert controller.state == "idle"
