"""Feature maps and activations: every layer's output for one chosen sample.

Reads ``Snapshot.data["samples"]`` (see :mod:`ui.training.session`): ``{"input": (K, ...),
layer: (K, ...)}`` for a small pool of validation samples, so choosing another sample shows at
once, even while training is paused. Convolutions show C maps of H×W; dense layers a strip.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSpinBox, QVBoxLayout

from simulator.training import Snapshot
from ui.panels.activation_rows import InputRow, MapRow, OutputRow
from ui.panels.base import Panel
from ui.panels.common import Notice
from ui.training.session import TrainingSession

#: Pixels for a row's title (its image row has a fixed height of its own).
LABEL_ROW_HEIGHT = 28
#: Layers whose output repeats their input's values (nothing new to see).
SKIPPED_TYPES = ("Flatten", "Reshape", "Dropout")


def display_shape(network_input: tuple[int, ...], sample: tuple[int, ...]) -> tuple[int, ...]:
    """Show flattened images as images: a dense network's 64 inputs are an 8×8 digit."""
    if len(sample) == 3 and len(network_input) != 3 and np.prod(sample) == np.prod(network_input):
        return sample
    return network_input


def _shape_text(shape: tuple[int, ...], is_input: bool = False) -> str:
    if is_input and len(shape) == 3:
        channels = "grey" if shape[0] == 1 else f"{shape[0]} channels"
        return f"image {shape[1]}×{shape[2]}, {channels}"
    if len(shape) == 3:
        return f"{shape[0]} maps of {shape[1]}×{shape[2]}"
    count = " × ".join(str(d) for d in shape)
    return f"{count} value" if count == "1" else f"{count} values"


class ActivationsPanel(Panel):
    title = "Feature maps"

    def __init__(self) -> None:
        super().__init__()
        self.spin = QSpinBox()
        self.spin.setPrefix("sample ")
        self.spin.setRange(1, 1)
        self.spin.valueChanged.connect(self._redraw)
        self.caption = QLabel()
        self.caption.setStyleSheet("font-size: 11pt;")
        self.view = pg.GraphicsLayoutWidget()
        self.view.ci.setSpacing(2)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.view)
        self.notice = Notice("Each layer's output for one sample appears when training starts.")
        controls = QHBoxLayout()
        controls.addWidget(self.spin)
        controls.addWidget(self.caption, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.notice)
        layout.addWidget(self.scroll_area, 1)
        self.rows: dict[str, MapRow | OutputRow] = {}
        self.data: dict[str, np.ndarray] | None = None
        self.class_names: list[str] = []
        self.sample_y: np.ndarray | None = None
        self.output_name: str | None = None
        self.input_shape: tuple[int, ...] = ()

    @property
    def sample_index(self) -> int:
        return self.spin.value() - 1

    def reset(self, session: TrainingSession | None) -> None:
        self.data = None
        self.view.clear()
        self.rows = {}
        self.notice.show_text("Each layer's output for one sample appears when training "
                              "starts." if session is not None else "")
        self.caption.setText("")
        if session is None:
            return
        classification = session.dataset.task == "classification"
        self.class_names = list(session.dataset.class_names) if classification else []
        self.sample_y = session.sample_y
        pool = 0 if session.sample_x is None else len(session.sample_x)
        self.spin.setRange(1, max(pool, 1))
        self._build(session, classification)

    def _build(self, session: TrainingSession, classification: bool) -> None:
        layout = self.view.ci
        infos = session.spec.infer_shapes()
        self.output_name = infos[-1].name if infos else None
        row, height = 0, 0
        input_shape = display_shape(tuple(session.spec.input_shape),
                                    tuple(session.dataset.sample_shape))
        self.input_shape = input_shape
        self.rows["input"] = InputRow(layout, row, f"input · {_shape_text(input_shape, True)}",
                                      input_shape)
        row += 2
        for info in infos:
            if info.type in SKIPPED_TYPES:
                continue
            shape = tuple(info.output_shape)
            title = f"{info.name} · {info.type} · {_shape_text(shape)}"
            if info.name == self.output_name and classification and len(shape) == 1:
                self.rows[info.name] = OutputRow(layout, row, title, self.class_names)
            else:
                self.rows[info.name] = MapRow(layout, row, title, shape)
            row += 2
        for r in range(1, row, 2):
            height += int(layout.layout.rowMinimumHeight(r)) + LABEL_ROW_HEIGHT
        self.view.setMinimumHeight(height)

    def on_event(self, event: Any) -> None:
        if isinstance(event, Snapshot) and "samples" in event.data:
            self.data = event.data["samples"]
            self.notice.show_text("")
            self._redraw()

    def select_sample(self, index: int) -> None:
        """Show sample ``index`` (0-based) of the pool."""
        self.spin.setValue(index + 1)

    def _redraw(self) -> None:
        if self.data is None:
            return
        index = self.sample_index
        for name, row in self.rows.items():
            values = self.data.get(name)
            if values is None or index >= len(values):
                continue
            sample = values[index]
            if name == "input" and sample.size == int(np.prod(self.input_shape)):
                sample = sample.reshape(self.input_shape)
            row.show(sample)
        self.caption.setText(self._describe(index))

    def _describe(self, index: int) -> str:
        if not self.class_names or self.sample_y is None or index >= len(self.sample_y):
            return ""
        target = np.ravel(self.sample_y[index])
        truth = self.class_names[int(np.argmax(target) if target.size > 1 else target[0])]
        output = self.rows.get(self.output_name or "")
        if not isinstance(output, OutputRow) or output.values is None:
            return f"true class: {truth}"
        guess = int(np.nanargmax(output.values))
        mark = "✓" if self.class_names[guess] == truth else "✗"
        return (f"true class: <b>{truth}</b> · network says: <b>{self.class_names[guess]}</b>"
                f" ({100 * output.values[guess]:.0f} %) {mark}")

    def maps(self, layer: str) -> np.ndarray | None:
        """The values drawn for ``layer`` (C, H, W feature maps or a vector)."""
        row = self.rows.get(layer)
        return None if row is None else row.values
