"""Feeds the inspector the network's numbers now: every layer's parameters, and every unit's
z and a for an input typed in the inspector's "Evaluate an input" box.

The engine computes both (:func:`simulator.training.probes.parameter_values` and
:func:`~simulator.training.probes.layer_values`); the inspector only shows them. While a run is
under way (running or paused) the worker thread owns the network: the parameters come with
every snapshot and a typed input is handed to the session's ``typed`` probe, whose result the
next snapshot brings. With no run they are read from the network at once, in the GUI thread.
The feed is given the inspector (as the narrow :class:`InspectorView`), the controller and two
callables; it imports no view. ``typed_shown`` callbacks get the typed input's values too (the
window gives them to the units view).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import SignalInstance

from simulator.errors import DataError
from simulator.training.probes import parameter_values
from simulator.training.trainer import Snapshot
from ui.training.controller import TrainingController
from ui.training.session import TrainingSession

PENDING = "The values come with the next update of the run in progress."
PAUSED = "Training is paused: the values come when it resumes."
STALE = (" (the run in progress still uses the design from before your last edit; Train "
         "again after it stops to see the new one)")


def moment(epoch: int, step: int) -> str:
    """When the numbers were taken, in words."""
    if step == 0:
        return "not trained yet"
    return f"epoch {epoch}, update {step}"


def caption(when: str) -> str:
    return f"Every unit of the network ({when}); z = W x + b, a = σ(z):"


class ProbeView(Protocol):
    """The inspector's "Evaluate an input" box."""

    def show_message(self, text: str, error: bool = False) -> None: ...

    def show_values(self, values: Any, caption: str) -> None: ...

    def set_preprocessing(self, preprocessing: Any) -> None: ...


class InspectorView(Protocol):
    """What the feed asks of the inspector (``ui.editors.inspector.Inspector`` is one)."""

    input_typed: SignalInstance
    probe: Any

    def show_current(self, values: Any, when: str = "") -> None: ...


class InspectorFeed:
    """``session()`` is the window's session (None when the design cannot train);
    ``stale()`` says whether the design changed since that session was built."""

    def __init__(self, inspector: InspectorView, controller: TrainingController,
                 session: Callable[[], TrainingSession | None],
                 stale: Callable[[], bool]) -> None:
        self.inspector, self.controller = inspector, controller
        self.session, self.stale = session, stale
        #: The input last typed (numbers, in data units?) and its request number.
        self.typed: tuple[list[float], bool] | None = None
        #: Called with every typed input's values the inspector shows (the units view).
        self.typed_shown: list[Callable[[Any], None]] = []
        self.request = 0
        inspector.input_typed.connect(self.evaluate)

    @property
    def _busy(self) -> bool:
        """Whether a worker owns the session's network (a run is running or paused)."""
        return self.controller.running

    def _note(self) -> str:
        return STALE if self._busy and self.stale() else ""

    # ----- from the bridge ----------------------------------------------------------------
    def on_state(self, state: str) -> None:
        """A run started, paused, ended, or the session was rebuilt (reset)."""
        if state == "paused" and self.typed is not None:
            self.inspector.probe.show_message(PAUSED)
        if not self._busy:
            self.read_network()

    def on_event(self, event: Any) -> None:
        if not isinstance(event, Snapshot):
            return
        inspector, when = self.inspector, moment(event.epoch, event.step)
        if "parameters" in event.data:
            inspector.show_current(event.data["parameters"], when + self._note())
        typed = event.data.get("typed") or {}
        if typed.get("index") == self.request and self.typed is not None:
            inspector.probe.show_values(typed["values"], caption(when + self._note()))
            self._tell(typed["values"])

    # ----- from the inspector -----------------------------------------------------------
    def evaluate(self, numbers: list[float], data_units: bool) -> None:
        """Show every unit's value for a typed input: now, or with the next snapshot."""
        self.typed = (list(numbers), bool(data_units))
        self.request += 1
        session, probe = self.session(), self.inspector.probe
        if session is None:
            probe.show_message("There is no network to evaluate yet: the design cannot train "
                               "on this data (see the canvas).", error=True)
            return
        try:
            x = session.typed_input(numbers, data_units)
        except DataError as exc:
            probe.show_message(str(exc), error=True)
            return
        session.probe_input(self.request, x)
        if self._busy:
            probe.show_message(PAUSED if self.controller.state == "paused" else PENDING)
        else:
            self._show_typed()

    # ----- with no run ----------------------------------------------------------------------
    def read_network(self) -> None:
        """Read the (idle) session's network: its parameters, and the typed input's values."""
        session, inspector = self.session(), self.inspector
        inspector.probe.set_preprocessing(
            None if session is None else session.spec.training.preprocessing)
        if session is None:
            inspector.show_current(None)
            if self.typed is not None:
                inspector.probe.show_message("There is no network to evaluate yet: the design "
                                             "cannot train on this data (see the canvas).",
                                             error=True)
            return
        trainer = session.trainer
        inspector.show_current(parameter_values(session.network),
                               moment(trainer.epoch, trainer.step))
        if self.typed is not None:
            numbers, data_units = self.typed
            try:
                session.probe_input(self.request, session.typed_input(numbers, data_units))
            except DataError as exc:
                inspector.probe.show_message(str(exc), error=True)
                return
            self._show_typed()

    def _show_typed(self) -> None:
        session = self.session()
        if session is None or self._busy:   # the worker owns the network: never read it here
            return
        result = session.typed_values()
        trainer = session.trainer
        self.inspector.probe.show_values(
            result["values"], caption(moment(trainer.epoch, trainer.step)))
        self._tell(result["values"])

    def _tell(self, values: Any) -> None:
        for listener in self.typed_shown:
            listener(values)
