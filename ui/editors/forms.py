"""Small editors shared by the inspector and the training settings.

Each field shows a value and emits ``committed(key, value)`` only when the *user* changes it
(showing a value from the model never emits, so model → view updates cannot echo back). A
field can be marked invalid; the form that owns it shows the engine's message next to it.
Fields and their labels take their tooltips from :mod:`ui.editors.help_texts`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from ui.editors.help_texts import choice_help, field_tooltip, tooltip
from ui.style.scaled import styled
from ui.style.theme import themed_css

INVALID_STYLE = "border: 2px solid #c01c28; background: #fff0f0;"


def parse_value(text: str) -> Any:
    """What a user typed, as a JSON value: ``3``, ``0.5``, ``1e-4``, ``3, 3`` → ``[3, 3]``.

    An empty text is ``None`` (use the default); text that is not a number or a list stays a
    string (``same``), and the engine's validation decides whether it is acceptable.
    """
    text = text.strip()
    if not text:
        return None
    if "," in text and not text.startswith("["):
        text = f"[{text}]"
    try:
        value = json.loads(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    return value


def format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return value
    return json.dumps(value)


class ValueField(QLineEdit):
    """A typed value; committed when editing finishes and the text changed."""

    committed = Signal(str, object)

    def __init__(self, key: str, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._shown = ""
        self.setPlaceholderText(placeholder)
        self.editingFinished.connect(self._on_finished)

    def set_value(self, value: Any) -> None:
        self._shown = format_value(value)
        with QSignalBlocker(self):
            self.setText(self._shown)
        self.set_invalid(False)

    def _on_finished(self) -> None:
        if self.text().strip() != self._shown.strip():
            self.committed.emit(self.key, parse_value(self.text()))

    def set_invalid(self, invalid: bool) -> None:
        self.setStyleSheet(themed_css(INVALID_STYLE) if invalid else "")


class ChoiceField(QComboBox):
    """One of a fixed list of names; committed when the user picks another."""

    committed = Signal(str, object)

    def __init__(self, key: str, choices: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.scope: str | None = None
        self.addItems(list(choices))
        self.activated.connect(lambda _i: self.committed.emit(self.key, self.currentText()))
        self.currentTextChanged.connect(self._describe)

    def set_value(self, value: Any) -> None:
        text = str(value)
        with QSignalBlocker(self):
            if self.findText(text) < 0:
                self.addItem(text)
                self.setItemData(self.count() - 1, tooltip(choice_help(self.key, text)),
                                 Qt.ItemDataRole.ToolTipRole)
            self.setCurrentText(text)
        self._describe()
        self.set_invalid(False)

    def describe_choices(self, scope: str | None) -> None:
        """Tooltips from the help table: each choice's own, and the field's for the current."""
        self.scope = scope
        for i in range(self.count()):
            self.setItemData(i, tooltip(choice_help(self.key, self.itemText(i))),
                             Qt.ItemDataRole.ToolTipRole)
        self._describe()

    def _describe(self) -> None:
        self.setToolTip(field_tooltip(self.key, self.scope, self.currentText()))

    def set_invalid(self, invalid: bool) -> None:
        self.setStyleSheet(themed_css(INVALID_STYLE) if invalid else "")


class BoolField(QCheckBox):
    """A yes/no setting; committed when the user toggles it."""

    committed = Signal(str, object)

    def __init__(self, key: str, label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self.key = key
        self.clicked.connect(lambda checked: self.committed.emit(self.key, bool(checked)))

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self):
            self.setChecked(bool(value))

    def set_invalid(self, invalid: bool) -> None:
        self.setStyleSheet(themed_css(INVALID_STYLE) if invalid else "")


Field = ValueField | ChoiceField | BoolField


def attach_help(form: QFormLayout, field: Field, key: str, scope: str | None = None) -> None:
    """Give ``field`` and its label in ``form`` the help table's tooltip for option ``key``
    (looked up in ``scope``: the optimizer, schedule or layer type that shows it)."""
    if isinstance(field, ChoiceField):
        field.describe_choices(scope)
    else:
        field.setToolTip(field_tooltip(key, scope))
    label = form.labelForField(field)
    if label is not None:
        label.setToolTip(field_tooltip(key, scope))


def error_label() -> QLabel:
    """The red line under a form that repeats the engine's message about a rejected value."""
    label = styled(QLabel(), "color: #a01010;")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


def pretty(key: str) -> str:
    """``kernel_size`` → ``Kernel size``."""
    return key.replace("_", " ").capitalize()
