"""The Data tab: shape a generated 2-D set and choose the class of the points a click adds.

For the built-in sets that generate 2-D points (:func:`shapeable`: circles, xor, blobs, spiral,
moons, surface) it offers the noise level and the number of points, each a slider beside a
spin box that shows the value, and Regenerate (the next seed); for any data the
train/validation ratio; and, for 2-D classification data, the class of the points a click on
the Decision boundary plot adds. The spin boxes hold the whole range the engine accepts
(:data:`simulator.data.options.N_MAX`, :data:`~simulator.data.options.NOISE_MAX`,
:data:`simulator.config.VALIDATION_SPLIT_MAX`); each slider covers the part of it that suits a
class, within it. The tab only says what the user chose (``option_chosen``,
``validation_chosen``): the window's data hookup (:mod:`ui.shell.data_hookup`) turns each into
one undo command, and every value shown comes from :meth:`DataControls.show_data`, silently.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from simulator.config import VALIDATION_SPLIT_MAX
from simulator.data import BuiltinInfo, Dataset, builtin_datasets
from simulator.data.options import N_MAX, NOISE_MAX, fewest_samples
from simulator.io import DatasetChoice
from ui.editors.help_texts import tooltip
from ui.style.scaled import styled
from ui.style.theme import class_color

#: The generator options the tab shapes (a built-in needs all three to be shapeable).
SHAPED = ("n", "noise", "seed")
#: The slider's part of each range (the spin box beside it takes the whole range).
NOISE_SLIDER_MAX = 1.0
POINTS_SLIDER_MAX = 2000
VALIDATION_STEP = 0.05
EDIT_HINT = ("Click the Decision boundary plot to add a point of this class; right-click a "
             "point to remove it; Ctrl+click to evaluate the network at that spot (Layer tab).")


def shapeable(source: str | None) -> BuiltinInfo | None:
    """The built-in 2-D generator called ``source``, or None for any other data."""
    info = builtin_datasets().get(source or "")
    if info is None or info.sample_shape != (2,) or not set(SHAPED) <= set(info.defaults):
        return None
    return info


def editable(dataset: Dataset | None) -> bool:
    """Whether points can be added to ``dataset`` by clicking: 2-D classification data."""
    return (dataset is not None and dataset.task == "classification"
            and dataset.sample_shape == (2,) and dataset.n_classes >= 2)


class SliderSpin(QWidget):
    """A slider and a spin box showing one value; ``committed`` when the user settles on a
    new one (a slider on release or a key, the spin box on an arrow or Enter)."""

    committed = Signal(float)

    def __init__(self, spin: QSpinBox | QDoubleSpinBox, slider_steps: int,
                 to_value: Callable[[int], float], to_step: Callable[[float], int]) -> None:
        super().__init__()
        self.spin, self.to_value, self.to_step = spin, to_value, to_step
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, slider_steps)
        self.slider.setPageStep(max(1, slider_steps // 10))
        self.slider.setTracking(False)   # valueChanged once, when the drag ends
        self.slider.sliderMoved.connect(lambda step: self._preview(step))
        self.slider.valueChanged.connect(lambda step: self._commit(self.to_value(step)))
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(lambda value: self._commit(float(value)))
        spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.slider, 1)
        row.addWidget(spin)
        self.shown: float | None = None

    def show_value(self, value: float) -> None:
        self.shown = float(value)
        with QSignalBlocker(self.spin), QSignalBlocker(self.slider):
            self._set_spin(value)
            self.slider.setValue(self.to_step(value))

    def _set_spin(self, value: float) -> None:
        if isinstance(self.spin, QSpinBox):
            self.spin.setValue(round(value))
        else:
            self.spin.setValue(value)

    def _preview(self, step: int) -> None:
        with QSignalBlocker(self.spin):     # the number follows the drag; nothing is pushed
            self._set_spin(self.to_value(step))

    def _commit(self, value: float) -> None:
        if self.shown is not None and abs(value - self.shown) < 1e-12:
            return
        self.committed.emit(value)


class DataControls(QWidget):
    option_chosen = Signal(str, object)     # a generator option ("n", "noise", "seed"), value
    validation_chosen = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        noise = QDoubleSpinBox()
        noise.setRange(0.0, NOISE_MAX)
        noise.setDecimals(2)
        noise.setSingleStep(0.01)
        self.noise = SliderSpin(noise, 100, lambda s: s * NOISE_SLIDER_MAX / 100,
                                lambda v: round(min(v, NOISE_SLIDER_MAX) * 100 / NOISE_SLIDER_MAX))
        self.noise.setToolTip(tooltip(
            "How far the points are jittered from their pattern (the standard deviation of "
            "Gaussian noise). The slider covers 0 to 1; the box takes up to "
            f"{NOISE_MAX:g}. Every point you added or removed by hand is kept."))
        self.noise.committed.connect(lambda v: self.option_chosen.emit("noise", round(v, 6)))
        points = QSpinBox()
        points.setRange(1, N_MAX)
        points.setSingleStep(10)
        self.points = SliderSpin(points, POINTS_SLIDER_MAX, float, lambda v: round(v))
        self.points.setToolTip(tooltip(
            f"How many points are generated, shared between the classes. The slider covers up "
            f"to {POINTS_SLIDER_MAX}; the box takes up to {N_MAX:,}. Points added by hand are "
            "kept; the ones removed by hand come back (they were points of another draw)."))
        self.points.committed.connect(lambda v: self.option_chosen.emit("n", int(v)))
        validation = QDoubleSpinBox()
        validation.setDecimals(2)
        validation.setSingleStep(VALIDATION_STEP)
        validation.setRange(0.0, VALIDATION_SPLIT_MAX - 0.01)   # the bound itself is excluded
        steps = int(round((VALIDATION_SPLIT_MAX - VALIDATION_STEP) / VALIDATION_STEP))
        self.validation = SliderSpin(validation, steps, lambda s: s * VALIDATION_STEP,
                                     lambda v: round(v / VALIDATION_STEP))
        self.validation.setToolTip(tooltip(
            "The fraction of the data held out for validation, never trained on (triangles on "
            "the Decision boundary plot). Points added by hand are always training points."))
        self.validation.committed.connect(lambda v: self.validation_chosen.emit(round(v, 6)))
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip(tooltip(
            "Draw the points again with the next seed (the same pattern, other points). "
            "Points added by hand are kept; the ones removed by hand come back. Undo (Ctrl+Z) "
            "brings back the points before."))
        self.regenerate.clicked.connect(self._regenerate)
        self.seed_label = styled(QLabel(), "color: #444444;")
        self.seed_row = seed_row = QHBoxLayout()
        seed_row.addWidget(self.regenerate)
        seed_row.addWidget(self.seed_label, 1)
        self.point_class_box = QComboBox()
        self.point_class_box.setToolTip(tooltip(EDIT_HINT))
        self.edit_hint = styled(QLabel(EDIT_HINT), "color: #444444;")
        self.edit_hint.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.addRow("Noise", self.noise)
        self.form.addRow("Points", self.points)
        self.form.addRow("", seed_row)
        self.form.addRow("Validation", self.validation)
        self.form.addRow("Add points of", self.point_class_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addLayout(self.form)
        layout.addWidget(self.edit_hint)
        layout.addStretch(1)
        self.seed = 0
        self._align_spins()
        self.show_data(None, None, 0.2)

    def _align_spins(self) -> None:
        """One width for the three spin boxes (the widest's), so the sliders line up."""
        spins = [row.spin for row in (self.noise, self.points, self.validation)]
        for spin in spins:
            spin.setMinimumWidth(0)
        width = max(spin.sizeHint().width() for spin in spins)
        for spin in spins:
            spin.setMinimumWidth(width)

    def changeEvent(self, event: QEvent) -> None:
        """A new application font (presentation mode): the spin boxes' width follows it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._align_spins()

    # ----- what is shown -----------------------------------------------------------------
    def show_data(self, dataset: Dataset | None, choice: DatasetChoice | None,
                  validation_split: float) -> None:
        """Show the data on screen and the design's validation split; emits nothing."""
        info = shapeable(choice.source if choice is not None else None)
        options = {**info.defaults, **choice.options} if info and choice else {}
        for row in (self.noise, self.points, self.seed_row):
            self.form.setRowVisible(row, info is not None)
        if info is not None:
            points = self.points.spin
            assert isinstance(points, QSpinBox)
            with QSignalBlocker(points):      # a range that moves the value is no user's edit
                points.setRange(fewest_samples(options.get(
                    "classes", 2 if info.task == "classification" else None)), N_MAX)
            self.noise.show_value(float(options["noise"]))
            self.points.show_value(float(options["n"]))
            self.seed = int(options["seed"])
            self.seed_label.setText(f"seed {self.seed}")
        self.validation.show_value(validation_split)
        can_edit = editable(dataset)
        self.form.setRowVisible(self.point_class_box, can_edit)
        self.edit_hint.setVisible(can_edit)
        if can_edit and dataset is not None:
            self._show_classes(dataset.class_names)
        self.caption.setText(_caption(dataset, choice, info))

    def _show_classes(self, names: list[str]) -> None:
        keep = self.point_class_box.currentIndex()
        with QSignalBlocker(self.point_class_box):
            self.point_class_box.clear()
            for i, name in enumerate(names):
                swatch = QPixmap(12, 12)
                swatch.fill(QColor(*class_color(i)))
                self.point_class_box.addItem(QIcon(swatch), f"class {name}", i)
            self.point_class_box.setCurrentIndex(keep if 0 <= keep < len(names) else 0)

    def point_class(self) -> int:
        """The class a click adds (0 when none is offered)."""
        return max(self.point_class_box.currentIndex(), 0)

    def _regenerate(self) -> None:
        self.option_chosen.emit("seed", self.seed + 1)


def _caption(dataset: Dataset | None, choice: DatasetChoice | None,
             info: BuiltinInfo | None) -> str:
    if dataset is None or choice is None:
        return "No data yet: choose a dataset in the toolbar."
    text = f"<b>{dataset.name}</b>: {len(dataset)} points"
    note = choice.edits.describe()
    if note:
        text += f" ({note})"
    if info is None:
        text += ("<br>Noise, number of points and Regenerate are for the generated 2-D sets "
                 "(circles, xor, blobs, spiral, moons, surface).")
    return text
