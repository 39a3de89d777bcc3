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

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from simulator.training.step_through import Trace
from simulator.training.trainer import Snapshot
from simulator.training.units import MAX_UNITS, unit_columns
from ui.canvas.units_view import UnitsView
from ui.design.commands import SetWeights
from ui.panels.catalog import find_panel
from ui.panels.step_panel import StepPanel
from ui.training.session import TrainingSession

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

CANNOT_DRAW = (f"The units view draws a chain of Dense layers of up to {MAX_UNITS} units "
               f"each (with activations after them) on up to {MAX_UNITS} inputs. This design "
               "is drawn as layer boxes only.")


def install_units_view(w: MainWindow) -> UnitsView:
    view = UnitsView()
    view.hide()
    menu = next((a.menu() for a in w.menuBar().actions()
                 if a.text().replace("&", "") == "View"), None)
    action = w.units_action = (menu if isinstance(menu, QMenu) else w.menuBar()).addAction(
        "&Units and connections")
    action.setCheckable(True)
    action.setShortcut(QKeySequence("Ctrl+U"))
    action.setStatusTip("Draw the network as units and connections: weights as lines, each "
                        "unit's output over the input plane")
    action.toggled.connect(lambda on: w.canvas.show_alternate(view if on else None))

    def fresh_units(session: TrainingSession | None) -> dict[str, Any] | None:
        """The probe's payload now (only while nothing trains the session's network)."""
        if session is None or w.controller.running:
            return None
        probe = session.trainer.probes.get("units")
        return probe(session.network) if probe is not None else None

    def on_session(session: TrainingSession | None) -> None:
        spec = session.spec if session is not None else w.spec
        view.set_columns(unit_columns(spec), CANNOT_DRAW)
        view.show_units(fresh_units(session))

    def on_event(event: Any) -> None:
        if isinstance(event, Snapshot) and "units" in event.data:
            view.show_units(event.data["units"])
        elif isinstance(event, Trace):
            view.show_values(event)

    def edit(layer: str, unit: int, source: int, value: float) -> None:
        if w.controller.running:
            w.stop_training()            # the edit starts the design again from these weights
        weights = fresh_units(w.session)
        current = weights["weights"] if weights is not None else view.weights
        values = {}
        for name, params in current.items():
            matrix = np.array(params["W"], dtype=float)
            if name == layer:
                matrix[unit, source] = value
            bias = params.get("b")
            values[name] = (matrix, None if bias is None else np.array(bias, dtype=float))
        line = view.connection(layer, unit, source)
        w.stack.push(SetWeights(w.spec, values, f"Set the weight {layer}: unit {unit + 1} ← "
                                f"{line.source_name} to {value:g}"))

    w.session_changed.connect(on_session)
    w.controller.event.connect(on_event)
    view.weight_edit_requested.connect(edit)
    view.hovered.connect(w.status_label.setText)
    find_panel(w.panels, StepPanel).layer_highlighted.connect(view.highlight)
    return view
