"""Panels draw only while in view, catch up when shown, and draw at a cost that does not grow
with the run: the points handed to pyqtgraph are counted, never timed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QTabWidget

from simulator.training.trainer import EpochEnd, Snapshot, Started
from tests.ui.panels.conftest import chunk
from ui.panels.accuracy_panel import AccuracyPanel
from ui.panels.catalog import default_panels
from ui.panels.data_panel import DataPanel
from ui.panels.gradients_panel import GradientsPanel
from ui.panels.loss_panel import LossPanel
from ui.panels.lr_panel import LearningRatePanel
from ui.panels.parts.envelope import DEFAULT_BUCKETS
from ui.panels.step_panel import StepPanel
from ui.training import pacing
from ui.training.worker import EpochEnds

#: pyqtgraph calls that put something new on screen (a new range re-lays out the axes).
DRAWING = [(pg.PlotDataItem, "setData"), (pg.ScatterPlotItem, "setData"),
           (pg.ImageItem, "setImage"), (pg.BarGraphItem, "setOpts"), (pg.TextItem, "setText"),
           (pg.AxisItem, "setLabel"), (pg.ViewBox, "setRange")]


@pytest.fixture
def drawn(monkeypatch) -> list[tuple[str, int]]:
    """Every drawing call as (name, number of points handed over)."""
    calls: list[tuple[str, int]] = []
    for cls, name in DRAWING:
        original = getattr(cls, name)

        def record(self: Any, *args: Any, _original: Any = original, _name: str = name,
                   **kwargs: Any) -> Any:
            points = len(args[0]) if args and hasattr(args[0], "__len__") else 0
            calls.append((f"{type(self).__name__}.{_name}", points))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, record)
    return calls


def _feed(panels: list[Any], session: Any, steps: int = 30) -> None:
    snapshot = session.trainer.snapshot()
    for panel in panels:
        panel.on_event(Started(4, 10, 90, 30, 100))
        panel.on_batches(chunk(np.arange(1, steps + 1), np.linspace(1.0, 0.5, steps)))
        panel.on_event(EpochEnds.of([
            EpochEnd(e, {"loss": 1.0 / e, "accuracy": 0.5, "val_loss": 1.0 / e,
                         "val_accuracy": 0.4}, 0.1, np.eye(3, dtype=np.int64) * e)
            for e in (1, 2, 3)]))
        panel.on_event(snapshot)


def test_a_hidden_panel_does_no_drawing_and_catches_up_when_shown(
        qtbot, spiral_session, drawn) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    panels = default_panels()
    for panel in panels:
        tabs.addTab(panel, panel.title)
        panel.reset(spiral_session)
    tabs.resize(700, 500)
    tabs.show()
    qtbot.waitExposed(tabs)
    hidden = panels[1:]
    drawn.clear()
    _feed(hidden, spiral_session)
    assert drawn == []                                   # not one point handed to pyqtgraph
    # The Dataset panel shows the data and the Step-through panel a traced sample: neither is
    # fed by training events like these.
    fed = [p for p in hidden if not isinstance(p, DataPanel | StepPanel)]
    assert all(p.behind for p in fed)
    for index, panel in enumerate(panels[1:], start=1):
        drawn.clear()
        tabs.setCurrentIndex(index)                      # shown: it draws what it missed
        assert not panel.behind
        if panel in fed:
            assert drawn, panel.title
    loss = panels[0]
    drawn.clear()
    _feed([loss], spiral_session)                        # out of view now: nothing drawn
    assert drawn == []
    assert loss.behind
    tabs.setCurrentIndex(0)
    x, _ = loss.batch_curve.getData()
    assert len(x) == 30                                  # caught up with every batch


def _points_per_update(drawn: list[tuple[str, int]]) -> int:
    return max((n for name, n in drawn if name == "PlotDataItem.setData"), default=0)


def _grow(panel: Any, session: Any, chunks: int, start: int = 0) -> None:
    """``chunks`` sends of the worker: 500 batches, 5 epoch ends and 3 snapshots each."""
    size = 500
    metrics = {"loss": 1.0, "accuracy": 0.5, "val_loss": 1.0, "val_accuracy": 0.5}
    for k in range(start, start + chunks):
        steps = np.arange(k * size + 1, (k + 1) * size + 1)
        panel.on_batches(chunk(steps, 1.0 / np.sqrt(steps)))
        panel.on_event(EpochEnds.of([EpochEnd(5 * k + e, metrics, 0.1) for e in range(1, 6)]))
        for s in range(3):
            grads = {name: {"norm": 1.0 / (k + s + 1)} for name in session.network.param_slices}
            panel.on_event(Snapshot(5 * k + 5, int(steps[-1]), {"gradients": grads}))


@pytest.mark.parametrize("kind", [LossPanel, AccuracyPanel, LearningRatePanel, GradientsPanel])
def test_an_update_costs_the_same_however_long_the_run(qtbot, spiral_session, drawn,
                                                       kind: type) -> None:
    bound = 2 * DEFAULT_BUCKETS + 2            # whatever the length of the run
    panel = kind()
    qtbot.addWidget(panel)
    panel.reset(spiral_session)
    sent = []
    for chunks in (200, 200):                  # 100,000 batches, 1,000 epochs, 600 snapshots;
        _grow(panel, spiral_session, chunks, start=len(sent) * 200)   # then twice as many
        drawn.clear()
        _grow(panel, spiral_session, 1, start=len(sent) * 200 + chunks)
        sent.append(_points_per_update(drawn))
    # Far more points than that were drawn (at least 2,000 of each kind): the points handed
    # over at each update stay under the same bound, after 200 sends or 400.
    assert 0 < sent[0] <= bound
    assert 0 < sent[1] <= bound


def test_a_panel_in_a_window_redraws_at_most_at_its_rate_and_misses_nothing(
        qtbot, spiral_session, monkeypatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(pacing, "monotonic", lambda: clock[0])
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    loss = LossPanel()
    loss.pace = pacing.RedrawPace(wall=lambda: clock[0], cpu=lambda: 0.0)   # an idle thread
    tabs.addTab(loss, loss.title)
    loss.reset(spiral_session)
    tabs.show()
    qtbot.waitExposed(tabs)
    redraws: list[float] = []
    draw = loss.redraw
    monkeypatch.setattr(loss, "redraw", lambda: (redraws.append(clock[0]), draw()))
    for k in range(20):                     # 20 sends in 0.2 s (of the panel's clock)
        loss.on_batches(chunk(np.arange(10 * k + 1, 10 * k + 11), np.full(10, 0.5)))
        clock[0] += 0.01
    period = 1.0 / loss.max_redraw_hz
    assert len(redraws) < 20                              # not one a send
    assert all(b - a >= period - 1e-9 for a, b in zip(redraws, redraws[1:], strict=False))
    clock[0] += period
    qtbot.waitUntil(lambda: len(loss.batch_curve.getData()[0]) == 200)   # the next turn
    assert len(redraws) <= 1 + 0.2 / period + 1           # came, and drew all of it


def test_a_busy_interface_thread_spaces_the_redraws_out_and_a_quiet_one_brings_them_back(
        qtbot, spiral_session, monkeypatch) -> None:
    """While the training keeps a core busy, the pace follows the interface thread's CPU
    share: when each redraw costs 20 ms of the thread's CPU (10 a second: 20 %, twice the
    share), the redraws space out until the thread is near its 10 % share; when they cost
    nothing, or nothing competes (a paced speed), they come at the panel's own rate again."""
    clock, cpu, training, trained = [1000.0], [0.0], [1.0], [0.0]
    monkeypatch.setattr(pacing, "monotonic", lambda: clock[0])
    pace = pacing.RedrawPace(share=0.1, most=8.0, window=0.5, wall=lambda: clock[0],
                             cpu=lambda: cpu[0],
                             process=lambda: cpu[0] + trained[0])
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    loss = LossPanel()
    loss.pace = pace
    tabs.addTab(loss, loss.title)
    loss.reset(spiral_session)
    tabs.show()
    qtbot.waitExposed(tabs)
    redraws: list[float] = []
    cost = [0.0]
    draw = loss.redraw

    def costly() -> None:
        redraws.append(clock[0])
        cpu[0] += cost[0]
        draw()

    monkeypatch.setattr(loss, "redraw", costly)

    def run(seconds: float, redraw_cost: float) -> tuple[list[float], float]:
        """A send every 10 ms (the timers' turns are taken as they fall due, as the event
        loop would); the redraws' times and the thread's CPU share over the last second."""
        redraws.clear()
        cost[0] = redraw_cost
        for k in range(round(seconds / 0.01)):
            if k == round((seconds - 1.0) / 0.01):
                cpu_then = cpu[0]
            loss.on_batches(chunk(np.arange(1, 11), np.full(10, 0.5)))
            clock[0] += 0.01
            trained[0] += 0.01 * training[0]      # the training thread's CPU time
            if loss.turns.waiting:
                loss.turns.due()       # (due now or not: it waits on, or draws)
        return redraws[:], cpu[0] - cpu_then

    period = 1.0 / loss.max_redraw_hz
    busy, share = run(6.0, redraw_cost=0.02)
    assert 0.06 <= share <= 0.13                       # near the 10 % asked for, not 20 %
    assert pace.stretch > 1.5
    assert np.all(np.diff(busy[-5:]) >= 1.5 * period - 1e-6)
    quiet, share = run(3.0, redraw_cost=0.0)
    assert share == 0.0
    assert pace.stretch == 1.0
    assert np.all(np.diff(quiet[-10:]) < period + 0.011)      # the full rate again
    run(3.0, redraw_cost=1.0)
    assert pace.stretch == 8.0                                # never slower than that
    training[0] = 0.1            # a paced run: the training thread is mostly asleep
    paced, _share = run(5.0, redraw_cost=0.02)   # (back by half a window: 8, 4, 2, 1)
    assert pace.stretch == 1.0
    assert np.all(np.diff(paced[-10:]) < period + 0.011)
    with pytest.raises(ValueError, match="share"):
        pacing.RedrawPace(share=0.0)


def test_a_panel_on_its_own_draws_every_update(qtbot, spiral_session) -> None:
    loss = LossPanel()                                    # a preview's or a test's panel
    qtbot.addWidget(loss)
    loss.reset(spiral_session)
    for k in range(5):
        loss.on_batches(chunk(np.arange(k + 1, k + 2), [0.5]))
        assert len(loss.batch_curve.getData()[0]) == k + 1


def test_a_panel_redraws_during_the_interface_s_turn(qtbot, spiral_session,
                                                     monkeypatch) -> None:
    """A redraw holds the training (:data:`ui.training.pacing.HOLD`) until it is painted."""
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    loss = LossPanel()
    tabs.addTab(loss, loss.title)
    loss.reset(spiral_session)
    tabs.show()
    qtbot.waitExposed(tabs)
    held: list[bool] = []
    monkeypatch.setattr(loss, "redraw", lambda: held.append(pacing.HOLD.held))
    loss.turns.now()
    assert held == [True]
    qtbot.waitUntil(lambda: not pacing.HOLD.held)
