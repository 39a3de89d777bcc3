"""Data a teacher can shape, in the main window: the Data tab's controls, points added and
removed by clicking the Decision boundary plot, and Ctrl+click to evaluate the network there.

Every change of the data is one :class:`~ui.design.data_commands.SetData` undo command, made
only after the new data loaded (a value the generator refuses leaves the data as it was and
says why); the window's ``show`` puts the data on screen and starts a fresh session on it, as a
new dataset choice does, so a trained run never silently mixes with other data. The
validation split is the design's own setting (a :class:`~ui.design.commands.SetTraining`).

The boundary plot draws the network's inputs (the data after the run's preprocessing), so a
point added there is mapped back to the data's units
(:meth:`~simulator.data.preprocessing.Preprocessor.inverse_transform`) before it is stored,
and a probed point is the network's input as clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel

from simulator.config import TrainingConfig
from simulator.data import Dataset
from simulator.errors import BackpropError
from simulator.io import DatasetChoice
from simulator.spec import NetworkSpec
from ui.design.commands import SetTraining
from ui.design.data_commands import SetData
from ui.editors.data_controls import EDIT_HINT, DataControls, editable, shapeable
from ui.editors.input_probe import InputProbe
from ui.panels.boundary_panel import BoundaryPanel
from ui.panels.parts.point_editing import PointEditor
from ui.shell.errors import describe
from ui.training.session import TrainingSession

OPTION_NAMES = {"n": "number of points", "noise": "noise", "seed": "seed"}


@dataclass(frozen=True)
class DataHost:
    """What the hookup reads and changes of the window."""

    stack: QUndoStack
    spec: Callable[[], NetworkSpec]
    data: Callable[[], tuple[Dataset | None, DatasetChoice | None]]
    #: Put data on screen (and start a fresh session on it).
    show: Callable[[Dataset | None, DatasetChoice | None], None]
    session: Callable[[], TrainingSession | None]
    status: QLabel
    #: Bring the inspector's "Evaluate an input" box into view.
    show_probe: Callable[[], None]
    #: Asks before a trained run is thrown away (False: the user kept it).
    confirm: Callable[[], bool]


class DataHookup:
    def __init__(self, controls: DataControls, host: DataHost, boundary: BoundaryPanel,
                 probe: InputProbe, session_changed: SignalInstance) -> None:
        self.controls, self.host, self.boundary, self.probe = controls, host, boundary, probe
        self.editor = PointEditor(boundary.plot.getPlotItem())
        boundary.plot.setToolTip(EDIT_HINT)
        controls.option_chosen.connect(self.set_option)
        controls.validation_chosen.connect(self.set_validation)
        self.editor.add_requested.connect(self.add_point)
        self.editor.remove_requested.connect(self.remove_point)
        self.editor.probe_requested.connect(self.probe_at)
        session_changed.connect(self.on_session)

    # ----- what is on screen -------------------------------------------------------------
    def on_session(self, session: TrainingSession | None) -> None:
        dataset, choice = self.host.data()
        self.controls.show_data(dataset, choice, self.host.spec().training.validation_split)
        self.editor.positions = self._plotted(session)

    def _plotted(self, session: TrainingSession | None) -> np.ndarray | None:
        """Where the boundary plot draws each sample of the data (in the data's order)."""
        if session is None or session.grid_bounds is None or not editable(session.dataset):
            return None
        inputs = session.as_network_input(session.dataset.x)
        return np.asarray(inputs, dtype=np.float64).reshape(len(inputs), -1)[:, :2]

    # ----- changes ----------------------------------------------------------------------
    def _kept(self) -> bool:
        """True when a trained run that the change would throw away is to be kept: the
        controls then show the data as they are."""
        if self.host.confirm():
            return False
        dataset, choice = self.host.data()
        self.controls.show_data(dataset, choice, self.host.spec().training.validation_split)
        return True

    def _push(self, dataset: Dataset, choice: DatasetChoice, text: str) -> None:
        if self._kept():
            return
        self.host.stack.push(SetData(self.host.show, self.host.data(), (dataset, choice), text))

    def set_option(self, name: str, value: object) -> None:
        """Generate the data again with one option changed: one undo step."""
        old_dataset, old = self.host.data()
        if old is None or shapeable(old.source) is None:
            return
        # Another noise level jitters the same points; another seed or size draws others.
        edits = old.edits if name == "noise" else old.edits.added_only()
        choice = DatasetChoice(old.source, {**old.options, name: value}, edits)
        try:
            dataset = choice.load()
        except BackpropError as exc:
            self.host.status.setText(f"Cannot change the {OPTION_NAMES[name]}: {describe(exc)}")
            self.controls.show_data(old_dataset, old,
                                    self.host.spec().training.validation_split)
            return
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        self._push(dataset, choice, f"Set the data's {OPTION_NAMES[name]} to {shown}"
                   if name != "seed" else f"Regenerate the data (seed {shown})")

    def set_validation(self, fraction: float) -> None:
        spec = self.host.spec()
        try:
            training = TrainingConfig.from_dict({**spec.training.to_dict(),
                                                 "validation_split": fraction})
        except BackpropError as exc:
            self.host.status.setText(f"Cannot set the validation split: {describe(exc)}")
            return
        if self._kept():
            return
        self.host.stack.push(SetTraining(spec, training,
                                         f"Set the validation split to {fraction:g}"))

    def add_point(self, x: float, y: float) -> None:
        """Add a point of the chosen class where the boundary plot was clicked."""
        session = self.host.session()
        dataset, choice = self.host.data()
        if session is None or dataset is None or choice is None or not editable(dataset) \
                or session.grid_bounds is None:
            self.host.status.setText("Points can be added to 2-D classification data that the "
                                     "design can train on (see the canvas).")
            return
        point = np.array([[x, y]], dtype=np.float64)
        if session.preprocessor is not None:
            point = session.preprocessor.inverse_transform(point)
        label = self.controls.point_class()
        new = DatasetChoice(choice.source, dict(choice.options), choice.edits.add(point, label))
        try:
            edited = new.load()
        except BackpropError as exc:
            self.host.status.setText(f"Cannot add the point: {describe(exc)}")
            return
        shown = ", ".join(f"{v:.3g}" for v in point.reshape(-1))
        self._push(edited, new, f"Add a point of class {dataset.class_names[label]} at "
                                f"({shown})")
        self.host.status.setText(f"Added a point of class {dataset.class_names[label]} at "
                                 f"({shown}); Ctrl+Z takes it back.")

    def remove_point(self, index: int) -> None:
        """Remove sample ``index`` of the data on screen (the one right-clicked)."""
        dataset, choice = self.host.data()
        if dataset is None or choice is None:
            return
        try:
            loaded = len(dataset) + len(choice.edits.removed) - len(choice.edits.added_x)
            new = DatasetChoice(choice.source, dict(choice.options),
                                choice.edits.remove(index, loaded))
            edited = new.load()
        except BackpropError as exc:
            self.host.status.setText(f"Cannot remove the point: {describe(exc)}")
            return
        self._push(edited, new, f"Remove point {index + 1} of the data")
        self.host.status.setText(f"Removed a point of class "
                                 f"{dataset.class_names[int(dataset.y[index])]}; Ctrl+Z brings "
                                 "it back.")

    def probe_at(self, x: float, y: float) -> None:
        """Evaluate the network at the clicked network input, in the inspector."""
        session = self.host.session()
        if session is None:
            self.host.status.setText("There is no network to evaluate yet: the design cannot "
                                     "train on this data (see the canvas).")
            return
        if session.grid_bounds is None:     # a fitted curve: its plot is not the input plane
            self.host.status.setText("Ctrl+click evaluates a network with 2 inputs at a point "
                                     "of its Decision boundary plot; type an input in the "
                                     "Layer tab's \"Evaluate an input\" instead.")
            return
        self.host.show_probe()
        self.probe.evaluate([x, y])
        self.host.status.setText(f"Evaluating the network at ({x:.3g}, {y:.3g}): every unit's "
                                 "value is in the Layer tab.")
