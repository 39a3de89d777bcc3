"""The hyper-parameters a search can vary for a design, and the text a teacher types for them.

A :class:`Knob` turns one value ("0.01", "adam", "32") into the dotted-path changes of
:func:`simulator.experiments.run.with_changes`. Values are typed as a comma-separated list (grid
search) or as ``low, high`` (random search; learning rates and L2 strengths are drawn
log-uniformly, counts as integers, dropout rates uniformly).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.errors import SpecError
from simulator.experiments.run import with_changes
from simulator.optim import get_optimizer, optimizer_names
from simulator.regularizers import get_regularizer
from simulator.spec import NetworkSpec


@dataclass(frozen=True)
class Knob:
    key: str                                    # stable id, e.g. "units:hidden_1"
    label: str                                  # what the table and plot call it
    kind: str                                   # "log" | "int" | "rate" | "penalty" | "choice"
    current: Any
    build: Callable[[Any], dict[str, Any]]      # value -> dotted-path changes
    choices: tuple[str, ...] = ()

    def changes(self, value: Any) -> dict[str, Any]:
        return self.build(value)

    @property
    def option(self) -> str:
        """The option's name in a network file, the key of its help text ("units:hidden_1"
        is a Dense layer's ``units``)."""
        return self.key.split(":", 1)[0]

    # ----- defaults shown when the knob is picked ---------------------------------------
    def grid_text(self) -> str:
        c = self.current
        if self.kind == "log":
            return _join([c / 10, c, c * 10])
        if self.kind == "int":
            return _join(sorted({max(1, c // 2), c, c * 2}))
        if self.kind == "rate":
            return "0, 0.25, 0.5"
        if self.kind == "penalty":
            return "0, 0.0001, 0.001"
        other = next(name for name in ("adam", "sgd") if name != c)
        return f"{c}, {other}"

    def range_text(self) -> str:
        c = self.current
        if self.kind == "log":
            return _join([c / 10, c * 10])
        if self.kind == "int":
            return _join([max(1, c // 4), c * 4])
        if self.kind == "rate":
            return "0, 0.6"
        if self.kind == "penalty":
            return "1e-05, 0.01"
        return ", ".join(self.choices)

    # ----- parsing what was typed -------------------------------------------------------
    def grid_values(self, text: str) -> list[Any]:
        """The distinct values of a comma-separated list, in the order typed."""
        values: list[Any] = []
        for item in _items(self.label, text):
            value = self._value(item)
            if value not in values:
                values.append(value)
        return values

    def distribution(self, text: str) -> Any:
        """What :func:`simulator.experiments.tuning.random_candidates` draws this knob from."""
        if self.kind == "choice":
            return self.grid_values(text)
        items = [self._value(item) for item in _items(self.label, text)]
        if len(items) != 2 or items[0] > items[1]:
            raise SpecError(f"{self.label}: type a range as 'low, high' (low ≤ high), "
                            f"got {text.strip()!r}")
        low, high = items
        if self.kind == "int":
            return {"int": [low, high]}
        if self.kind == "log" or (self.kind == "penalty" and low > 0):
            return {"log_uniform": [low, high]}
        return {"uniform": [low, high]}

    def _value(self, item: str) -> Any:
        if self.kind == "choice":
            if item not in self.choices:
                raise SpecError(f"{self.label}: {item!r} is not one of {', '.join(self.choices)}")
            return item
        try:
            number = float(item)
        except ValueError:
            raise SpecError(f"{self.label}: {item!r} is not a number") from None
        if self.kind == "int":
            if not number.is_integer() or number < 1:
                raise SpecError(f"{self.label}: {item!r} must be a whole number ≥ 1")
            return int(number)
        if number < 0 or (self.kind == "log" and number == 0):
            raise SpecError(f"{self.label}: {item!r} must be "
                            f"{'above' if self.kind == 'log' else 'at least'} 0")
        return number


def _items(label: str, text: str) -> list[str]:
    items = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not items:
        raise SpecError(f"{label}: type at least one value")
    return items


def _join(values: list[Any]) -> str:
    return ", ".join(f"{v:.3g}" if isinstance(v, float) else str(v) for v in values)


def format_setting(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def knobs_for(spec: NetworkSpec) -> list[Knob]:
    """The knobs that make sense for ``spec``: training settings, the units of every Dense
    layer whose size the output does not depend on, and every Dropout rate."""
    training = spec.training
    optimizer = dict(training.optimizer)
    opt_type = str(optimizer.get("type", "sgd"))
    lr = float(optimizer.get("learning_rate", get_optimizer(opt_type).learning_rate))
    reg = get_regularizer(training.regularizer)
    l1 = reg.l1 if reg is not None else 0.0
    knobs = [
        Knob("learning_rate", "learning rate", "log", lr,
             lambda v: {"training.optimizer.learning_rate": v}),
        Knob("batch_size", "batch size", "int", training.batch_size,
             lambda v: {"training.batch_size": v}),
    ]
    for layer in spec.layers:
        name, config = layer.name, layer.config
        if layer.type == "Dense" and _resizable(spec, name):
            knobs.append(Knob(f"units:{name}", f"units of {name}", "int", int(config["units"]),
                              _layer_setting(name, "units")))
        elif layer.type == "Dropout":
            knobs.append(Knob(f"rate:{name}", f"dropout rate of {name}", "rate",
                              float(config.get("rate", 0.5)),
                              _layer_setting(name, "rate")))
    knobs.append(Knob("l2", "L2 strength", "penalty", reg.l2 if reg is not None else 0.0,
                      lambda v: {"training.regularizer": _regularizer(l1, v)}))
    knobs.append(Knob("optimizer", "optimizer", "choice", opt_type,
                      lambda v: {"training.optimizer": {"type": v, "learning_rate": lr}},
                      tuple(optimizer_names())))
    return knobs


def _layer_setting(layer: str, key: str) -> Callable[[Any], dict[str, Any]]:
    """A knob's change: ``key`` of ``layer`` set to the value tried."""
    def build(value: Any) -> dict[str, Any]:
        return {f"layers.{layer}.{key}": value}

    return build


def _regularizer(l1: float, l2: float) -> dict[str, float] | None:
    values = {key: value for key, value in (("l1", l1), ("l2", l2)) if value > 0}
    return values or None


def _resizable(spec: NetworkSpec, name: str) -> bool:
    """Whether the units of Dense layer ``name`` can change without changing the output."""
    units = spec.layer(name).config.get("units")
    if not isinstance(units, int):
        return False
    try:
        before = spec.infer_shapes()[-1].output_shape
        after = with_changes(spec, {f"layers.{name}.units": units + 1}).infer_shapes()
    except SpecError:
        return False
    return after[-1].output_shape == before


def candidate_changes(knobs: dict[str, Knob], setting: dict[str, Any]) -> dict[str, Any]:
    """The dotted-path changes of one candidate setting ({knob key: value})."""
    changes: dict[str, Any] = {}
    for key, value in setting.items():
        changes.update(knobs[key].changes(value))
    return changes


def describe_setting(knobs: dict[str, Knob], setting: dict[str, Any]) -> str:
    return ", ".join(f"{knobs[k].label} {format_setting(v)}" for k, v in setting.items())
