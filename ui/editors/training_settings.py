"""How the network learns: loss, optimizer, learning rate and schedule, batches, regularization.

Every edit builds a new :class:`TrainingConfig` (validated by the engine) and pushes an undoable
``SetTraining`` command; a rejected value stays red with the engine's message. A learning-rate
edit also emits ``learning_rate_changed`` so a run in progress picks it up between batches.
Every row's tooltip says what the setting means, with its formula (:mod:`ui.editors.help_texts`).
"""

from __future__ import annotations

import inspect
from typing import Any, cast

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFormLayout, QVBoxLayout, QWidget

from simulator.config import PREPROCESSING, TrainingConfig
from simulator.errors import SpecError
from simulator.losses import loss_names
from simulator.optim import get_optimizer, optimizer_names
from simulator.optim.schedules import get_schedule, schedule_names
from simulator.spec import NetworkSpec
from ui.design.commands import SetTraining
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

NO_SCHEDULE = "none"
#: Settings a schedule needs before it validates, used when the user picks it.
SCHEDULE_STARTERS: dict[str, dict[str, Any]] = {
    "warmup": {"warmup_epochs": 2, "then": {"type": "cosine"}},
}
#: (key, label, placeholder) of the plain settings, in display order.
PLAIN = [
    ("batch_size", "Batch size", "samples per update"),
    ("epochs", "Epochs", "passes over the data"),
    ("l1", "L1 penalty λ1", "0 = off"),
    ("l2", "L2 penalty λ2", "0 = off; both = elastic net"),
    ("early_stopping.patience", "Early stopping", "patience (epochs); empty = off"),
    ("reduce_on_plateau.patience", "LR on plateau", "patience (epochs); empty = off"),
    ("validation_split", "Validation split", "fraction, e.g. 0.2"),
    ("seed", "Seed", "same seed, same run"),
    ("gradient_clip", "Gradient clip", "largest norm; empty = off"),
]


def _options(kind: str, name: str) -> list[tuple[str, Any]]:
    """(key, default) of the scalar options of an optimizer or schedule (not the LR)."""
    cls: type
    if kind == "opt":
        cls = type(get_optimizer(name))
    else:
        cls = type(get_schedule({"type": name, **SCHEDULE_STARTERS.get(name, {})}))
    if cls.__init__ is object.__init__:
        return []
    return [(key, p.default) for key, p in inspect.signature(cls.__init__).parameters.items()
            if key not in ("self", "learning_rate", "then")]


def apply_change(training: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``training`` (a ``TrainingConfig.to_dict()``) with one setting changed."""
    data = dict(training)
    optimizer = dict(data["optimizer"])
    if key == "optimizer":
        data["optimizer"] = {"type": value, "learning_rate": optimizer.get("learning_rate")}
    elif key == "learning_rate" or key.startswith("opt."):
        _set(optimizer, key.removeprefix("opt."), value)
        data["optimizer"] = optimizer
    elif key == "schedule":
        data["schedule"] = None if value == NO_SCHEDULE else {
            "type": value, **SCHEDULE_STARTERS.get(value, {})}
    elif key.startswith("sched."):
        schedule = dict(data["schedule"] or {})
        _set(schedule, key.removeprefix("sched."), value)
        data["schedule"] = schedule
    elif key in ("l1", "l2"):
        reg = dict(data["regularizer"] or {})
        _set(reg, key, None if value == 0 else value)
        data["regularizer"] = reg or None
    elif key.endswith(".patience"):
        section = key.split(".")[0]
        data[section] = None if value is None else {**(data[section] or {}), "patience": value}
    else:
        data[key] = value
    return data


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


class TrainingSettings(QWidget):
    learning_rate_changed = Signal(float)

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stack = stack
        self.spec: NetworkSpec | None = None
        self.fields: dict[str, Field] = {}
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._add(ChoiceField("loss", loss_names()), "Loss")
        self._add(ChoiceField("optimizer", optimizer_names()), "Optimizer")
        self._add(ValueField("learning_rate", "step size α"), "Learning rate")
        self._add(ChoiceField("schedule", [NO_SCHEDULE, *schedule_names()]), "LR schedule")
        for key, label, placeholder in PLAIN:
            self._add(ValueField(key, placeholder), label)
        self._add(ChoiceField("preprocessing", PREPROCESSING), "Preprocessing")
        self._add(BoolField("shuffle", "shuffle every epoch"), "Order")
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self._shown: dict[str, str] = {}

    def _add(self, field: Field, label: str, row: int = -1, scope: str | None = None) -> None:
        """Add a row; ``scope`` is the optimizer or schedule whose option it is."""
        field.committed.connect(self._commit)
        if isinstance(field, ChoiceField):
            field.setMinimumContentsLength(6)
            field.setSizeAdjustPolicy(
                ChoiceField.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.fields[field.key] = field
        self.form.insertRow(row, label, field)
        attach_help(self.form, field, field.key.split(".", 1)[1] if scope else field.key, scope)

    def set_spec(self, spec: NetworkSpec) -> None:
        if self.spec is not None:
            self.spec.changed.disconnect(self.refresh)
        self.spec = spec
        spec.changed.connect(self.refresh)
        self._shown = {}
        self.refresh()

    # ----- model → view -----------------------------------------------------------------
    def refresh(self) -> None:
        if self.spec is None:
            return
        t = self.spec.training
        optimizer = dict(t.optimizer)
        opt_name = str(optimizer.get("type", "sgd"))
        sched = dict(t.schedule or {})
        sched_name = str(sched.get("type", NO_SCHEDULE))
        self._rebuild("opt", opt_name, "learning_rate")
        self._rebuild("sched", sched_name, "schedule")
        reg = t.regularizer or {}
        values = {
            "loss": t.loss, "optimizer": opt_name, "schedule": sched_name,
            "learning_rate": optimizer.get("learning_rate", get_optimizer(opt_name).learning_rate),
            "batch_size": t.batch_size, "epochs": t.epochs, "seed": t.seed,
            "l1": reg.get("l1", 0), "l2": reg.get("l2", 0),
            "early_stopping.patience": (t.early_stopping or {}).get("patience", 5)
            if t.early_stopping is not None else None,
            "reduce_on_plateau.patience": (t.reduce_on_plateau or {}).get("patience", 10)
            if t.reduce_on_plateau is not None else None,
            "validation_split": t.validation_split, "gradient_clip": t.gradient_clip,
            "preprocessing": t.preprocessing, "shuffle": t.shuffle,
        }
        for prefix, name, current in (("opt", opt_name, optimizer), ("sched", sched_name, sched)):
            if name != NO_SCHEDULE:
                for key, default in _options(prefix, name):
                    values[f"{prefix}.{key}"] = current.get(key, default)
        for key, value in values.items():
            if key in self.fields:
                self.fields[key].set_value(value)
        show_error(self.error, "")

    def _rebuild(self, prefix: str, name: str, anchor: str) -> None:
        """Show the option rows of optimizer/schedule ``name`` below the ``anchor`` row."""
        if self._shown.get(prefix) == name:
            return
        self._shown[prefix] = name
        for key in [k for k in self.fields if k.startswith(f"{prefix}.")]:
            self.form.removeRow(self.fields.pop(key))
        if name == NO_SCHEDULE:
            return
        row, _role = cast(tuple[int, Any], self.form.getWidgetPosition(self.fields[anchor]))
        row += 1
        for key, default in _options(prefix, name):
            field: Field = (BoolField(f"{prefix}.{key}") if isinstance(default, bool)
                            else ValueField(f"{prefix}.{key}", f"default {default}"))
            self._add(field, f"   {pretty(key)}", row, scope=name)
            row += 1

    # ----- view → model -----------------------------------------------------------------
    def _commit(self, key: str, value: Any) -> None:
        if self.spec is None:
            return
        field = self.fields.get(key)
        try:
            data = apply_change(self.spec.training.to_dict(), key, value)
            config = TrainingConfig.from_dict(data)
        except SpecError as exc:
            if field is not None:
                field.set_invalid(True)
            show_error(self.error, str(exc))
            return
        if field is not None:
            field.set_invalid(False)
        show_error(self.error, "")
        if config.to_dict() == self.spec.training.to_dict():
            return
        label = pretty(key.split(".")[-1]).lower()
        self.stack.push(SetTraining(self.spec, config, f"Set {label}"))
        if key == "learning_rate":
            self.learning_rate_changed.emit(float(config.optimizer["learning_rate"]))
