"""Feature maps and activations: every layer's output for one chosen sample.

Reads ``Snapshot.data["samples"]`` (see :mod:`ui.training.session`): ``{"input": (K, ...),
layer: (K, ...)}`` for a small pool of validation samples, so choosing another sample shows at
once, even while training is paused. A sample picked in the dataset view (:meth:`pick`) comes
first in the spin box: it is handed to the session's ``chosen`` probe, whose snapshots bring its
outputs while a run goes on (with no run, they are computed at once). Convolutions show C maps
of H×W; dense layers a strip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSpinBox, QVBoxLayout

from simulator.data import Dataset
from simulator.training.trainer import Snapshot
from ui.panels.base import Panel
from ui.panels.parts.activation_rows import InputRow, MapRow, OutputRow
from ui.style.plots import Notice
from ui.style.scaled import scaled_label_css
from ui.style.theme import keep_style, plot_scale
from ui.training.session import TrainingSession

#: Pixels for a row's title at plot scale 1 (its image row has a fixed height of its own).
LABEL_ROW_HEIGHT = 28
#: Layers whose output repeats their input's values (nothing new to see).
SKIPPED_TYPES = ("Flatten", "Reshape", "Dropout")
WAITING = ("Each layer's output for one sample appears when training starts (or click a "
           "sample in the Dataset tab).")


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


@dataclass
class PickedSample:
    """A sample picked by its index in the dataset: network input (1, ...), target, and every
    layer's output ({"input": (1, ...), layer: (1, ...)}) once measured."""

    index: int
    x: np.ndarray
    target: Any
    outputs: dict[str, np.ndarray] | None = None


class ActivationsPanel(Panel):
    title = "Feature maps"
    short_title = "Maps"

    def __init__(self) -> None:
        super().__init__()
        self.spin = QSpinBox()
        self.spin.setPrefix("sample ")
        self.spin.setRange(1, 1)
        self.spin.valueChanged.connect(self._redraw)
        self.caption = scaled_label_css(QLabel(), 11)
        self.caption.setWordWrap(True)
        self.view = pg.GraphicsLayoutWidget()
        self.view.ci.setSpacing(2)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.view)
        self.notice = Notice(WAITING)
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
        self.picked: PickedSample | None = None
        self._dataset: Dataset | None = None
        keep_style(self, "rows", ActivationsPanel._fit_rows)

    @property
    def sample_index(self) -> int:
        """The pool sample shown (0-based); -1 while the picked sample is shown."""
        return self.spin.value() - 1

    @property
    def showing_picked(self) -> bool:
        return self.picked is not None and self.spin.value() == 0

    def reset(self, session: TrainingSession | None) -> None:
        kept = self.picked if session is not None and session.dataset is self._dataset else None
        self.behind = False
        self._unpick()
        self.data = None
        self.view.clear()
        self.rows = {}
        self.notice.show_text(WAITING if session is not None else "")
        self.caption.setText("")
        self._dataset = None if session is None else session.dataset
        if session is None:
            return
        classification = session.dataset.task == "classification"
        self.class_names = list(session.dataset.class_names) if classification else []
        self.sample_y = session.sample_y
        pool = 0 if session.sample_x is None else len(session.sample_x)
        self.spin.setRange(1, max(pool, 1))
        self._build(session, classification)
        if kept is not None:   # the same data: keep the picked sample (this new session has
            self.pick(session, kept.index, evaluate=True)   # not started training)

    def _build(self, session: TrainingSession, classification: bool) -> None:
        layout = self.view.ci
        infos = session.spec.infer_shapes()
        self.output_name = infos[-1].name if infos else None
        row = 0
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
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Fixed row heights; the titles and the class bars grow with the plot scale."""
        grid = self.view.ci.layout
        title = round(LABEL_ROW_HEIGHT * plot_scale())
        for position, row in enumerate(self.rows.values()):
            grid.setRowFixedHeight(2 * position, title)
            grid.setRowFixedHeight(2 * position + 1, row.height)
        _left, top, _right, bottom = grid.getContentsMargins()
        gaps = grid.verticalSpacing() * max(2 * len(self.rows) - 1, 0)
        rows = sum(title + row.height for row in self.rows.values())
        self.view.setMinimumHeight(math.ceil(rows + gaps + top + bottom))   # all in view
        for row in self.rows.values():
            if isinstance(row, MapRow):
                row.write_cells()

    # ----- the sample shown -------------------------------------------------------------
    def pick(self, session: TrainingSession, index: int, evaluate: bool,
             waiting: str = "") -> None:
        """Show dataset sample ``index``, handed to the session's ``chosen`` probe so that a
        run's snapshots bring its layers' outputs. ``evaluate`` computes them now, in this
        thread: only while no worker trains the session. Else ``waiting`` says when."""
        x = session.choose_sample(index)
        outputs = session.chosen_outputs()["outputs"] if evaluate else None
        self.picked = PickedSample(index, x, np.asarray(session.dataset.y[index]), outputs)
        self.notice.show_text("" if evaluate else waiting)
        with QSignalBlocker(self.spin):
            self.spin.setMinimum(0)
            self.spin.setSpecialValueText(f"dataset #{index}")
            self.spin.setValue(0)
        self._redraw()

    def _unpick(self) -> None:
        self.picked = None
        with QSignalBlocker(self.spin):
            self.spin.setSpecialValueText("")
            self.spin.setMinimum(1)

    def on_event(self, event: Any) -> None:
        if not isinstance(event, Snapshot):
            return
        chosen = event.data.get("chosen")
        fresh = bool(chosen) and self.picked is not None and chosen["index"] == self.picked.index
        if fresh:
            self.picked.outputs = chosen["outputs"]
        if "samples" in event.data:
            self.data = event.data["samples"]
        if fresh or "samples" in event.data:
            self.notice.show_text("")
            self.refresh()

    def redraw(self) -> None:
        self._redraw()

    def select_sample(self, index: int) -> None:
        """Show sample ``index`` (0-based) of the pool."""
        self.spin.setValue(index + 1)

    def _redraw(self) -> None:
        if self.showing_picked:
            data, index = self.picked.outputs or {"input": self.picked.x}, 0
        elif self.data is not None:
            data, index = self.data, self.sample_index
        else:
            return
        for name, row in self.rows.items():
            values = data.get(name)
            if values is None or index >= len(values):
                row.clear()
                continue
            sample = values[index]
            if name == "input" and sample.size == int(np.prod(self.input_shape)):
                sample = sample.reshape(self.input_shape)
            row.show(sample)
        self.caption.setText(self._describe(index))

    def _describe(self, index: int) -> str:
        prefix = f"dataset #{self.picked.index}" if self.showing_picked else ""
        if self.showing_picked:
            target = self.picked.target
        elif self.sample_y is not None and index < len(self.sample_y):
            target = self.sample_y[index]
        else:
            return prefix
        if not self.class_names:
            return prefix
        prefix += " · " if prefix else ""
        target = np.ravel(target)
        truth = self.class_names[int(np.argmax(target) if target.size > 1 else target[0])]
        output = self.rows.get(self.output_name or "")
        if not isinstance(output, OutputRow) or output.values is None:
            return f"{prefix}true class: <b>{truth}</b>"
        guess = int(np.nanargmax(output.values))
        mark = "✓" if self.class_names[guess] == truth else "✗"
        return (f"{prefix}true class: <b>{truth}</b> · network says: "
                f"<b>{self.class_names[guess]}</b> ({100 * output.values[guess]:.0f} %) {mark}")

    def maps(self, layer: str) -> np.ndarray | None:
        """The values drawn for ``layer`` (C, H, W feature maps or a vector)."""
        row = self.rows.get(layer)
        return None if row is None else row.values
