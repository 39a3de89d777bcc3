"""Search mode: grid or random search over one or two hyper-parameters, scored by k-fold
cross-validation, with the best trial highlighted and one button to put it into the design.

Until every candidate has finished, the best is only the best of those finished: the label
and the button say so, and a stopped search names the candidates it did not run."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from simulator.errors import SpecError
from simulator.experiments.run import with_changes
from simulator.experiments.tuning import FoldScore, Trial, best_trial, search_steps
from simulator.spec import NetworkSpec
from ui.experiments.apply import apply_changes
from ui.experiments.host import MainDesign
from ui.experiments.knobs import Knob, candidate_changes, describe_setting, knobs_for
from ui.experiments.plan import Plan, RunContext, format_score, metric_name
from ui.experiments.search_form import SearchForm
from ui.experiments.search_results import SearchResults
from ui.experiments.view import ExperimentView

#: Candidates a stopped search names one by one before it only counts the rest.
LIST_NOT_RUN = 3
APPLY = "Apply to design"


class SearchView(ExperimentView):
    title = "Search"

    def __init__(self, host: MainDesign, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.form = SearchForm()
        self.results = SearchResults()
        self.best_label = QLabel("Run a search: the best setting will show here.")
        self.best_label.setWordWrap(True)
        self.best_label.setStyleSheet("font-size: 11pt;")
        self.apply_button = QPushButton(APPLY)
        self.apply_button.setToolTip("Put the best trial's settings into the design "
                                     "(Edit ▸ Undo takes them back)")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply_best)
        best_row = QHBoxLayout()
        best_row.addWidget(self.best_label, 1)
        best_row.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.results, 1)
        layout.addLayout(best_row)
        self.knobs: dict[str, Knob] = {}
        self.settings: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.score_metric = "val_accuracy"
        self.design: NetworkSpec | None = None
        self.best: Trial | None = None

    def refresh(self, design: NetworkSpec) -> None:
        self.form.set_knobs(knobs_for(design))

    def plan(self, context: RunContext) -> Plan:
        setup = self.form.setup(context.spec.training.seed)
        knobs = {knob.key: knob for knob in knobs_for(context.design)}
        missing = [k.label for k in setup.knobs if k.key not in knobs]
        if missing:
            raise SpecError(f"the design no longer has {', '.join(missing)}; pick again")
        changes = [candidate_changes(knobs, setting) for setting in setup.settings]
        for change in changes:                    # every candidate must be a valid design
            with_changes(context.spec, change)
        context.check_folds(setup.k)
        self.knobs, self.settings, self.changes = knobs, setup.settings, changes
        self.score_metric, self.design, self.best = context.metric, context.design, None
        self.results.start(setup, context.metric)
        self.results.mark_best(None)
        self.apply_button.setEnabled(False)
        self.apply_button.setText(APPLY)
        self.best_label.setText(f"Searching {len(changes)} candidates, {setup.k} folds each…")
        events = search_steps(context.spec, context.x, context.y, changes, setup.k,
                              context.metric, context.control)
        return Plan(events, len(changes) * setup.k, context.spec.training.epochs)

    def on_event(self, event: Any) -> None:
        if isinstance(event, FoldScore):
            self.results.on_fold(event)
        elif isinstance(event, Trial):
            self.results.on_trial(event)
            self._update_best()

    def finish(self, stopped: bool) -> None:
        done = len(self.results.trials)
        if stopped and done < len(self.changes):
            self.best_label.setText(f"Stopped after {done} of {len(self.changes)} "
                                    f"candidates. {self._best_text()} {self._not_run()}")
        elif self.results.trials:
            self.best_label.setText(self._best_text())

    @property
    def complete(self) -> bool:
        """Every candidate finished: the best is the search's best, not a partial one."""
        return len(self.results.trials) >= len(self.changes)

    def _not_run(self) -> str:
        missing = [i for i in range(len(self.changes)) if i not in self.results.trials]
        if not missing:
            return ""
        named = "; ".join(describe_setting(self.knobs, self.settings[i])
                          for i in missing[:LIST_NOT_RUN])
        rest = len(missing) - LIST_NOT_RUN
        more = f" and {rest} more" if rest > 0 else ""
        return f"Not run: {named}{more}."

    def _update_best(self) -> None:
        try:
            self.best = best_trial(list(self.results.trials.values()), self.score_metric)
        except SpecError as exc:
            self.best = None
            self.best_label.setText(str(exc).capitalize())
        else:
            self.best_label.setText(self._best_text())
        self.results.mark_best(self.best.index if self.best else None)
        self.apply_button.setEnabled(self.best is not None)
        partial = f"Apply best of {len(self.results.trials)} finished"
        self.apply_button.setText(APPLY if self.complete else partial)

    def _best_text(self) -> str:
        if self.best is None:
            return "No trial finished without diverging."
        setting = describe_setting(self.knobs, self.settings[self.best.index])
        score = format_score(self.best.score, self.score_metric)
        head = "Best" if self.complete else (
            f"Best of {len(self.results.trials)} finished (of {len(self.changes)})")
        return (f"{head}: {setting} → mean {metric_name(self.score_metric)} {score} "
                f"(trial {self.best.index + 1}).")

    def apply_best(self) -> None:
        """Put the best trial's settings into the design, as one undoable step."""
        if self.best is None:
            return
        if self.host.spec() is not self.design:
            self.message.emit("Another design was opened since this search; run it again "
                              "to apply its best setting.", True)
            return
        setting = describe_setting(self.knobs, self.settings[self.best.index])
        try:   # the knobs of the design as it is now (it may have been edited since)
            knobs = {knob.key: knob for knob in knobs_for(self.host.spec())}
            if not set(self.settings[self.best.index]) <= set(knobs):
                raise SpecError("the design no longer has the layer that was searched")
            changes = candidate_changes(knobs, self.settings[self.best.index])
            changed = apply_changes(self.host.stack, self.host.spec(), changes,
                                    f"Apply {setting}")
        except SpecError as exc:
            self.message.emit(f"Cannot apply the best setting: {exc}", True)
            return
        self.message.emit(f"Applied {setting} to the design (Edit ▸ Undo takes it back)."
                          if changed else f"The design already has {setting}.", False)
