"""A sample clicked in the dataset view, shown in the feature-map panel with every layer's output.

While a run is under way (running or paused) the worker thread owns the network: the sample is
only handed to the session's ``chosen`` probe, and the next snapshot brings its outputs. With
no run, the one forward pass is made at once in the GUI thread; a sample still waiting when a
run ends is measured then.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from ui.panels.activations_panel import ActivationsPanel
from ui.panels.data_panel import DataPanel
from ui.training.controller import TrainingController
from ui.training.session import TrainingSession

PAUSED = "Training is paused: this sample's layer outputs appear when it resumes."


class SampleLink(QObject):
    def __init__(self, data: DataPanel, maps: ActivationsPanel, controller: TrainingController,
                 session: Callable[[], TrainingSession | None],
                 bring_forward: Callable[[], None]) -> None:
        super().__init__(controller)
        self.maps, self.controller = maps, controller
        self.session, self.bring_forward = session, bring_forward
        data.sample_chosen.connect(self.show_sample)
        controller.state_changed.connect(self._on_state)

    def show_sample(self, index: int) -> None:
        """Show dataset sample ``index`` in the feature-map panel, and bring the panel forward."""
        session = self.session()
        if session is None:
            return
        running = self.controller.running
        waiting = PAUSED if self.controller.state == "paused" else ""
        self.maps.pick(session, index, evaluate=not running, waiting=waiting)
        self.bring_forward()

    def _on_state(self, state: str) -> None:
        """A run ended (or was reset) before its snapshots brought the picked sample's outputs:
        compute them now that no worker trains the network."""
        picked, session = self.maps.picked, self.session()
        if state != "idle" or self.controller.running or picked is None or session is None:
            return
        chosen = session.chosen.get()
        if picked.outputs is None and chosen is not None and chosen[0] == picked.index:
            self.maps.pick(session, picked.index, evaluate=True)
