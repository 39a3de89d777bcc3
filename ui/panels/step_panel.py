"""The step-through panel: one training instance, one stage per click, every layer's numbers.

Forward presents a sample (the next training sample, the one chosen in the box, or an input
typed with its target) and shows its input, each layer's z and a, the output, the target and
the loss; Backward shows δ and ∂L/∂w layer by layer from the output back; Update applies one
step of the run's optimizer and shows each weight before, Δw, after, and the optimizer's
state. The panel only asks for
this work (its signals); the training thread does it and the numbers come back as events
(:mod:`ui.training.stepping`). As a stage is shown the panel walks through its layers,
highlighting each one's rows and naming it in ``layer_highlighted`` for the canvas.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from simulator.errors import BackpropError
from simulator.spec import INPUT
from simulator.training.step_through import Trace, Update
from ui.panels.base import Panel
from ui.panels.parts.step_rows import STAGES, stage_layers, stage_rows, stage_story
from ui.style.scaled import scaled_label_css
from ui.style.theme import COLORS, themed_color
from ui.training.session import TrainingSession
from ui.training.stepping import NEXT, Sample, StepProblem, typed_sample

#: Samples with at most this many features are written into the input box when picked.
MAX_TYPED = 16
#: Milliseconds each layer stays highlighted as a stage is walked through.
WALK_MS = 700
HIGHLIGHT = QColor("#ffe8a3")


class StepPanel(Panel):
    title = "Step through"
    short_title = "Steps"
    forward_requested = Signal(object)   # the Sample to present
    update_requested = Signal()
    layer_highlighted = Signal(object)   # a layer name, "input", or None

    def __init__(self) -> None:
        super().__init__()
        self.trace: Trace | None = None
        self.step_update: Update | None = None
        self.stage = "forward"
        self.waiting = False
        self.has_session = False
        self.session: TrainingSession | None = None
        #: A dataset sample (by index) picked in the Dataset view, presented next.
        self.picked: int | None = None
        self.sample_box = QSpinBox()
        self.sample_box.setRange(-1, 0)
        self.sample_box.setSpecialValueText("next")
        self.sample_box.valueChanged.connect(self._forget_pick)
        self.sample_box.setToolTip("The training sample to present (its number in the "
                                   "training split): 'next' walks through them in order")
        self.forward_button = QPushButton("1  Forward")
        self.backward_button = QPushButton("2  Backward")
        self.update_button = QPushButton("3  Update")
        self.forward_button.setToolTip("Present the sample and feed it through the network")
        self.backward_button.setToolTip("Send the error back: δ and ∂L/∂w for every layer")
        self.update_button.setToolTip("Adjust the weights: one step of the run's optimizer")
        self.forward_button.clicked.connect(self.request_forward)
        self.backward_button.clicked.connect(lambda: self.show_stage("backward"))
        self.update_button.clicked.connect(self.request_update)
        self.input_edit = QLineEdit()
        self.input_edit.setPlaceholderText("e.g. 1, -1")
        self.input_edit.setToolTip("Type an input to present instead of a training sample "
                                   "(in the data's units); empty: use the training sample")
        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText("class")
        self.target_edit.setMaximumWidth(70)
        self.target_edit.setToolTip("The typed input's target: a class number, or the "
                                    "values for regression")
        self.input_edit.returnPressed.connect(self.request_forward)
        self.target_edit.returnPressed.connect(self.request_forward)
        choose = QHBoxLayout()
        choose.addWidget(QLabel("Sample:"))
        choose.addWidget(self.sample_box)
        choose.addWidget(QLabel(" or type x:"))
        choose.addWidget(self.input_edit, 1)
        choose.addWidget(QLabel("target:"))
        choose.addWidget(self.target_edit)
        controls = QHBoxLayout()
        for button in (self.forward_button, self.backward_button, self.update_button):
            controls.addWidget(button)
        controls.addStretch(1)
        self.tabs = QComboBox()
        for stage in STAGES:
            self.tabs.addItem(stage.capitalize(), stage)
        self.tabs.setToolTip("The stage shown: look again at any stage of this instance")
        self.tabs.currentIndexChanged.connect(self._on_tab)
        controls.addWidget(self.tabs)
        self.story = QLabel()
        self.story.setWordWrap(True)
        self.story.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._story_css(False)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Layer", "Quantity", "Values"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setMinimumSectionSize(1)    # rows as tall as their text
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._on_cell)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)     # room for the numbers on a short screen
        layout.setSpacing(3)
        layout.addLayout(choose)
        layout.addLayout(controls)
        layout.addWidget(self.story)
        layout.addWidget(self.table, 1)
        self._walk = QTimer(self)
        self._walk.setInterval(WALK_MS)
        self._walk.timeout.connect(self._walk_on)
        self._walk_layers: list[str] = []
        self._walk_at = 0
        self.highlighted: str | None = None
        self._refresh()

    def _story_css(self, warning: bool) -> None:
        color = COLORS["warning"] if warning else "#222222"
        scaled_label_css(self.story, 10, f"color: {color}; padding: 1px;")

    # ----- the Panel interface --------------------------------------------------------
    def reset(self, session: TrainingSession | None) -> None:
        self._walk.stop()
        self.trace = self.step_update = None
        self.waiting = False
        self.has_session = session is not None
        self.session = session
        self.picked = None
        n = 0 if session is None else int(session.trainer.x_train.shape[0])
        self.sample_box.setRange(-1, max(n - 1, 0))
        self.sample_box.setValue(-1)
        self._highlight(None)
        self.stage = "forward"
        self._refresh()

    def on_event(self, event: Any) -> None:
        if isinstance(event, Trace):
            self.trace, self.step_update, self.waiting = event, None, False
            self.show_stage("forward")
        elif isinstance(event, Update):
            self.step_update, self.waiting = event, False
            self.show_stage("update")
        elif isinstance(event, StepProblem):
            self.show_problem(event.message)

    # ----- requests ---------------------------------------------------------------------
    def chosen_sample(self) -> Sample:
        """The typed input when there is one, else a dataset sample picked in the Dataset
        view, else the training sample in the box ('next': the next in order). A typed input
        that does not fit raises a DataError."""
        if self.input_edit.text().strip() and self.session is not None:
            return typed_sample(self.session, self.input_edit.text(), self.target_edit.text())
        if self.picked is not None:
            return Sample(index=self.picked, from_dataset=True)
        value = self.sample_box.value()
        return NEXT if value < 0 else Sample(index=value)

    def pick_dataset_sample(self, index: int) -> None:
        """A sample clicked in the Dataset view becomes the one to present: a few features
        are written into the input and target boxes (to read, or to change), an image is
        presented as it is."""
        session = self.session
        if session is None or not 0 <= index < len(session.dataset):
            return
        x = np.asarray(session.dataset.x[index]).reshape(-1)
        if x.size <= MAX_TYPED:
            self.picked = None
            self.input_edit.setText(", ".join(f"{v:.4g}" for v in x))
            y = np.asarray(session.dataset.y[index]).reshape(-1)
            self.target_edit.setText(", ".join(f"{v:g}" for v in y))
        else:
            self.input_edit.clear()
            self.picked = int(index)
            self.story.setText(f"Dataset sample {index} is chosen: Forward presents it.")

    def _forget_pick(self) -> None:
        self.picked = None

    def show_problem(self, message: str) -> None:
        self.waiting = False
        self._refresh()
        self._story_css(True)
        self.story.setText(message)

    def expect_result(self) -> None:
        """Work was asked of the training thread: the buttons wait for its result."""
        self.waiting = True
        self._refresh()

    def request_forward(self) -> None:
        if not self.has_session:
            return
        try:
            sample = self.chosen_sample()
        except BackpropError as exc:
            self.show_problem(str(exc))
            return
        self.expect_result()
        self.forward_requested.emit(sample)

    def request_update(self) -> None:
        if self.trace is None or self.step_update is not None:
            return
        self.expect_result()
        self.update_requested.emit()

    # ----- showing a stage ----------------------------------------------------------------
    def show_stage(self, stage: str) -> None:
        """Show ``stage``'s numbers and walk through its layers."""
        self.stage = stage
        self._refresh()
        layers = stage_layers(stage, self.trace, self.step_update)
        if stage == "forward" and layers:
            layers = [INPUT, *layers]
        self._walk_layers, self._walk_at = layers, 0
        self._walk.stop()
        if layers:
            self._highlight(layers[0])
            self._walk.start()

    def _refresh(self) -> None:
        trace, update = self.trace, self.step_update
        usable = trace is not None and trace.problem is None
        self.forward_button.setEnabled(self.has_session and not self.waiting)
        self.backward_button.setEnabled(usable and not self.waiting)
        self.update_button.setEnabled(usable and update is None and not self.waiting)
        self.sample_box.setEnabled(self.has_session)
        available = {"forward": trace is not None, "backward": usable,
                     "update": update is not None}
        model = self.tabs.model()
        for i, stage in enumerate(STAGES):
            entry = model.item(i) if isinstance(model, QStandardItemModel) else None
            if entry is not None:
                entry.setEnabled(available[stage])
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(STAGES.index(self.stage))
        self.tabs.blockSignals(False)
        self._story_css(bool(trace is not None and trace.problem and self.stage == "forward"))
        self.story.setText(stage_story(self.stage, trace, update)
                           if self.has_session else "Choose a lesson or a dataset to train.")
        rows = stage_rows(self.stage, trace, update)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate((row.layer, row.quantity, row.text)):
                item = QTableWidgetItem(text)     # top-aligned: tall rows keep their label
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.table.setItem(r, c, item)
        self.fit_rows()
        self._paint_rows()

    def fit_rows(self) -> None:
        """Each row exactly as tall as its lines of text: the hidden row header would make
        every row as tall as its own label's box (24 instead of 21 pixels in presentation
        mode, a row fewer in view on a 720-pixel screen)."""
        for row in range(self.table.rowCount()):
            self.table.setRowHeight(row, self.table.sizeHintForRow(row))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:   # presentation mode: taller lines
            self.fit_rows()

    def _on_tab(self, index: int) -> None:
        self.show_stage(STAGES[index])

    # ----- highlighting -------------------------------------------------------------------
    def _walk_on(self) -> None:
        self._walk_at += 1
        if self._walk_at >= len(self._walk_layers):
            self._walk.stop()
            return
        self._highlight(self._walk_layers[self._walk_at])

    def _on_cell(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is None:
            return
        self._walk.stop()
        name = item.text()
        self._highlight(name if name in self._walk_layers else None)

    def _highlight(self, name: str | None) -> None:
        self.highlighted = name
        self._paint_rows()
        self.layer_highlighted.emit(name)

    def _paint_rows(self) -> None:
        first = None
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            on = item is not None and self.highlighted is not None \
                and item.text() == self.highlighted
            for c in range(self.table.columnCount()):
                cell = self.table.item(r, c)
                if cell is not None:
                    cell.setBackground(themed_color(HIGHLIGHT) if on else QColor(0, 0, 0, 0))
            if on and first is None:
                first = r
        top = self.table.item(first, 0) if first is not None else None
        if top is not None:
            self.table.scrollToItem(top, QAbstractItemView.ScrollHint.PositionAtTop)
