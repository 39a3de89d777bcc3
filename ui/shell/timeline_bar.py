"""The timeline bar under the panels: scrub a run, and fork it from any frame.

Once a run has frames (:mod:`simulator.training.timeline`), a slider spans them, the live run
at its right end. Moving it puts the session at that frame and redraws every panel from the
replay of the run up to there (:func:`ui.training.timeline.scrub_to`); dragging it back to the
end returns to the live run. The slider follows a run while it trains but cannot be moved then
(the worker owns the weights); at a pause, moving it stops the paused run first (the status line
says so), and Train then goes on from the step shown. "Fork from here…" asks for the settings to
change (:class:`ForkDialog`) and trains the fork in the training thread; its loss per epoch is
drawn beside the run's on the Loss panel, and the finished fork is kept with the session (and
saved in the project). On a narrow bar (large text, a small screen) the caption and then the
button's words give way, so that the frame's text stays whole and the slider usable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSlider,
    QWidget,
)

from simulator.errors import BackpropError
from simulator.io.project_file import MAX_FORKS
from simulator.optim import optimizer_names
from simulator.training.events import Kept
from simulator.training.fork import ForkRun, ForkSettings
from ui.panels.base import Panel
from ui.panels.loss_panel import LossPanel
from ui.shell.errors import describe
from ui.training.controller import TrainingController
from ui.training.pacing import PACE, Turns
from ui.training.session import TrainingSession
from ui.training.timeline import (
    ForkEnded,
    ForkEpoch,
    fork_events,
    position_step,
    positions,
    redraw,
    scrub_to,
)

STOPPED = "The paused run was stopped to show the timeline."
#: Seconds between two updates of the bar for the frames a run keeps, at least.
FRAME_PERIOD = 0.2
FORK_TEXT, FORK_SHORT = "Fork from here…", "Fork…"
#: The narrowest the frame's text and the slider become (pixels).
LABEL_LEAST, SLIDER_LEAST = 150, 80


class TimelineBar(QWidget):
    """A slider over the run's frames, what it shows, and "Fork from here…"."""

    moved = Signal(int)            # a position the user chose
    fork_requested = Signal(int)   # the position to fork from

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("timeline-slider")
        self.slider.setToolTip("Scrub the run: every panel shows the state at that step. The "
                               "right end is the live run.")
        self.slider.setPageStep(1)
        self.label = QLabel()
        self.label.setMinimumWidth(LABEL_LEAST)
        self.caption = QLabel("Timeline")
        self.fork_button = QPushButton(FORK_TEXT)
        self.fork_button.setToolTip("Train on from the step shown with another learning rate, "
                                    "optimizer, L2 or dropout; the fork's loss is drawn beside "
                                    "the run's")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.caption)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.fork_button)
        self._quiet = False
        self.slider.valueChanged.connect(self._on_value)
        self.fork_button.clicked.connect(lambda: self.fork_requested.emit(self.slider.value()))
        # Hidden until a run has frames, but its row is kept: appearing as a run starts, it
        # shrank the panels above by its height, and every plot in them was laid out again
        # (a jump in front of the class, and ~30 ms of the first second of the run).
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()

    def show_range(self, count: int, value: int, text: str, movable: bool) -> None:
        """``count`` positions (0 hides the bar), the slider at ``value``."""
        self.setVisible(count > 0)
        self._quiet = True
        self.slider.setRange(0, max(count - 1, 0))
        self.slider.setValue(value)
        self._quiet = False
        self.label.setText(text)
        self.slider.setEnabled(movable and count > 1)
        self.fork_button.setEnabled(movable and count > 0)
        self.fit_row()

    def fit_row(self) -> None:
        """Keep the frame's text whole and the slider usable on a narrow bar (large text, a
        small screen): the caption gives way first, then the button's words."""
        layout = self.layout()
        assert layout is not None
        self.label.setMinimumWidth(max(LABEL_LEAST, self.label.sizeHint().width()))
        margins = layout.contentsMargins()

        def needs(*widgets: QWidget) -> int:
            return (SLIDER_LEAST + sum(w.sizeHint().width() for w in widgets)
                    + layout.spacing() * len(widgets) + margins.left() + margins.right())

        self.fork_button.setText(FORK_TEXT)
        self.caption.setVisible(self.width() >= needs(self.caption, self.label,
                                                      self.fork_button))
        if self.width() < needs(self.label, self.fork_button):
            self.fork_button.setText(FORK_SHORT)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_row()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_row()

    def _on_value(self, value: int) -> None:
        if not self._quiet:
            self.moved.emit(value)


class ForkDialog(QDialog):
    """The settings of a fork, starting from the run's own."""

    def __init__(self, session: TrainingSession, title: str, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        training = session.spec.training
        self._lr0 = float(session.trainer.base_learning_rate)
        self._opt0 = str(training.optimizer.get("type", "sgd"))
        self._l20 = float((training.regularizer or {}).get("l2", 0.0))
        rates = [float(layer.config.get("rate", 0.5)) for layer in session.spec.layers
                 if layer.type == "Dropout"]
        self._rate0 = rates[0] if rates else None
        self.learning_rate = _spin(1e-6, 10.0, 6, self._lr0)
        self.optimizer = QComboBox()
        self.optimizer.addItems(optimizer_names())
        self.optimizer.setCurrentText(self._opt0)
        self.l2 = _spin(0.0, 1.0, 6, self._l20)
        self.dropout = _spin(0.0, 0.95, 2, self._rate0 or 0.0)
        self.dropout.setEnabled(self._rate0 is not None)
        if self._rate0 is None:
            self.dropout.setToolTip("This network has no Dropout layer")
        form = QFormLayout(self)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("L2 strength", self.l2)
        form.addRow("Dropout rate", self.dropout)
        note = QLabel("The optimizer's state is kept unless you change the optimizer.")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Fork and train")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self) -> ForkSettings:
        """The settings that differ from the run's."""
        lr, opt = self.learning_rate.value(), self.optimizer.currentText()
        l2, rate = self.l2.value(), self.dropout.value()
        return ForkSettings(
            learning_rate=lr if not np.isclose(lr, self._lr0, rtol=1e-9, atol=0) else None,
            optimizer=opt if opt != self._opt0 else None,
            l2=l2 if l2 != self._l20 else None,
            dropout=rate if self._rate0 is not None and rate != self._rate0 else None)


def _spin(low: float, high: float, decimals: int, value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(10 ** -min(decimals, 3))
    box.setValue(value)
    return box


class TimelineHookup(QObject):
    """Connects the bar to the session, the controller and the panels."""

    def __init__(self, bar: TimelineBar, controller: TrainingController,
                 session: Callable[[], TrainingSession | None], panels: Sequence[Panel],
                 loss: LossPanel, status: QLabel, progress: QProgressBar,
                 session_changed: Any) -> None:
        super().__init__(bar)
        self.bar, self.controller, self.session = bar, controller, session
        self.panels, self.loss, self.status, self.progress = list(panels), loss, status, progress
        self._fork: tuple[int, list[float], list[float]] | None = None
        #: A frame kept during a run lengthens the bar at most five times a second (a small
        #: network keeps one at nearly every send).
        self._frame_turns = Turns(self.refresh, lambda: PACE.period(FRAME_PERIOD), self)
        bar.moved.connect(self.scrub)
        bar.fork_requested.connect(self.ask_fork)
        controller.state_changed.connect(lambda _state: self._now())
        controller.happened.connect(self._on_event)
        session_changed.connect(lambda _session: self.session_changed())

    # ----- showing the bar ---------------------------------------------------------------
    def session_changed(self) -> None:
        self._fork = None
        self._now()
        self.draw_forks()

    def _now(self) -> None:
        self._frame_turns.cancel()
        self.refresh()

    def refresh(self) -> None:
        session = self.session()
        training = self.controller.state == "running" and not self.forking
        count = positions(session, training)
        if session is None or session.timeline is None or count == 0:
            self.bar.show_range(0, 0, "", False)
            return
        timeline = session.timeline
        at = count - 1 if timeline.position is None else timeline.position
        self.bar.show_range(count, at, self._describe(session, at, count),
                            self.controller.state != "running")

    @property
    def forking(self) -> bool:
        """Whether the training thread trains a fork (the session's own run stands still)."""
        return self._fork is not None

    def _describe(self, session: TrainingSession, position: int, count: int) -> str:
        timeline = session.timeline
        assert timeline is not None
        step = position_step(session, position)
        if position < len(timeline):
            epoch = timeline.frames[position].epoch
        else:
            epoch = session.trainer.completed_epochs
        live = " (live)" if position == count - 1 else ""
        return f"epoch {epoch} · step {step}{live}"

    def _on_event(self, event: Any) -> None:
        if isinstance(event, Kept) and "timeline" in event.data:
            self._frame_turns.due()
        elif isinstance(event, ForkEpoch):
            self._fork_epoch(event)
        elif isinstance(event, ForkEnded):
            self._fork_ended(event)

    # ----- scrubbing -----------------------------------------------------------------------
    def make_idle(self) -> bool:
        """Stop a paused run so its trainer can be moved; False while one trains."""
        if self.controller.state == "running":
            return False
        if self.controller.running:
            self.controller.shutdown()
            self.status.setText(STOPPED)
        return True

    @property
    def position(self) -> int:
        """The scrubber's position now."""
        return self.bar.slider.value()

    def scrub(self, position: int) -> None:
        """Put the session at ``position`` and redraw every panel as the run was there."""
        session = self.session()
        if session is None or session.timeline is None or not self.make_idle():
            self.refresh()
            return
        redraw(self.panels, session, scrub_to(session, position))
        self.progress.setMaximum(max(session.spec.training.epochs, 1))
        self.progress.setValue(min(session.trainer.completed_epochs, self.progress.maximum()))
        self.refresh()
        stopped = STOPPED + " " if self.status.text() == STOPPED else ""
        if session.timeline.position is None:
            shown = f"the live run, {self.bar.label.text().replace(' (live)', '')}"
        else:
            shown = (f"the run as it was at {self.bar.label.text()}; Train goes on from here, "
                     "the right end of the timeline is the live run")
        self.status.setText(f"{stopped}Showing {shown}")
        self.draw_forks()

    # ----- forks ---------------------------------------------------------------------------
    def ask_fork(self, position: int) -> None:
        session = self.session()
        if session is None or session.timeline is None or not self.make_idle():
            return
        if len(session.forks) >= MAX_FORKS:
            QMessageBox.information(self.bar.window(), "Fork", f"This run has {MAX_FORKS} "
                                    "forks, the most a project keeps. Start the run again "
                                    "to fork anew.")
            return
        frame = min(position, len(session.timeline) - 1)
        chosen = session.timeline.frames[frame]
        dialog = ForkDialog(session, f"Fork from epoch {chosen.epoch} (step {chosen.step})",
                            self.bar.window())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.start_fork(frame, dialog.settings())

    def start_fork(self, frame: int, settings: ForkSettings) -> bool:
        """Train a fork of the session's run from ``frame`` with ``settings``."""
        session = self.session()
        if session is None or not self.make_idle():
            return False
        number = len(session.forks)
        try:
            events, control = fork_events(session, frame, settings, number)
        except (BackpropError, ValueError) as exc:
            QMessageBox.warning(self.bar.window(), "Cannot fork", describe(exc))
            return False
        assert session.timeline is not None
        epoch = session.timeline.frames[frame].epoch
        self._fork = (number, [float(epoch)], [_loss_at(session.timeline.history_at(frame))])
        self.controller.start_events(events, control)
        self.status.setText(f"Fork {number + 1} ({settings.describe()}) training from "
                            f"epoch {epoch}…")
        return True

    def _fork_epoch(self, event: ForkEpoch) -> None:
        if self._fork is None or self._fork[0] != event.fork:
            return
        self._fork[1].append(float(event.epoch))
        self._fork[2].append(float(event.metrics.get("loss", np.nan)))
        self.status.setText(f"Fork {event.fork + 1}, epoch {event.epoch}: loss "
                            f"{event.metrics.get('loss', np.nan):.4g}")
        self.draw_forks()

    def _fork_ended(self, event: ForkEnded) -> None:
        session = self.session()
        self._fork = None
        if session is not None:
            session.forks.append(event.record)
        reason = event.reason.replace("_", " ")
        self.status.setText(f"Fork {event.fork + 1} ({event.record.settings.describe()}) "
                            f"{'finished' if reason == 'completed' else reason}")
        self.draw_forks()

    def draw_forks(self) -> None:
        """The session's forks (and the one training) on the Loss panel."""
        session = self.session()
        curves = [] if session is None else [_fork_curve(i, fork)
                                             for i, fork in enumerate(session.forks)]
        if self._fork is not None:
            number, x, y = self._fork
            curves.append((f"fork {number + 1} (training)", np.array(x), np.array(y)))
        self.loss.show_forks(curves)


def _loss_at(history: dict[str, list[float]]) -> float:
    losses = history.get("loss", [])
    return float(losses[-1]) if losses else float("nan")


def _fork_curve(index: int, fork: ForkRun) -> tuple[str, np.ndarray, np.ndarray]:
    """A fork's loss per epoch from the epoch it left its parent."""
    losses = np.asarray([np.nan if v is None else v for v in fork.history.get("loss", [])],
                        dtype=float)
    start = max(fork.parent_epoch - 1, 0)
    x = np.arange(start + 1, losses.size + 1, dtype=float)
    return f"fork {index + 1}: {fork.settings.describe()}", x, losses[start:]


def install_timeline(controller: TrainingController,
                     session: Callable[[], TrainingSession | None], panels: Sequence[Panel],
                     status: QLabel, progress: QProgressBar, session_changed: Any
                     ) -> TimelineHookup:
    """The bar (``hookup.bar``, for the window to place under the panels) and its wiring."""
    from ui.panels.catalog import find_panel

    bar = TimelineBar()
    return TimelineHookup(bar, controller, session, panels, find_panel(panels, LossPanel),
                          status, progress, session_changed)
