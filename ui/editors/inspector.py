"""The inspector: edit the selected layer's settings (or the input shape) through undo commands.

A value the engine rejects is shown in red with the engine's own message and never reaches
the spec. Explicit initial parameters (a worked example's weights) are shown as small tables.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from simulator.activations import activation_names
from simulator.errors import SpecError
from simulator.initializers import INITIALIZERS
from simulator.layers import create_layer, layer_class
from simulator.spec import INPUT, NetworkSpec
from ui.design.commands import EditLayer, SetInputShape
from ui.design.text import shape_text
from ui.editors.forms import (
    BoolField,
    ChoiceField,
    Field,
    ValueField,
    error_label,
    pretty,
    show_error,
)

#: Config keys holding explicit initial parameters: shown as tables, not edited as text.
PARAMETER_KEYS = ("weights", "bias", "gamma", "beta")
HIDDEN_KEYS = (*PARAMETER_KEYS, "regularizer")
#: Largest explicit parameter shown value by value.
MAX_TABLE_VALUES = 64


def layer_fields(type_name: str) -> list[tuple[str, Any]]:
    """(key, default or inspect.Parameter.empty) for each editable argument of a layer type."""
    signature = inspect.signature(layer_class(type_name).__init__)
    return [(name, p.default) for name, p in signature.parameters.items()
            if name != "self" and name not in HIDDEN_KEYS
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def make_field(key: str, default: Any) -> Field:
    if key == "activation":
        return ChoiceField(key, activation_names())
    if key.endswith("_initializer"):
        return ChoiceField(key, INITIALIZERS)
    if isinstance(default, bool):
        return BoolField(key)
    if key == "padding":
        return ValueField(key, "valid, same or a number")
    required = default is inspect.Parameter.empty
    return ValueField(key, "required" if required else f"default {default}")


class Inspector(QWidget):
    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stack = stack
        self.spec: NetworkSpec | None = None
        self.name: str | None = None
        self._type: str | None = None
        self.lesson_title, self.lesson_text = "", ""
        self.fields: dict[str, Field] = {}
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setWordWrap(True)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setStyleSheet("color: #444444;")
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.error = error_label()
        self.shape = QLabel()
        self.params_host = QWidget()
        self.params_layout = QVBoxLayout(self.params_host)
        self.params_layout.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.about, self.form_host, self.error, self.shape,
                       self.params_host):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.show_layer(None)

    def set_lesson(self, title: str, text: str) -> None:
        """The lesson's title and explanation, shown while no layer is selected."""
        self.lesson_title, self.lesson_text = title, text
        if self.name is None:
            self.show_layer(None)

    def set_spec(self, spec: NetworkSpec) -> None:
        if self.spec is not None:
            self.spec.changed.disconnect(self.refresh)
        self.spec = spec
        spec.changed.connect(self.refresh)
        self.show_layer(None)

    # ----- building the form ------------------------------------------------------------
    def show_layer(self, name: str | None) -> None:
        """Edit layer ``name``, the input (``"input"``), or show a hint (None)."""
        self.name, self._type = name, None
        self._clear()
        if self.spec is None or name is None:
            hint = ("Click a layer on the canvas to edit it. Drag layers from the palette; drag "
                    "from a layer's dark bottom port to another layer to connect them; select "
                    "an arrow and press Delete to remove it.")
            if self.lesson_text:
                self.title.setText(self.lesson_title)
                self.about.setText(f"{self.lesson_text}\n\n{hint}")
            else:
                self.title.setText("Nothing selected")
                self.about.setText(hint)
            return
        if name == INPUT:
            self.title.setText("Input")
            self.about.setText("The shape of one sample: [2] for points, [1, 8, 8] for an "
                               "8×8 grey image (channels, height, width).")
            field = ValueField("input_shape", "for example 2 or 1, 28, 28")
            self._add_field(field, "Shape")
        else:
            layer = self.spec.layer(name)
            self._type = layer.type
            self.title.setText(f"{layer.type} · {layer.name}")
            doc = inspect.getdoc(layer_class(layer.type)) or ""
            self.about.setText(doc.split("\n\n")[0].replace("\n", " "))
            for key, default in layer_fields(layer.type):
                self._add_field(make_field(key, default), pretty(key))
        self.refresh()

    def _add_field(self, field: Field, label: str) -> None:
        field.committed.connect(self._commit)
        self.fields[field.key] = field
        self.form.addRow(label, field)

    def _clear(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        show_error(self.error, "")
        self.shape.setText("")
        self._clear_params()

    def _clear_params(self) -> None:
        while self.params_layout.count():
            widget = self.params_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()

    # ----- model → view -----------------------------------------------------------------
    def refresh(self) -> None:
        spec, name = self.spec, self.name
        if spec is None or name is None:
            return
        if name != INPUT and name not in spec.names():
            self.show_layer(None)
            return
        if name != INPUT and spec.layer(name).type != self._type:
            self.show_layer(name)
            return
        if name == INPUT:
            self.fields["input_shape"].set_value(list(spec.input_shape))
            return
        layer = spec.layer(name)
        for key, default in layer_fields(layer.type):
            value = layer.config.get(key, None if default is inspect.Parameter.empty else default)
            if key == "activation" and isinstance(value, dict):
                value = value.get("type", "")
            self.fields[key].set_value("linear" if key == "activation" and value is None
                                       else value)
        try:
            info = next(i for i in spec.infer_shapes() if i.name == name)
            self.shape.setText(f"Output {shape_text(info.output_shape)} · "
                               f"{info.param_count:,} parameters")
        except SpecError:
            self.shape.setText("Output: unknown until the design is valid")
        self._show_params(layer.config)

    def _show_params(self, config: dict[str, Any]) -> None:
        self._clear_params()
        keys = [k for k in PARAMETER_KEYS if k in config]
        if not keys:
            return
        note = QLabel("Initial values set by hand (the worked example):")
        note.setWordWrap(True)
        self.params_layout.addWidget(note)
        for key in keys:
            self.params_layout.addWidget(self._param_view(key, config[key]))
        forget = QPushButton("Use random initial values instead")
        forget.clicked.connect(lambda: self._push_edit({k: None for k in keys}))
        self.params_layout.addWidget(forget)

    @staticmethod
    def _param_view(key: str, value: Any) -> QWidget:
        array = np.asarray(value, dtype=np.float64)
        if array.ndim > 2 or array.size > MAX_TABLE_VALUES:
            return QLabel(f"{key}: {' × '.join(map(str, array.shape))} values")
        table_data = array.reshape(1, -1) if array.ndim < 2 else array
        table = QTableWidget(*table_data.shape)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setToolTip(f"{key}" + (" (W as the course writes it: one row per unit, one "
                                     "column per input)" if array.ndim == 2 else ""))
        for (r, c), v in np.ndenumerate(table_data):
            item = QTableWidgetItem(f"{v:g}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.setItem(r, c, item)
        rows, columns = table_data.shape
        table.setVerticalHeaderLabels([key] if array.ndim < 2 else
                                      [f"unit {r + 1}" for r in range(rows)])
        table.setHorizontalHeaderLabels([f"{'unit' if array.ndim < 2 else 'in'} {c + 1}"
                                         for c in range(columns)])
        table.resizeColumnsToContents()
        height = table.horizontalHeader().height() + 4 + sum(
            table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(height)
        return table

    # ----- view → model (undo commands) ---------------------------------------------------
    def _commit(self, key: str, value: Any) -> None:
        spec, name = self.spec, self.name
        if spec is None or name is None:
            return
        field = self.fields[key]
        try:
            if name == INPUT:
                shape = value if isinstance(value, list) else [value]
                NetworkSpec(shape)  # validates the shape, raising SpecError
                if tuple(shape) != spec.input_shape:
                    self.stack.push(SetInputShape(spec, tuple(shape)))
            else:
                self._edit_layer(key, value)
        except SpecError as exc:
            field.set_invalid(True)
            show_error(self.error, str(exc))
            return
        field.set_invalid(False)
        show_error(self.error, "")

    def _edit_layer(self, key: str, value: Any) -> None:
        if self.spec is None or self.name is None:
            return
        layer = self.spec.layer(self.name)
        config = dict(layer.config)
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
        create_layer(layer.type, config)  # the engine's own validation
        if config != layer.config:
            self._push_edit({key: value})

    def _push_edit(self, changes: dict[str, Any]) -> None:
        if self.spec is not None and self.name is not None:
            self.stack.push(EditLayer(self.spec, self.name, changes))
