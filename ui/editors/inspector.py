"""The inspector: edit the selected layer's settings (or the input shape) through undo commands,
and read the network's numbers.

A value the engine rejects is shown in red with the engine's own message and never reaches
the spec. Every option has a tooltip with its meaning and formula (:mod:`ui.editors.help_texts`).
A layer's parameters are shown as the network holds them now (``show_current``: trained while
and after a run, delivered by :class:`ui.training.inspection.InspectorFeed`) and, when the design
types them (a worked example), as typed; both with one row per unit, the course's W. The
"Evaluate an input" box shows every unit's z and a for a typed input.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from simulator.activations import activation_names
from simulator.backend import get_backend
from simulator.errors import SpecError
from simulator.initializers import initializer_names
from simulator.layers import LAYERS, get_layer
from simulator.spec import INPUT, NetworkSpec
from ui.design.commands import EditLayer, SetInputShape
from ui.design.text import shape_text
from ui.editors.forms import (
    BoolField,
    ChoiceField,
    Field,
    ValueField,
    attach_help,
    error_label,
    pretty,
    show_error,
)
from ui.editors.input_probe import InputProbe
from ui.editors.value_tables import ParameterView
from ui.style.scaled import styled

#: Config keys holding explicit initial parameters: shown as tables, not edited as text.
PARAMETER_KEYS = ("weights", "bias", "gamma", "beta")
HIDDEN_KEYS = (*PARAMETER_KEYS, "regularizer")


def layer_fields(type_name: str) -> list[tuple[str, Any]]:
    """(key, default or inspect.Parameter.empty) for each editable argument of a layer type."""
    signature = inspect.signature(LAYERS.get(type_name).__init__)
    return [(name, p.default) for name, p in signature.parameters.items()
            if name != "self" and name not in HIDDEN_KEYS
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def make_field(key: str, default: Any) -> Field:
    if key == "activation":
        return ChoiceField(key, activation_names())
    if key.endswith("_initializer"):
        return ChoiceField(key, initializer_names())
    if isinstance(default, bool):
        return BoolField(key)
    if key == "padding":
        return ValueField(key, "valid, same or a number")
    required = default is inspect.Parameter.empty
    return ValueField(key, "required" if required else f"default {default}")


def typed_parameters(spec: NetworkSpec, name: str) -> dict[str, np.ndarray] | None:
    """The parameters layer ``name`` types in its config, as the engine reads them and users
    see them (Dense W one row per unit), or None when it types none or the design is invalid."""
    layer = spec.layer(name)
    keys = [k for k in PARAMETER_KEYS if k in layer.config]
    if not keys:
        return None
    try:
        info = next(i for i in spec.infer_shapes() if i.name == name)
        built = get_layer({**layer.config, "type": layer.type})
        built.build(info.input_shape, get_backend("numpy", "float64"), np.random.default_rng(0))
    except SpecError:
        return None
    shown = built.user_params()
    return {k: shown[k] for k in keys if k in shown}


class Inspector(QWidget):
    #: An input typed in the "Evaluate an input" box: (numbers, whether in the data's units).
    input_typed = Signal(object, bool)

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stack = stack
        self.spec: NetworkSpec | None = None
        self.name: str | None = None
        self._type: str | None = None
        self.lesson_title, self.lesson_text = "", ""
        self.fields: dict[str, Field] = {}
        self.title = styled(QLabel(), "font-weight: bold;")
        self.title.setWordWrap(True)
        self.about = styled(QLabel(), "color: #444444;")
        self.about.setWordWrap(True)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.error = error_label()
        self.shape = QLabel()
        self.params_host = QWidget()
        self.params_layout = QVBoxLayout(self.params_host)
        self.params_layout.setContentsMargins(0, 0, 0, 0)
        #: Every layer's parameters as the network holds them now, and what that "now" is.
        self.current: Mapping[str, Mapping[str, np.ndarray]] | None = None
        self.current_caption = ""
        self.current_view: ParameterView | None = None
        self.current_label: QLabel | None = None
        self.probe = InputProbe()
        self.probe.input_typed.connect(self.input_typed)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.about, self.form_host, self.error, self.shape,
                       self.params_host, self.probe):
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

    # ----- the network's numbers (from the feed) ----------------------------------------
    def show_current(self, params: Mapping[str, Mapping[str, np.ndarray]] | None,
                     caption: str = "") -> None:
        """Every layer's parameters as the network holds them now (None: no network yet);
        ``caption`` says when "now" is (the epoch and update, or "not trained yet")."""
        self.current, self.current_caption = params, caption
        layer = self._current_layer_params()
        view = self.current_view
        if view is not None and layer is not None and view.fits(layer):
            view.update_values(layer)
            if self.current_label is not None:
                self.current_label.setText(self._current_title())
        elif (view is not None or layer) and self.spec is not None \
                and self.name in self.spec.names():
            self._show_params(self.spec.layer(self.name).config)

    def _current_layer_params(self) -> Mapping[str, np.ndarray] | None:
        if self.current is None or self.name in (None, INPUT):
            return None
        return self.current.get(self.name)

    def _current_title(self) -> str:
        return f"Values now ({self.current_caption}):" if self.current_caption else \
            "Values now:"

    # ----- building the form ------------------------------------------------------------
    def show_layer(self, name: str | None) -> None:
        """Edit layer ``name``, the input (``"input"``), or show a hint (None)."""
        self.name, self._type = name, None
        self._clear()
        self.probe.highlight(name)
        if self.spec is None or name is None:
            if self.spec is not None:
                self.probe.set_input_size(math.prod(self.spec.input_shape))
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
            doc = inspect.getdoc(LAYERS.get(layer.type)) or ""
            self.about.setText(doc.split("\n\n")[0].replace("\n", " "))
            for key, default in layer_fields(layer.type):
                self._add_field(make_field(key, default), pretty(key), layer.type)
        self.refresh()

    def _add_field(self, field: Field, label: str, scope: str | None = None) -> None:
        field.committed.connect(self._commit)
        self.fields[field.key] = field
        self.form.addRow(label, field)
        attach_help(self.form, field, field.key, scope)

    def _clear(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        show_error(self.error, "")
        self.shape.setText("")
        self._clear_params()

    def _clear_params(self) -> None:
        self.current_view = self.current_label = None
        while self.params_layout.count():
            item = self.params_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    # ----- model → view -----------------------------------------------------------------
    def refresh(self) -> None:
        spec, name = self.spec, self.name
        if spec is not None:
            self.probe.set_input_size(math.prod(spec.input_shape))
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
        """The layer's parameters now (if there is a network) and as typed (if they are)."""
        self._clear_params()
        if self.spec is None or self.name in (None, INPUT) or self._type is None:
            return
        current = self._current_layer_params()
        if current:
            self.current_label = styled(QLabel(self._current_title()), "font-weight: bold;")
            self.current_label.setWordWrap(True)
            self.current_view = ParameterView(self._type, current)
            self.params_layout.addWidget(self.current_label)
            self.params_layout.addWidget(self.current_view)
        typed = typed_parameters(self.spec, self.name)
        if typed is None:
            return
        note = QLabel("Initial values typed in the design (the worked example):")
        note.setWordWrap(True)
        self.params_layout.addWidget(note)
        self.params_layout.addWidget(ParameterView(self._type, typed))
        keys = [k for k in PARAMETER_KEYS if k in config]
        forget = QPushButton("Use random initial values instead")
        forget.clicked.connect(lambda: self._push_edit({k: None for k in keys}))
        self.params_layout.addWidget(forget)

    # ----- view → model (undo commands) ---------------------------------------------------
    def _commit(self, key: str, value: Any) -> None:
        spec, name = self.spec, self.name
        if spec is None or name is None:
            return
        field = self.fields[key]
        try:
            if name == INPUT:
                shape = value if isinstance(value, list) else [value]
                NetworkSpec(tuple(shape))  # validates the shape, raising SpecError
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
        get_layer({**config, "type": layer.type})  # the engine's own validation
        if config != layer.config:
            self._push_edit({key: value})

    def _push_edit(self, changes: dict[str, Any]) -> None:
        if self.spec is not None and self.name is not None:
            self.stack.push(EditLayer(self.spec, self.name, changes))
