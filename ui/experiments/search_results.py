"""The search's results as they come: one table row per candidate, and a plot beside it.

A row appears when the candidate's first fold is scored and fills in fold by fold; its mean
comes with the finished trial. The plot shows every trial's score, or for a grid of two
hyper-parameters a heat map of the mean scores. The best trial's row is highlighted.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from simulator.experiments.tuning import FoldScore, Trial
from ui.experiments.charts import ScoreHeatMap, TrialScorePlot
from ui.experiments.knobs import format_setting
from ui.experiments.plan import format_score, metric_name
from ui.experiments.search_form import SearchSetup
from ui.experiments.tables import fit_table, number_item, results_table
from ui.style.theme import themed_color

BEST_BACKGROUND = QColor("#ffe7a8")


class SearchResults(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = results_table([])
        self.trial_plot = TrialScorePlot()
        self.heat_map = ScoreHeatMap()
        self.plots = QStackedWidget()
        self.plots.addWidget(self.trial_plot)
        self.plots.addWidget(self.heat_map)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.plots)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.setup: SearchSetup | None = None
        self.score_metric = "val_accuracy"
        self.rows: dict[int, int] = {}            # trial index -> table row
        self.folds: dict[int, list[float]] = {}
        self.trials: dict[int, Trial] = {}
        self.best: int | None = None

    # ----- a new search ---------------------------------------------------------------
    def start(self, setup: SearchSetup, metric: str) -> None:
        self.setup, self.score_metric = setup, metric
        self.rows, self.folds, self.trials, self.best = {}, {}, {}, None
        name = metric_name(metric)
        headers = ["#", *(k.label for k in setup.knobs), f"mean {name}",
                   *(f"fold {i + 1}" for i in range(setup.k))]
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.trial_plot.getPlotItem().setLabel("left", f"{name} (held-out fold)")
        grid = setup.grid if setup.grid is not None and len(setup.grid) == 2 else None
        if grid is not None:
            self.heat_map.set_axes(setup.knobs[0].label, [format_setting(v) for v in grid[0]],
                                   setup.knobs[1].label, [format_setting(v) for v in grid[1]])
        self.plots.setCurrentWidget(self.heat_map if grid is not None else self.trial_plot)
        self._redraw_trials()
        fit_table(self.splitter, self.table)

    @property
    def uses_heat_map(self) -> bool:
        return self.plots.currentWidget() is self.heat_map

    # ----- events ---------------------------------------------------------------------
    def on_fold(self, fold: FoldScore) -> None:
        row = self._row(fold.trial)
        self.folds.setdefault(fold.trial, []).append(fold.score)
        first_fold_column = 2 + len(self.setup.knobs) if self.setup else 0
        self._set(row, first_fold_column + fold.fold, format_score(fold.score, self.score_metric))
        self._redraw_trials()
        fit_table(self.splitter, self.table)

    def on_trial(self, trial: Trial) -> None:
        self.trials[trial.index] = trial
        row = self._row(trial.index)
        self._set(row, 1 + len(self.setup.knobs) if self.setup else 0,
                  format_score(trial.score, self.score_metric), bold=True)
        cell = self._cell(trial.index)
        if cell is not None:
            self.heat_map.set_score(*cell, trial.score, self.score_metric)
        self._redraw_trials()

    def mark_best(self, index: int | None) -> None:
        self.best = index
        for trial, row in self.rows.items():
            for column in range(self.table.columnCount()):
                item = self.table.item(row, column)
                if item is not None:
                    item.setBackground(QBrush(themed_color(BEST_BACKGROUND))
                                       if trial == index else QBrush())
        cell = self._cell(index) if index is not None else None
        self.heat_map.mark_best(*(cell or (None, None)))
        self._redraw_trials()

    # ----- helpers --------------------------------------------------------------------
    def _row(self, trial: int) -> int:
        if trial not in self.rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.rows[trial] = row
            self._set(row, 0, str(trial + 1))
            if self.setup is not None:
                setting = self.setup.settings[trial]
                for column, knob in enumerate(self.setup.knobs, 1):
                    self._set(row, column, format_setting(setting[knob.key]))
            first = self.table.item(row, 0)
            if first is not None:
                self.table.scrollToItem(first)
        return self.rows[trial]

    def _set(self, row: int, column: int, text: str, bold: bool = False) -> None:
        item = number_item(text, bold)
        if self.best is not None and self.rows.get(self.best) == row:
            item.setBackground(QBrush(themed_color(BEST_BACKGROUND)))
        self.table.setItem(row, column, item)

    def _cell(self, trial: int) -> tuple[int, int] | None:
        """(column, row) of ``trial`` in the heat map, or None without one."""
        if not self.uses_heat_map or self.setup is None or self.setup.grid is None:
            return None
        setting: dict[str, Any] = self.setup.settings[trial]
        first, second = self.setup.knobs
        return (self.setup.grid[0].index(setting[first.key]),
                self.setup.grid[1].index(setting[second.key]))

    def _redraw_trials(self) -> None:
        fold_x, fold_y, mean_x, mean_y = [], [], [], []
        for trial, scores in self.folds.items():
            fold_x += [trial + 1.0] * len(scores)
            fold_y += scores
        for index, result in self.trials.items():
            mean_x.append(index + 1.0)
            mean_y.append(result.score)
        best = self.trials.get(self.best) if self.best is not None else None
        point = (best.index + 1.0, best.score) if best and math.isfinite(best.score) else None
        self.trial_plot.show_scores(fold_x, fold_y, mean_x, mean_y, point)
