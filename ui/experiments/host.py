"""What the experiments window uses of the main window: its design and data as they are now,
the undo stack that applies a search's best setting, and its controller (one run at a time)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoStack

from simulator.data import Dataset
from simulator.spec import NetworkSpec
from ui.training.controller import TrainingController


@dataclass(frozen=True)
class MainDesign:
    #: The design on screen (another object once another design is opened).
    spec: Callable[[], NetworkSpec]
    #: The data it trains on, None before any was chosen.
    dataset: Callable[[], Dataset | None]
    stack: QUndoStack
    #: The main window's own training: an experiment runs only while it is idle.
    controller: TrainingController
