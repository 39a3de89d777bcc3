"""The learning rate: the schedule's plan, drawn before training, and the rate actually used.

The plan comes from :func:`simulator.optim.schedules.preview`; the live curve is every batch's rate.
A reduce-on-plateau step or a rate changed by hand makes the live curve leave the plan. Both are
drawn as bounded-cost envelopes, however many steps the run has.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout

from simulator.errors import BackpropError
from simulator.optim.schedules import preview
from simulator.training.trainer import Started
from ui.panels.base import Panel
from ui.panels.parts.envelope import Envelope
from ui.style.plots import (
    Notice,
    legend_below,
    live_plot,
    reset_view,
    settle_view,
    show_series,
)
from ui.style.scaled import scaled_lines
from ui.style.theme import COLORS
from ui.training.session import TrainingSession
from ui.training.worker import BatchChunk

PLANNED_COLOR = (170, 170, 170, 150)
#: Relative difference between the live rate and the plan that counts as leaving it.
DEPARTURE = 1e-6


class LearningRatePanel(Panel):
    title = "Learning rate"
    short_title = "LR"

    def __init__(self) -> None:
        super().__init__()
        self.plot = live_plot("epoch", "learning rate")
        self.legend = legend_below(self.plot)
        self.planned_curve = scaled_lines(self.plot.plot(pen=pg.mkPen(PLANNED_COLOR, width=7),
                                                         name="schedule (planned)"))
        self.live_curve = scaled_lines(self.plot.plot(pen=pg.mkPen(COLORS["accent"], width=2.5),
                                                      name="used"))
        self.notice = Notice()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.plot, 1)
        self.planned = np.empty(0)
        self._steps_per_epoch = 1
        self._rates, self._plan = Envelope(), Envelope()
        self.departed_at: int | None = None
        self._top = 0.0
        self._top_moved = False

    @property
    def live_rates(self) -> np.ndarray:
        return self._rates.values

    def reset(self, session: TrainingSession | None) -> None:
        self._rates.clear()
        self._plan.clear()
        self.departed_at = None
        self.live_curve.setData([], [])
        self.notice.show_text("")
        self.planned = np.empty(0)
        if session is not None:
            trainer, config = session.trainer, session.spec.training
            self._steps_per_epoch = max(1, trainer.steps_per_epoch)
            try:
                self.planned = preview(config.schedule, trainer.base_learning_rate,
                                       config.epochs, self._steps_per_epoch)
            except BackpropError as exc:
                self.notice.show_text(f"Cannot preview the schedule: {exc}")
        steps = np.arange(1, self.planned.size + 1) / self._steps_per_epoch
        self._plan.extend(steps, self.planned)
        show_series(self.planned_curve, self._plan)
        reset_view(self.plot)
        if self.planned.size:
            self.plot.setXRange(0, steps[-1], padding=0.02)
        self._fit_y()
        self.behind = False

    def on_event(self, event: Any) -> None:
        if isinstance(event, Started):
            self._steps_per_epoch = max(1, event.steps_per_epoch)

    def on_batches(self, chunk: BatchChunk) -> None:
        steps = np.asarray(chunk.steps)
        rates = np.asarray(chunk.learning_rates, dtype=float)
        self._rates.extend(steps / self._steps_per_epoch, rates)
        if self.departed_at is None:
            self._check_departure(steps, rates)
        self._fit_y(rates)
        self.refresh()

    def redraw(self) -> None:
        if self._top_moved:
            self._show_top()
        show_series(self.live_curve, self._rates)
        settle_view(self.plot)

    def _fit_y(self, values: np.ndarray | None = None) -> None:
        """From zero to a little above the largest rate seen, planned or used: shown now for
        the plan (a new session), at the next redraw for the rates a run used (a rising rate
        moved the range at every send, hidden or not)."""
        if values is None:
            self._top = 0.0
            values = self.planned
        finite = values[np.isfinite(values)]
        top = max(self._top, float(finite.max()) if finite.size else 0.0)
        if values is self.planned:
            self._top = top
            self._show_top()
        elif top > self._top:
            self._top, self._top_moved = top, True

    def _show_top(self) -> None:
        self._top_moved = False
        self.plot.setYRange(0.0, self._top * 1.1 if self._top > 0 else 1.0, padding=0)

    def _check_departure(self, steps: np.ndarray, rates: np.ndarray) -> None:
        inside = (steps >= 1) & (steps <= self.planned.size)
        if not inside.any():
            return
        planned = self.planned[steps[inside] - 1]
        off = np.abs(rates[inside] - planned) > DEPARTURE * np.maximum(np.abs(planned), 1e-12)
        if off.any():
            self.departed_at = int(steps[inside][np.argmax(off)])
            epoch = (self.departed_at - 1) // self._steps_per_epoch + 1
            self.notice.show_text(f"The rate left the plan in epoch {epoch} "
                                  "(reduced on a plateau, or changed by hand).")
