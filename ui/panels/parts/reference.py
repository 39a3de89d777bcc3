"""A run kept as a reference: its curves drawn faintly behind the next runs' (the Loss and
Accuracy panels), so two runs compare side by side.

:func:`reference_of` describes a trained session: its distinguishing settings
(:func:`run_facets`: optimizer, learning rate, batch size, BatchNorm, dropout, penalty,
schedule, activations, units) and which data it learned (:func:`data_key`). A panel keeps one
:class:`ReferenceGhosts`: :meth:`~ReferenceGhosts.keep` copies the panel's own series into
dashed, light lines behind the live ones (bounded-cost envelopes, as the live curves), with one
legend entry naming the settings: the optimizer and learning rate always, and every other
setting that differs from the design now on screen (``"reference: adam lr 0.01, BatchNorm
off"``). The ghosts survive Reset and new runs; :meth:`~ReferenceGhosts.follow` (each panel's
``reset``) clears them when the data set or task changes, since a reference from other data
would mislead, and names again what differs from the new design. A second keep replaces the
first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from simulator.data import Dataset
from simulator.optim import get_optimizer
from simulator.spec import NetworkSpec
from ui.panels.parts.envelope import Envelope
from ui.style.plots import show_series
from ui.style.scaled import scaled_lines
from ui.training.session import TrainingSession

#: Opacity (0-255) of a reference line: the live curve's colour, faint.
GHOST_ALPHA = 110
#: Drawn below the live curves (which sit at 0) and above the grid (-1000).
GHOST_Z = -10
#: The settings that are always named, in this order, then any other that differs.
ALWAYS_NAMED = ("optimizer", "learning rate")
#: Layer types that are activation functions (their names, as a design writes them).
_ACTIVATIONS = ("Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softmax")


def faint_curve(color: Any, name: str | None = None) -> pg.PlotDataItem:
    """Another run's curve (a kept reference, a fork): ``color`` faint and dashed, below the
    live curves."""
    faint = pg.mkColor(color)
    faint.setAlpha(GHOST_ALPHA)
    curve = scaled_lines(pg.PlotDataItem(pen=pg.mkPen(faint, width=2,
                                                      style=Qt.PenStyle.DashLine), name=name))
    curve.setZValue(GHOST_Z)
    return curve


def run_facets(spec: NetworkSpec, learning_rate: float | None = None) -> dict[str, str]:
    """The settings that tell runs apart, each as the legend writes it. ``learning_rate`` is
    the rate the run used (a live change reaches the trainer, not the design); by default
    the design's."""
    training = spec.training
    optimizer = dict(training.optimizer)
    kind = str(optimizer.get("type", "sgd"))
    name = kind + (f" momentum {optimizer['momentum']:g}" if optimizer.get("momentum") else "")
    if learning_rate is None:
        learning_rate = float(get_optimizer(optimizer).learning_rate)
    types = [layer.type for layer in spec.layers]
    rates = [float(layer.config.get("rate", 0.5)) for layer in spec.layers
             if layer.type == "Dropout"]
    activations: list[str] = []
    units: list[str] = []
    for layer in spec.layers:
        activation = layer.config.get("activation")
        if layer.type in _ACTIVATIONS:
            activations.append(layer.type)
        elif isinstance(activation, str) and activation.lower() not in ("linear", "none"):
            activations.append(activation)
        if layer.type in ("Dense", "Conv2D"):
            units.append(str(layer.config.get("units", layer.config.get("filters", "?"))))
    penalty = training.regularizer
    schedule = training.schedule
    return {
        "optimizer": name,
        "learning rate": f"lr {learning_rate:g}",
        "batch size": f"batch {training.batch_size}",
        "BatchNorm": "BatchNorm on" if "BatchNorm" in types else "BatchNorm off",
        "dropout": ("dropout " + "/".join(f"{r:g}" for r in rates)) if rates else "no dropout",
        "penalty": _penalty_text(penalty),
        "schedule": (f"{schedule.get('type', 'schedule')} schedule" if schedule
                     else "constant lr"),
        "activations": "/".join(dict.fromkeys(a.lower() for a in activations)) or "linear",
        "units": "units " + "-".join(units) if units else "no weighted layers",
    }


def _penalty_text(penalty: dict[str, Any] | None) -> str:
    if not penalty:
        return "no L1/L2"
    options = dict(penalty)
    kind = options.pop("type", None)
    if kind is not None:
        strength = options.get("lambda", options.get("strength", 0.0))
        return f"{str(kind).upper()} {float(strength):g}"
    return ", ".join(f"{key.upper()} {float(value):g}" for key, value in sorted(options.items()))


def data_key(dataset: Dataset) -> tuple[Any, ...]:
    """What identifies the data a run learned, cheaply: its name, source, task, shapes,
    classes and a sum over a few thousand of its values (a regenerated set differs)."""
    x = np.asarray(dataset.x)
    flat = x.reshape(-1)
    sample = flat[:: max(1, flat.size // 4096)]
    return (dataset.name, dataset.source, dataset.task, x.shape, tuple(dataset.class_names),
            float(np.sum(sample, dtype=np.float64)))


@dataclass(frozen=True)
class RunReference:
    """What a kept run was: its settings (:func:`run_facets`) and its data (:func:`data_key`)."""

    facets: dict[str, str]
    data: tuple[Any, ...]
    #: The facets of the design now on screen, when known (their differences are named).
    current: dict[str, str] = field(default_factory=dict)

    def label(self) -> str:
        named = [" ".join(self.facets[key] for key in ALWAYS_NAMED if key in self.facets)]
        named += [text for key, text in self.facets.items()
                  if key not in ALWAYS_NAMED and key in self.current
                  and self.current[key] != text]
        return "reference: " + ", ".join(named)

    def against(self, facets: dict[str, str]) -> RunReference:
        """The same run, described against a design with these facets."""
        return RunReference(self.facets, self.data, dict(facets))


def session_facets(session: TrainingSession) -> dict[str, str]:
    """The facets of a session's run, at the learning rate its trainer uses."""
    return run_facets(session.spec, float(session.trainer.base_learning_rate))


def reference_of(session: TrainingSession) -> RunReference:
    """The reference a session's run makes (described against itself: nothing differs)."""
    facets = session_facets(session)
    return RunReference(facets, data_key(session.dataset), dict(facets))


class ReferenceGhosts:
    """The kept run's curves on one panel's plot: one faint dashed line per series, one legend
    entry.

    ``series`` maps a name to the panel's live series and the colour of its curve; ``refresh``
    is the panel's :meth:`ui.panels.base.Panel.refresh` (a keep or clear is drawn in its
    ``redraw``, which calls :meth:`redraw`)."""

    def __init__(self, plot: pg.PlotWidget, legend: pg.LegendItem,
                 series: Mapping[str, tuple[Envelope, Any]], refresh: Callable[[], None]) -> None:
        self.plot, self.legend = plot, legend
        self._live = {name: live for name, (live, _color) in series.items()}
        self._refresh = refresh
        self.reference: RunReference | None = None
        #: The kept copies of the live series, by name (empty without a reference).
        self.series: dict[str, Envelope] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        for name, (_live, color) in series.items():
            curve = faint_curve(color)
            plot.addItem(curve)
            self.curves[name] = curve
        self._legend_curve = next(iter(self.curves.values()))
        self._labelled = ""
        self._dirty = False

    @property
    def label(self) -> str:
        """The legend entry's text ("" without a reference)."""
        return self._labelled

    def offer(self, actions: Iterable[QAction]) -> None:
        """Add ``actions`` (keep, clear) to the plot's right-click menu."""
        menu = self.plot.getViewBox().menu
        menu.addSeparator()
        menu.addActions(list(actions))

    def keep(self, reference: RunReference) -> None:
        """Keep a copy of the panel's live series as they are now, as the reference."""
        self.reference = reference
        self.series = {}
        for name, live in self._live.items():
            copy = Envelope(live.capacity)
            copy.extend(live.x.copy(), live.values.copy())
            self.series[name] = copy
        self._changed()

    def clear(self) -> None:
        self.reference = None
        self.series = {}
        self._changed()

    def follow(self, session: TrainingSession | None) -> None:
        """A new session: forget the reference if it learned other data, else describe it
        against the new design. Without a session (a design that cannot train) it stays."""
        if self.reference is None or session is None:
            return
        if data_key(session.dataset) != self.reference.data:
            self.clear()
            return
        self.reference = self.reference.against(run_facets(session.spec))
        self._show_label()

    def redraw(self) -> None:
        """Hand the lines their points, once per keep or clear (the reference does not grow)."""
        if not self._dirty:
            return
        self._dirty = False
        for name, curve in self.curves.items():
            series = self.series.get(name)
            if series is None:
                curve.setData([], [])
            else:
                show_series(curve, series)

    def _changed(self) -> None:
        self._show_label()
        self._dirty = True
        self._refresh()

    def _show_label(self) -> None:
        text = "" if self.reference is None else self.reference.label()
        if text == self._labelled:
            return
        if self._labelled:
            self.legend.removeItem(self._legend_curve)
        if text:
            self.legend.addItem(self._legend_curve, text)
        self._labelled = text
