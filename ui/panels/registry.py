"""The live panels the main window shows, in order."""

from __future__ import annotations

from ui.panels.base import Panel
from ui.panels.boundary_panel import BoundaryPanel
from ui.panels.loss_panel import LossPanel


def default_panels() -> list[Panel]:
    """A fresh instance of every live panel, in display order."""
    return [LossPanel(), BoundaryPanel()]
