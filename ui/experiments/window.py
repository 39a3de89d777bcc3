"""Training ▸ Experiments…: one window, three modes (search, cross-validation, ensemble).

Each run goes through its own :class:`TrainingController` (the app's one bridge from an engine
generator to Qt): it trains in the worker thread, the throttled batches drive the progress bar,
and each result reaches the mode that started the run. The main window's Train is disabled
while an experiment runs (see :mod:`ui.experiments.hookup`), and Run while it trains.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from simulator.errors import BackpropError
from simulator.experiments.ensembles import MemberTrained
from simulator.experiments.tuning import FoldScore
from ui import error_log
from ui.experiments.cv_view import CrossValidationView
from ui.experiments.ensemble_view import EnsembleView
from ui.experiments.host import MainDesign
from ui.experiments.plan import EPOCH_CAP, MAX_EPOCHS, ExperimentFailed, build_context, guarded
from ui.experiments.search_view import SearchView
from ui.experiments.view import ExperimentView
from ui.shell.errors import describe
from ui.style.scaled import styled
from ui.style.theme import COLORS
from ui.training.controller import TrainingController
from ui.training.worker import BatchChunk


class ExperimentsWindow(QWidget):
    def __init__(self, parent: QWidget, host: MainDesign) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Experiments — Backprop Studio")
        self.host = host
        self.controller = TrainingController(self)
        self.search = SearchView(host)
        self.cross_validation = CrossValidationView()
        self.ensemble = EnsembleView()
        self.tabs = QTabWidget()
        for view in self.views:
            self.tabs.addTab(view, view.title)
            view.message.connect(self.show_message)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, MAX_EPOCHS)
        self.epochs.setToolTip("every network of the experiment trains this many epochs; "
                               "keep it small for a live demo")
        self.epochs_hint = QLabel()
        self.run_button = QPushButton("Run")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.run_button.clicked.connect(self.run)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.progress = QProgressBar()
        self.progress.setFormat("%p%")
        self.status = QLabel()
        self.status.setWordWrap(True)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Epochs per run:"))
        controls.addWidget(self.epochs)
        controls.addWidget(self.epochs_hint)
        controls.addStretch(1)
        for widget in (self.run_button, self.pause_button, self.stop_button):
            controls.addWidget(widget)
        controls.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        self.controller.batches.connect(self._on_batches)
        self.controller.happened.connect(self._on_event)
        self.controller.error.connect(self._on_error)
        self.controller.state_changed.connect(self._on_state)
        host.controller.state_changed.connect(self._update_buttons)
        self._active: ExperimentView | None = None
        self._runs = self._runs_done = self._epochs_per_run = 0
        self._stop_requested = self._failed = False
        self._started = 0.0
        self._default_epochs: int | None = None
        self.resize(1120, 720)
        self.refresh()
        self._update_buttons()

    @property
    def views(self) -> list[ExperimentView]:
        return [self.search, self.cross_validation, self.ensemble]

    def show_mode(self, view: ExperimentView) -> None:
        self.tabs.setCurrentWidget(view)

    # ----- following the design ---------------------------------------------------------
    def refresh(self) -> None:
        """Offer what fits the current design; a new design's epochs become the default."""
        design = self.host.spec()
        for view in self.views:
            view.refresh(design)
        default = max(1, min(design.training.epochs, EPOCH_CAP))
        if self._default_epochs is None or self.epochs.value() == self._default_epochs:
            self.epochs.setValue(default)
        self._default_epochs = default
        self.epochs_hint.setText(f"(the design trains {design.training.epochs})")

    def changeEvent(self, event: QEvent) -> None:
        if (event.type() == QEvent.Type.ActivationChange and self.isActiveWindow()
                and not self.controller.running):
            self.refresh()
        super().changeEvent(event)

    # ----- commands -------------------------------------------------------------------
    def run(self) -> None:
        if self.controller.running or self.host.controller.running:
            self.show_message("One run at a time: stop the training in progress first.", True)
            return
        view = self.tabs.currentWidget()
        assert isinstance(view, ExperimentView)
        try:
            context = build_context(self.host.spec(), self.host.dataset(), self.epochs.value())
            plan = view.plan(context)
        except (BackpropError, KeyError) as exc:
            text = exc.args[0] if isinstance(exc, KeyError) else describe(exc)
            self.show_message(f"Cannot run: {text}", True)
            return
        self._active, self._runs, self._runs_done = view, plan.runs, 0
        self._epochs_per_run = plan.epochs
        self._stop_requested = self._failed = False
        self._started = time.monotonic()
        self.progress.setRange(0, plan.runs * plan.epochs)
        self.progress.setValue(0)
        self.show_message(f"{view.title}: training {plan.runs} networks × {plan.epochs} "
                          f"epochs on {len(context.y)} samples…", False)
        self.controller.start_events(guarded(plan.events), context.control)

    def toggle_pause(self) -> None:
        if self.controller.state == "paused":
            self.controller.resume()
        else:
            self.controller.pause()

    def stop(self) -> None:
        """End the run: the network in training stops within a batch."""
        if self.controller.running:
            self._stop_requested = True
            self.controller.resume()
            self.controller.stop()

    def show_message(self, text: str, problem: bool = False) -> None:
        color = COLORS["warning"] if problem else "#333333"
        styled(self.status, f"color: {color}; font-size: 11pt;")
        self.status.setText(text)

    # ----- from the worker ------------------------------------------------------------
    def _on_batches(self, chunk: BatchChunk) -> None:
        last = chunk.last
        done = self._runs_done * self._epochs_per_run + last.epoch - 1
        self.progress.setValue(min(done, self.progress.maximum()))
        self.progress.setFormat(f"network {min(self._runs_done + 1, self._runs)} of "
                                f"{self._runs} · epoch {last.epoch}")

    def _on_event(self, event: Any) -> None:
        if isinstance(event, ExperimentFailed):
            self._failed = True
            self.show_message(f"The experiment stopped: {event.message}", True)
            return
        if isinstance(event, FoldScore | MemberTrained):
            self._runs_done += 1
            self.progress.setValue(self._runs_done * self._epochs_per_run)
        if self._active is not None:
            self._active.on_event(event)

    def _on_error(self, text: str) -> None:
        self._failed = True
        path = error_log.record(text)
        line = error_log.last_line(text)
        self.show_message(f"The experiment failed with an internal error ({line}); the "
                          f"details are in {path}", True)
        QMessageBox.critical(self, "Internal error",
                             f"The experiment failed with an internal error: {line}. The "
                             f"details are in {path}")

    def _on_state(self, state: str) -> None:
        self._update_buttons()
        if state != "idle" or self._active is None:
            return
        view, self._active = self._active, None
        view.finish(self._stop_requested)
        seconds = time.monotonic() - self._started
        if self._stop_requested:
            self.show_message(f"Stopped after {seconds:.1f} s.", False)
        elif not self._failed:
            self.progress.setValue(self.progress.maximum())
            self.show_message(f"{view.title} finished in {seconds:.1f} s.", False)
        self.progress.setFormat("%p%")

    def _update_buttons(self, _state: str = "") -> None:
        state = self.controller.state
        busy_elsewhere = self.host.controller.state != "idle"
        self.run_button.setEnabled(state == "idle" and not busy_elsewhere)
        self.run_button.setToolTip("Stop the training in the main window first"
                                   if busy_elsewhere else "Run the chosen experiment")
        self.pause_button.setEnabled(state != "idle")
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        self.stop_button.setEnabled(state != "idle")
        self.epochs.setEnabled(state == "idle")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window ends its run (waiting at most one batch)."""
        self.stop()
        self.controller.shutdown()
        super().closeEvent(event)
