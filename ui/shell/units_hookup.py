"""The units-and-connections view in the main window: View ▸ Units and connections (Ctrl+U)
shows it in place of the layer boxes, fed by every session and weight snapshot.

The view draws the session's design when it is a small dense chain
(:func:`simulator.training.units.unit_columns`) and explains otherwise. It is redrawn from the
``units`` probe: right after a session is built (computed here while nothing trains) and from
every snapshot of the training thread; a step-through's forward stage writes its values on the
units and the step-through's current layer is outlined. Clicking a connection and typing a
weight is one undo command (:class:`ui.design.commands.SetWeights`) that makes the weights on
screen the design's starting weights with that one changed; training starts again from them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel, QMenu

from simulator.spec import NetworkSpec
from simulator.training.step_through import Trace
from simulator.training.trainer import Snapshot
from simulator.training.units import MAX_UNITS, unit_columns
from ui.canvas.units_view import UnitsView
from ui.canvas.view import DesignCanvas
from ui.design.commands import SetWeights
from ui.panels.base import Panel
from ui.panels.catalog import find_panel
from ui.panels.step_panel import StepPanel
from ui.training.controller import TrainingController
from ui.training.session import TrainingSession

CANNOT_DRAW = (f"The units view draws a chain of Dense layers of up to {MAX_UNITS} units "
               f"each (with activations after them) on up to {MAX_UNITS} inputs. This design "
               "is drawn as layer boxes only.")


@dataclass(frozen=True)
class UnitsHookup:
    """The units view and its View-menu toggle."""

    view: UnitsView
    action: QAction


def install_units_view(view_menu: QMenu, canvas: DesignCanvas, controller: TrainingController,
                       stack: QUndoStack, status: QLabel, panels: Sequence[Panel],
                       session_changed: SignalInstance, *,
                       session: Callable[[], TrainingSession | None],
                       spec: Callable[[], NetworkSpec],
                       stop_training: Callable[[], object]) -> UnitsHookup:
    """``session()`` is the window's session, ``spec()`` its design; ``session_changed``
    carries every session the window builds (or None)."""
    view = UnitsView()
    view.hide()
    action = view_menu.addAction("&Units and connections")
    action.setCheckable(True)
    action.setShortcut(QKeySequence("Ctrl+U"))
    action.setStatusTip("Draw the network as units and connections: weights as lines, each "
                        "unit's output over the input plane")
    action.toggled.connect(lambda on: canvas.show_alternate(view if on else None))

    def fresh_units(current: TrainingSession | None) -> dict[str, Any] | None:
        """The probe's payload now (only while nothing trains the session's network)."""
        if current is None or controller.running:
            return None
        probe = current.trainer.probes.get("units")
        return probe(current.network) if probe is not None else None

    def on_session(current: TrainingSession | None) -> None:
        design = current.spec if current is not None else spec()
        view.set_columns(unit_columns(design), CANNOT_DRAW)
        view.show_units(fresh_units(current))

    def on_event(event: Any) -> None:
        if isinstance(event, Snapshot) and "units" in event.data:
            view.show_units(event.data["units"])
        elif isinstance(event, Trace):
            view.show_values(event)

    def edit(layer: str, unit: int, source: int, value: float) -> None:
        if controller.running:
            stop_training()              # the edit starts the design again from these weights
        weights = fresh_units(session())
        current = weights["weights"] if weights is not None else view.weights
        values = {}
        for name, params in current.items():
            matrix = np.array(params["W"], dtype=float)
            if name == layer:
                matrix[unit, source] = value
            bias = params.get("b")
            values[name] = (matrix, None if bias is None else np.array(bias, dtype=float))
        line = view.connection(layer, unit, source)
        stack.push(SetWeights(spec(), values, f"Set the weight {layer}: unit {unit + 1} ← "
                              f"{line.source_name} to {value:g}"))

    session_changed.connect(on_session)
    controller.happened.connect(on_event)
    view.weight_edit_requested.connect(edit)
    view.hovered.connect(status.setText)
    find_panel(panels, StepPanel).layer_highlighted.connect(view.highlight)
    return UnitsHookup(view, action)
