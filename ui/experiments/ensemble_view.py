"""Ensemble mode: bagging or boosting with N members. Each member's own accuracy beside the
accuracy of the ensemble so far (the ensemble should climb above its members), and the weight
α of each member's vote. Members train on the training part; every accuracy is measured on
held-out data: the validation split, or for bagging without one the out-of-bag samples."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from simulator.errors import DataError, SpecError
from simulator.experiments.ensembles import (
    OUT_OF_BAG,
    Ensemble,
    MemberTrained,
    bagging_steps,
    boosting_steps,
)
from ui.experiments.plan import Plan, RunContext
from ui.experiments.tables import fit_table, number_item, results_table
from ui.experiments.view import ExperimentView
from ui.style.scaled import scaled_label_css, scaled_lines, styled
from ui.style.theme import COLORS, add_legend, axis_label, style_plot

METHODS = {
    "Bagging: bootstrap samples, equal votes": "bagging",
    "Boosting (AdaBoost): focus on the mistakes, weighted votes": "boosting",
}
HEADERS = ["member", "its held-out accuracy", "ensemble so far", "vote weight α"]
#: The y-axis title, by what the accuracies were measured on.
SCORED_ON = {"validation": "accuracy on the validation split",
             OUT_OF_BAG: "accuracy out of bag (samples a member never saw)"}


class EnsembleView(ExperimentView):
    title = "Ensemble"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.method_box = QComboBox()
        self.method_box.addItems(list(METHODS))
        self.members_box = QSpinBox()
        self.members_box.setRange(1, 25)
        self.members_box.setValue(5)
        inputs = QHBoxLayout()
        inputs.addWidget(QLabel("Method:"))
        inputs.addWidget(self.method_box)
        inputs.addWidget(QLabel("   Members N:"))
        inputs.addWidget(self.members_box)
        tip = QLabel("Fewer epochs per run make weaker members: the vote then helps more.")
        styled(tip, "color: #555555;")
        inputs.addWidget(tip, 1)
        self.summary = QLabel("Run an ensemble of copies of the current design.")
        self.summary.setWordWrap(True)
        scaled_label_css(self.summary, 13, "font-weight: bold;")
        self.plot = pg.PlotWidget()
        style_plot(self.plot, bottom="members", left="accuracy on held-out data")
        self.plot.setMinimumHeight(220)
        add_legend(self.plot, offset=(10, 10))   # top left: the ensemble curve rises away from it
        self.member_points = scaled_lines(self.plot.plot(
            pen=None, symbol="s", symbolSize=11, symbolBrush=(140, 140, 140),
            symbolPen=None, name="each member alone"))
        self.ensemble_curve = scaled_lines(self.plot.plot(
            pen=pg.mkPen(COLORS["accent"], width=3), symbol="o", symbolSize=10,
            symbolBrush=COLORS["accent"], symbolPen=None, name="ensemble of members 1…n"))
        self.plot.getAxis("bottom").setTickSpacing(major=1, minor=1)
        self.table = results_table(HEADERS)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.plot)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(inputs)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.members: list[MemberTrained] = []
        self.method = "bagging"
        self.n_members = 0

    def plan(self, context: RunContext) -> Plan:
        if not context.classification:
            raise SpecError(f"ensembles vote on classes, and this design learns a regression "
                            f"(loss '{context.spec.training.loss}'): use Search or "
                            "Cross-validation")
        self.method = METHODS[self.method_box.currentText()]
        x_val, y_val = context.validation_part
        if self.method == "boosting" and not len(y_val):
            raise DataError("boosting is scored on held-out data: set a validation split "
                            "above 0 in the Training settings (bagging can use its "
                            "out-of-bag samples instead)")
        self.n_members, self.members = self.members_box.value(), []
        self.table.setRowCount(0)
        fit_table(self.splitter, self.table, 0.45)
        self._draw()
        self.summary.setText(f"Training {self.n_members} members by {self.method}…")
        steps = bagging_steps if self.method == "bagging" else boosting_steps
        x, y = context.train_part
        events = steps(context.spec, x, y, self.n_members, context.spec.training.seed,
                       context.control, x_val if len(y_val) else None,
                       y_val if len(y_val) else None)
        return Plan(events, self.n_members, context.spec.training.epochs)

    def on_event(self, event: Any) -> None:
        if isinstance(event, MemberTrained):
            if not self.members:
                axis_label(self.plot, "left", SCORED_ON.get(event.scored_on, "accuracy"))
            self.members.append(event)
            self._add_row(event)
            self._draw()
            self.summary.setText(self._summary())
        elif isinstance(event, Ensemble):
            self.summary.setText(self._summary(final=True))

    def finish(self, stopped: bool) -> None:
        done = len(self.members)
        if done < self.n_members:
            why = ("Stopped" if stopped else
                   "Boosting ended early: the next member was no better than chance")
            self.summary.setText(f"{why} after {done} of {self.n_members} members. "
                                 f"{self._summary()}")

    @property
    def ensemble_accuracy(self) -> float | None:
        return self.members[-1].ensemble_accuracy if self.members else None

    def _summary(self, final: bool = False) -> str:
        if not self.members:
            return ""
        best = max(m.member_accuracy for m in self.members)
        size = f"{len(self.members)} member{'s' if len(self.members) > 1 else ''}"
        head = f"Ensemble of {size}" if final else f"So far, {size}"
        last = self.members[-1]
        where = (f"out of bag ({last.n_scored} samples that some member never saw)"
                 if last.scored_on == OUT_OF_BAG
                 else f"on the {last.n_scored} validation samples")
        return (f"{head}: accuracy {last.ensemble_accuracy:.3f} {where}; "
                f"best single member {best:.3f}.")

    def _add_row(self, member: MemberTrained) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        weight = f"{member.weight:.3f}" if self.method == "boosting" else "1 (equal)"
        texts = [str(member.index + 1), f"{member.member_accuracy:.3f}",
                 f"{member.ensemble_accuracy:.3f}", weight]
        for column, text in enumerate(texts):
            self.table.setItem(row, column, number_item(text))
        first = self.table.item(row, 0)
        if first is not None:
            self.table.scrollToItem(first)
        fit_table(self.splitter, self.table, 0.45)

    def _draw(self) -> None:
        x = np.arange(1, len(self.members) + 1, dtype=float)
        members = np.array([m.member_accuracy for m in self.members])
        ensemble = np.array([m.ensemble_accuracy for m in self.members])
        self.member_points.setData(x, members)
        self.ensemble_curve.setData(x, ensemble)
        low = min([*members, *ensemble, 0.9]) if self.members else 0.5
        self.plot.setRange(xRange=(0.5, max(self.n_members, 1) + 0.5),
                           yRange=(max(0.0, low - 0.05), 1.01), padding=0)
