"""The worker sends coalesced events: every batch and epoch end, in order, the newest snapshot."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np

from simulator.training.trainer import (
    BatchEnd,
    EpochEnd,
    Finished,
    Snapshot,
    Started,
    TrainerControl,
)
from ui.training import worker as worker_module
from ui.training.controller import TrainingController
from ui.training.pacing import HOLD, RedrawPace, TrainingHold
from ui.training.worker import (
    BatchChunk,
    EpochEnds,
    TrainingWorker,
    epoch_ends,
)

EPOCHS, BATCHES = 300, 5


class FakeClock:
    """Every reading of the clock moves it 1 ms on: a fast run, the same on every machine."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 0.001
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _run() -> Iterator[Any]:
    yield Started(EPOCHS, BATCHES, 100, 20, 10)
    step = 0
    for epoch in range(1, EPOCHS + 1):
        for batch in range(1, BATCHES + 1):
            step += 1
            yield BatchEnd(epoch, batch, step, 1.0 / step, 0.1)
        yield EpochEnd(epoch, {"loss": 1.0 / epoch}, 0.1)
        yield Snapshot(epoch, step, {"weights": {}})
    yield Finished("completed", EPOCHS, {})


def test_epoch_ends_and_snapshots_are_coalesced_and_none_is_lost(monkeypatch) -> None:
    monkeypatch.setattr(worker_module, "time", SimpleNamespace(**{
        name: getattr(FakeClock(), name) for name in ("monotonic", "sleep")}))
    worker = TrainingWorker(_run(), TrainerControl(), emit_hz=30.0)
    sends: list[tuple[Any, ...]] = []
    worker.sent.connect(sends.append)
    worker.run()
    sent = [event for events in sends for event in events]
    assert len(sends) < EPOCHS / 2                           # one signal a send

    assert isinstance(sent[0], Started)
    assert isinstance(sent[-1], Finished)
    epoch_events = [e for e in sent if isinstance(e, EpochEnd)]
    assert all(isinstance(e, EpochEnds) for e in epoch_events)
    assert [end.epoch for e in epoch_events for end in epoch_ends(e)] == \
        list(range(1, EPOCHS + 1))
    assert all(e.epoch == e.all[-1].epoch for e in epoch_events)   # it is the newest one
    assert len(epoch_events) < EPOCHS / 2                    # several epochs to a send
    steps = np.concatenate([c.steps for c in sent if isinstance(c, BatchChunk)])
    np.testing.assert_array_equal(steps, np.arange(1, EPOCHS * BATCHES + 1))
    snapshots = [e for e in sent if isinstance(e, Snapshot)]
    assert len(snapshots) <= len(epoch_events)               # at most one a send
    assert snapshots[-1].epoch == EPOCHS                     # the final state is shown
    assert np.all(np.diff([s.epoch for s in snapshots]) > 0)
    # A send is batches, then epoch ends, then the newest snapshot: a panel drawing the
    # snapshot has already seen the epochs before it.
    for i, event in enumerate(sent):
        if isinstance(event, Snapshot):
            before = [e for e in sent[:i] if isinstance(e, EpochEnd)]
            assert before
            assert before[-1].epoch >= event.epoch


def test_a_busy_interface_gets_fewer_sends(monkeypatch) -> None:
    """The worker sends as often as the interface's pace lets the panels redraw: with the
    redraws four times further apart, about a quarter of the sends, and still every batch."""
    counts, steps = [], []
    for stretch in (1.0, 4.0):
        monkeypatch.setattr(worker_module, "time", SimpleNamespace(**{
            name: getattr(FakeClock(), name) for name in ("monotonic", "sleep")}))
        pace = RedrawPace()
        pace.stretch = stretch
        worker = TrainingWorker(_run(), TrainerControl(), emit_hz=30.0, pace=pace)
        sends: list[tuple[Any, ...]] = []
        worker.sent.connect(sends.append)
        worker.run()
        counts.append(len(sends))
        steps.append(sum(c.steps.size for events in sends for c in events
                         if isinstance(c, BatchChunk)))
    assert 3.0 <= counts[0] / counts[1] <= 5.0
    assert steps == [EPOCHS * BATCHES] * 2


def test_a_single_epoch_end_is_its_own_list() -> None:
    event = EpochEnd(3, {"loss": 0.5}, 0.1)
    assert epoch_ends(event) == (event,)
    both = EpochEnds.of([EpochEnd(1, {"loss": 1.0}, 0.1), event])
    assert both.epoch == 3
    assert both.metrics == {"loss": 0.5}
    assert [e.epoch for e in epoch_ends(both)] == [1, 3]


class FakeLimits:
    """Records what the worker asks of threadpoolctl (the real BLAS state is process-wide)."""

    log: list[str] = []

    def __init__(self, limits: int, user_api: str) -> None:
        self.log.append(f"limit {user_api} to {limits}")

    def restore_original_limits(self) -> None:
        self.log.append("restore")


def test_every_run_trains_with_one_blas_thread_and_leaves_it_so(monkeypatch, qtbot) -> None:
    monkeypatch.setattr(worker_module, "threadpool_limits", FakeLimits)
    FakeLimits.log = []
    controller = TrainingController()
    for _ in range(2):
        with qtbot.waitSignal(controller.done, timeout=10_000):
            controller.start_events(iter([Finished("completed", 0, {})]), TrainerControl())
        qtbot.waitUntil(lambda: not controller.running, timeout=10_000)
    assert FakeLimits.log == ["limit blas to 1", "limit blas to 1"]    # never lifted


def _pulls(pulled: list[int], steps: int = 5) -> Iterator[Any]:
    for step in range(1, steps + 1):
        pulled.append(step)
        yield BatchEnd(1, step, step, 0.5, 0.1)
    yield Finished("completed", 1, {})


def test_the_training_waits_while_the_interface_has_its_turn(qtbot) -> None:
    """While the interface thread draws (its turn, begun by a send or a redraw), the worker
    pulls no further event; the turn ends once the event loop has handled what was waiting
    (the paint of what was drawn), and the run goes on."""
    hold = TrainingHold(most=30.0)
    pulled: list[int] = []
    worker = TrainingWorker(_pulls(pulled), TrainerControl(), hold=hold)
    hold.frame()                                   # no event loop runs until waitUntil below
    thread = threading.Thread(target=worker.run)
    thread.start()
    end = time.monotonic() + 10
    while hold.waited == 0 and time.monotonic() < end:   # (Python only: Qt's loop stays still)
        time.sleep(0.001)
    assert hold.waited == 1
    assert hold.held
    assert pulled == [1]                           # the first event, then it waits
    qtbot.waitUntil(lambda: not thread.is_alive())  # the loop runs: the turn ends
    assert not hold.held
    assert pulled == [1, 2, 3, 4, 5]


def test_a_turn_left_on_holds_the_training_for_a_moment_only() -> None:
    """A safeguard: a turn the event loop never ends (it is blocked) holds the training at
    most ``most`` seconds an event."""
    hold = TrainingHold(most=0.001)
    pulled: list[int] = []
    hold.frame()
    TrainingWorker(_pulls(pulled), TrainerControl(), hold=hold).run()   # no event loop here
    assert pulled == [1, 2, 3, 4, 5]
    assert hold.waited == 6                    # once at every event, the end's too
    assert hold.held
    hold.release()
    assert not hold.held


def test_the_hold_keeps_how_long_the_training_waited() -> None:
    hold = TrainingHold(most=0.01)
    hold.frame()                               # no event loop here: each wait runs its most
    hold.wait()
    hold.wait()
    hold.release()
    hold.wait()                                # free: no wait
    assert hold.waited == 2
    assert 0.02 <= hold.waited_seconds < 5.0


def test_a_send_is_handled_during_the_interface_s_turn(qtbot) -> None:
    from ui.training.controller import _Relay

    controller = TrainingController()
    relay = _Relay(controller, TrainingWorker(iter(()), TrainerControl()))
    seen: list[bool] = []
    controller.happened.connect(lambda _e: seen.append(HOLD.held))
    relay.on_sent((Started(1, 1, 1, 1, 1),))
    assert seen == [True]
    qtbot.waitUntil(lambda: not HOLD.held)
