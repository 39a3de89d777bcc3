"""The live panels the main window shows, in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from ui.panels.accuracy_panel import AccuracyPanel
from ui.panels.activations_panel import ActivationsPanel
from ui.panels.base import Panel
from ui.panels.boundary_panel import BoundaryPanel
from ui.panels.confusion_panel import ConfusionPanel
from ui.panels.data_panel import DataPanel
from ui.panels.gradients_panel import GradientsPanel
from ui.panels.loss_panel import LossPanel
from ui.panels.lr_panel import LearningRatePanel
from ui.panels.step_panel import StepPanel
from ui.panels.weights_panel import WeightsPanel

P = TypeVar("P", bound=Panel)


def default_panels() -> list[Panel]:
    """A fresh instance of every live panel, in display order.

    The curves first (loss, then the boundary the loss is about), then accuracy and its
    confusion matrix, the learning rate, the inside of the network (weights, gradients,
    feature maps), the data, and one training instance taken apart (step through).
    """
    return [
        LossPanel(),
        BoundaryPanel(),
        AccuracyPanel(),
        ConfusionPanel(),
        LearningRatePanel(),
        WeightsPanel(),
        GradientsPanel(),
        ActivationsPanel(),
        DataPanel(),
        StepPanel(),
    ]


def find_panel(panels: Sequence[Panel], kind: type[P]) -> P:
    """The first panel of type ``kind`` (a KeyError names it when there is none)."""
    for panel in panels:
        if isinstance(panel, kind):
            return panel
    raise KeyError(f"no {kind.__name__} among the panels")
