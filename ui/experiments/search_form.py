"""The search's inputs: grid or random, up to two hyper-parameters and their values, k folds.

Each hyper-parameter's tooltip is its help text (:mod:`ui.editors.help_texts`), the same as in
the inspector and the training settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from simulator.errors import SpecError
from simulator.experiments.tuning import grid_candidates, random_candidates
from ui.editors.help_texts import option_help, tooltip
from ui.experiments.knobs import Knob
from ui.style.scaled import styled

NONE = "(none)"
#: The most candidates a grid may have (each is trained k times).
MAX_CANDIDATES = 60


@dataclass
class SearchSetup:
    knobs: list[Knob]                   # the chosen ones (1 or 2), in display order
    settings: list[dict[str, Any]]      # the candidates, as {knob key: value}
    k: int
    grid: list[list[Any]] | None        # each knob's values, for a grid search


class SearchForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.knobs: dict[str, Knob] = {}
        self.grid_button = QRadioButton("Grid (every combination)")
        self.random_button = QRadioButton("Random search")
        self.grid_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.grid_button)
        group.addButton(self.random_button)
        self.trials = _spin(2, 100, 10, "candidates drawn at random")
        self.folds = _spin(2, 10, 3, "each candidate is trained k times, on k-1 folds, and "
                                     "scored on the fold it did not see")
        self.combos = [QComboBox(), QComboBox()]
        self.values = [QLineEdit(), QLineEdit()]
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        styled(self.hint, "color: #555555;")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        mode = QHBoxLayout()
        for widget in (self.grid_button, self.random_button, QLabel("   Trials:"), self.trials,
                       QLabel("   Folds k:"), self.folds):
            mode.addWidget(widget)
        mode.addStretch(1)
        grid.addLayout(mode, 0, 0, 1, 3)
        for row, (combo, edit) in enumerate(zip(self.combos, self.values, strict=True), 1):
            combo.setMinimumContentsLength(18)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            grid.addWidget(QLabel(f"Parameter {row}:"), row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(edit, row, 2)
            combo.currentIndexChanged.connect(lambda _i, r=row - 1: self._fill(r))
        grid.addWidget(self.hint, 3, 0, 1, 3)
        grid.setColumnStretch(2, 1)
        self.grid_button.toggled.connect(self._mode_changed)
        self._mode_changed()

    @property
    def is_grid(self) -> bool:
        return self.grid_button.isChecked()

    def set_knobs(self, knobs: list[Knob]) -> None:
        """Offer ``knobs`` (the current design's); keep the choices that still exist."""
        if [k.key for k in knobs] == list(self.knobs) and all(
                self.knobs[k.key].current == k.current for k in knobs):
            return
        self.knobs = {knob.key: knob for knob in knobs}
        for row, combo in enumerate(self.combos):
            chosen = combo.currentData() or ("learning_rate" if row == 0 else None)
            combo.blockSignals(True)
            combo.clear()
            if row == 1:
                combo.addItem(NONE, None)
            for knob in knobs:
                combo.addItem(knob.label, knob.key)
                combo.setItemData(combo.count() - 1, tooltip(option_help(knob.option)),
                                  Qt.ItemDataRole.ToolTipRole)
            index = combo.findData(chosen) if chosen else -1
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
            self._fill(row)

    def choose(self, row: int, key: str | None, text: str | None = None) -> None:
        """Pick a knob (by key) for a row, and optionally its values."""
        self.combos[row].setCurrentIndex(self.combos[row].findData(key))
        if text is not None:
            self.values[row].setText(text)

    def _mode_changed(self) -> None:
        self.trials.setEnabled(not self.is_grid)
        self.hint.setText(
            "Grid: type the values to try, separated by commas."
            if self.is_grid else
            "Random: type 'low, high' for numbers (learning rate and L2 are drawn "
            "log-uniformly) or a list of choices for the optimizer.")
        for row in range(len(self.combos)):
            self._fill(row)

    def _fill(self, row: int) -> None:
        knob = self.knobs.get(self.combos[row].currentData() or "")
        edit = self.values[row]
        edit.setEnabled(knob is not None)
        help_text = tooltip(option_help(knob.option)) if knob is not None else ""
        self.combos[row].setToolTip(help_text)
        edit.setToolTip(help_text)
        if knob is None:
            edit.clear()
            edit.setPlaceholderText("")
            return
        edit.setText(knob.grid_text() if self.is_grid else knob.range_text())
        edit.setPlaceholderText("values, e.g. 0.001, 0.01" if self.is_grid else "low, high")

    def setup(self, seed: int) -> SearchSetup:
        """The candidates to try, from what was typed (a SpecError says what is wrong)."""
        chosen = [(self.knobs[combo.currentData()], edit.text())
                  for combo, edit in zip(self.combos, self.values, strict=True)
                  if combo.currentData() in self.knobs]
        if not chosen:
            raise SpecError("pick a hyper-parameter to search")
        if len(chosen) == 2 and chosen[0][0].key == chosen[1][0].key:
            raise SpecError("pick two different hyper-parameters (or '(none)' for the second)")
        knobs = [knob for knob, _ in chosen]
        if self.is_grid:
            grid = [knob.grid_values(text) for knob, text in chosen]
            count = 1
            for values in grid:
                count *= len(values)
            if count > MAX_CANDIDATES:
                raise SpecError(f"the grid has {count} combinations; keep it to "
                                f"{MAX_CANDIDATES} or fewer (or use a random search)")
            order = {knob.key: values for knob, values in zip(knobs, grid, strict=True)}
            settings = [{k.key: c[k.key] for k in knobs} for c in grid_candidates(order)]
            return SearchSetup(knobs, settings, self.folds.value(), grid)
        space = {knob.key: knob.distribution(text) for knob, text in chosen}
        settings = random_candidates(space, self.trials.value(), seed)
        return SearchSetup(knobs, settings, self.folds.value(), None)


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setToolTip(tip)
    return spin
