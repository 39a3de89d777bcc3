"""What the experiments window asks of each of its modes (search, cross-validation, ensemble)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from simulator.spec import NetworkSpec
from ui.experiments.plan import Plan, RunContext


class ExperimentView(QWidget):
    """One mode: its inputs, and its results drawn from the events of its run."""

    title = "Experiment"
    #: A line for the window's status bar: (text, is it a problem).
    message = Signal(str, bool)

    def refresh(self, design: NetworkSpec) -> None:
        """The design changed (or the window came forward): offer what fits it."""

    def plan(self, context: RunContext) -> Plan:
        """Clear the old results and return the run to start (in the GUI thread; raise a
        typed engine error for a bad input)."""
        raise NotImplementedError

    def on_event(self, event: Any) -> None:
        """A result from the worker (FoldScore, Trial, MemberTrained, Ensemble)."""

    def finish(self, stopped: bool) -> None:
        """The run ended (``stopped``: on the teacher's request)."""
