"""The main window: toolbar, the design, the live panels and the status bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from simulator.data import Dataset
from simulator.errors import BackpropError
from simulator.spec import NetworkSpec
from simulator.training import EpochEnd, Failed, Finished, Started
from ui.datasets import load_dataset
from ui.panels.base import Panel
from ui.panels.registry import default_panels
from ui.presets import Preset, available_presets, load_preset
from ui.training.controller import TrainingController
from ui.training.session import TrainingSession, build_session
from ui.training.worker import BatchChunk

SPEEDS = {"Slow (class demo)": 60.0, "Normal": 400.0, "Full speed": None}


class MainWindow(QMainWindow):
    training_finished = Signal(object)   # Finished | Failed, after the panels saw it

    def __init__(self, preset: Preset | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Backprop Studio")
        self.controller = TrainingController(self)
        self.session: TrainingSession | None = None
        self.spec: NetworkSpec | None = None
        self.dataset: Dataset | None = None
        self.panels: list[Panel] = default_panels()
        self._build_toolbar()
        self._build_central()
        self._build_status()
        self.controller.batches.connect(self._on_batches)
        self.controller.event.connect(self._on_event)
        self.controller.done.connect(self._on_done)
        self.controller.error.connect(self._on_error)
        self.controller.state_changed.connect(self._on_state)
        self.open_preset(preset or load_preset())

    # ----- construction ---------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("Training")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.preset_box = QComboBox()
        self._presets = available_presets()
        for preset in self._presets:
            self.preset_box.addItem(preset.title, preset.key)
        self.preset_box.activated.connect(self._on_preset_chosen)
        bar.addWidget(QLabel(" Lesson: "))
        bar.addWidget(self.preset_box)
        bar.addSeparator()
        self.train_action = QAction("Train", self)
        self.pause_action = QAction("Pause", self)
        self.stop_action = QAction("Stop", self)
        self.reset_action = QAction("Reset", self)
        self.train_action.triggered.connect(self.train)
        self.pause_action.triggered.connect(self.toggle_pause)
        self.stop_action.triggered.connect(self.controller.stop)
        self.reset_action.triggered.connect(self.reset)
        for action in (self.train_action, self.pause_action, self.stop_action, self.reset_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addWidget(QLabel(" Speed: "))
        self.speed_box = QComboBox()
        for label in SPEEDS:
            self.speed_box.addItem(label)
        self.speed_box.setCurrentText("Normal")
        self.speed_box.currentTextChanged.connect(
            lambda text: self.controller.set_speed(SPEEDS[text]))
        self.controller.set_speed(SPEEDS["Normal"])
        bar.addWidget(self.speed_box)

    def _build_central(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.design_box = QGroupBox("Network")
        design_layout = QVBoxLayout(self.design_box)
        self.design_label = QLabel()
        self.design_label.setTextFormat(Qt.TextFormat.RichText)
        self.design_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.design_label.setWordWrap(True)
        design_layout.addWidget(self.design_label)
        splitter.addWidget(self.design_box)
        panel_area = QWidget()
        grid = QGridLayout(panel_area)
        for i, panel in enumerate(self.panels):
            box = QGroupBox(panel.title)
            QVBoxLayout(box).addWidget(panel)
            grid.addWidget(box, i // 2, i % 2)
        splitter.addWidget(panel_area)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        self.setCentralWidget(splitter)

    def _build_status(self) -> None:
        self.status_label = QLabel("Ready")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)

    # ----- project ------------------------------------------------------------------------
    def open_preset(self, preset: Preset) -> None:
        try:
            spec = preset.spec()
            dataset = load_dataset(preset.dataset_source, preset.dataset_options)
        except BackpropError as exc:
            QMessageBox.warning(self, "Cannot open preset", str(exc))
            return
        self.set_design(spec, dataset)
        index = self.preset_box.findData(preset.key)
        if index >= 0:
            self.preset_box.setCurrentIndex(index)

    def open_path(self, name: str) -> bool:
        """Open a preset by name (project and network files arrive with the files issue)."""
        try:
            self.open_preset(load_preset(name))
        except (OSError, KeyError, ValueError) as exc:
            QMessageBox.warning(self, "Cannot open", f"Cannot open {name!r}: {exc}")
            return False
        return True

    def set_design(self, spec: NetworkSpec, dataset: Dataset) -> None:
        self.spec, self.dataset = spec, dataset
        self._show_design()
        self.reset()

    def _show_design(self) -> None:
        assert self.spec is not None
        rows = "".join(
            f"<tr><td><b>{i.name}</b></td><td>{i.type}</td>"
            f"<td>{' × '.join(map(str, i.output_shape))}</td><td>{i.param_count}</td></tr>"
            for i in self.spec.infer_shapes()
        )
        self.design_label.setText(
            f"<p>Input: {' × '.join(map(str, self.spec.input_shape))}</p>"
            f"<table cellspacing='6'><tr><th align='left'>layer</th><th align='left'>type</th>"
            f"<th align='left'>output</th><th align='left'>params</th></tr>{rows}</table>"
        )

    # ----- training -----------------------------------------------------------------------
    def reset(self) -> None:
        """Fresh weights and empty plots for the current design and data."""
        if self.controller.running:
            self.controller.shutdown()
        if self.spec is None or self.dataset is None:
            return
        try:
            self.session = build_session(self.spec, self.dataset)
        except BackpropError as exc:
            self.session = None
            self.status_label.setText(f"Cannot train: {exc}")
        for panel in self.panels:
            panel.reset(self.session)
        self.progress.setValue(0)
        self._on_state("idle")

    def train(self) -> None:
        if self.controller.running:
            self.controller.resume()
            return
        if self.session is None or self.session.trainer.epoch >= self.spec.training.epochs:
            self.reset()
        if self.session is None:
            return
        self.controller.start(self.session.trainer)

    def toggle_pause(self) -> None:
        if self.controller.state == "paused":
            self.controller.resume()
        else:
            self.controller.pause()

    def _on_state(self, state: str) -> None:
        self.train_action.setEnabled(state != "running" and self.session is not None)
        self.pause_action.setEnabled(state in ("running", "paused"))
        self.pause_action.setText("Resume" if state == "paused" else "Pause")
        self.stop_action.setEnabled(state in ("running", "paused"))
        self.preset_box.setEnabled(state == "idle")

    def _on_batches(self, chunk: BatchChunk) -> None:
        last = chunk.last
        self.status_label.setText(
            f"Epoch {last.epoch} · batch {last.batch} · loss {last.loss:.4f} · "
            f"learning rate {last.learning_rate:.3g}")
        for panel in self.panels:
            panel.on_batches(chunk)

    def _on_event(self, event: Any) -> None:
        if isinstance(event, Started):
            self.progress.setMaximum(event.epochs)
        elif isinstance(event, EpochEnd):
            self.progress.setValue(event.epoch)
            metrics = " · ".join(f"{k} {v:.4g}" for k, v in event.metrics.items())
            self.status_label.setText(f"Epoch {event.epoch}: {metrics}")
        for panel in self.panels:
            panel.on_event(event)

    def _on_done(self, event: Finished | Failed) -> None:
        for panel in self.panels:
            panel.on_done(event)
        if isinstance(event, Failed):
            self.status_label.setText(f"Training stopped: {event.message}")
        else:
            self.status_label.setText(
                f"Training {event.reason} after {event.epochs_completed} epochs")
        self.training_finished.emit(event)

    def _on_error(self, text: str) -> None:
        self.status_label.setText("Training failed with an internal error (details shown).")
        QMessageBox.critical(self, "Internal error", text)

    def _on_preset_chosen(self, index: int) -> None:
        self.open_preset(self._presets[index])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802  (Qt's name)
        self.controller.shutdown()
        super().closeEvent(event)
