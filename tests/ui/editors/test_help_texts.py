"""Every setting the forms show has a tooltip from the one help table, with its formula where the
course gives one: the inspector (every layer type), the training settings (every optimizer
and schedule) and the experiments' knobs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

from simulator.layers import layer_names
from simulator.optim import optimizer_names
from simulator.optim.schedules import schedule_names
from simulator.spec import INPUT, LayerSpec, NetworkSpec
from ui.editors.forms import ChoiceField
from ui.editors.help_texts import field_tooltip, option_help
from ui.editors.inspector import Inspector
from ui.editors.training_settings import TrainingSettings
from ui.experiments.knobs import knobs_for
from ui.experiments.search_form import SearchForm
from ui.shell.presets import load_preset


@pytest.fixture
def stack(qapp) -> Iterator[QUndoStack]:
    stack = QUndoStack()
    yield stack
    stack.clear()


def missing_tips(form: QFormLayout, fields: dict[str, QWidget]) -> list[str]:
    """The fields (and their labels, and each choice of a choice) without a tooltip."""
    missing = []
    for key, field in fields.items():
        label = form.labelForField(field)
        if not field.toolTip():
            missing.append(key)
        if label is None or not label.toolTip():
            missing.append(f"{key} (label)")
        if isinstance(field, QComboBox):
            missing += [f"{key}={field.itemText(i)}" for i in range(field.count())
                        if not field.itemData(i, Qt.ItemDataRole.ToolTipRole)]
    return missing


def test_every_layer_option_has_a_tooltip(qtbot, stack) -> None:
    spec = NetworkSpec((2,))
    inspector = Inspector(stack)
    qtbot.addWidget(inspector)
    inspector.set_spec(spec)
    missing = []
    for type_name in layer_names():
        spec.insert_layer(LayerSpec(type_name, {}, f"a_{type_name.lower()}"), len(spec.layers))
    for layer in spec.layers:
        inspector.show_layer(layer.name)
        missing += [f"{layer.type}.{m}" for m in missing_tips(inspector.form, inspector.fields)]
    inspector.show_layer(INPUT)
    missing += missing_tips(inspector.form, inspector.fields)
    assert missing == []


def test_every_training_setting_of_every_optimizer_and_schedule_has_a_tooltip(
        qtbot, stack) -> None:
    spec = load_preset("spiral").spec()
    settings = TrainingSettings(stack)
    qtbot.addWidget(settings)
    settings.set_spec(spec)
    missing, seen = [], set()
    for kind, names in (("optimizer", optimizer_names()), ("schedule", schedule_names())):
        for name in names:
            field = settings.fields[kind]
            field.setCurrentText(name)
            field.activated.emit(field.currentIndex())
            seen |= set(settings.fields)
            missing += [f"{name}: {m}" for m in missing_tips(settings.form, settings.fields)]
    assert missing == []
    assert {"opt.momentum", "opt.beta_1", "opt.rho", "sched.factor", "sched.alpha",
            "sched.warmup_epochs", "l2", "gradient_clip"} <= seen   # the loop saw them all


def test_tooltips_give_the_courses_formulas_and_the_meaning_in_context(qtbot, stack) -> None:
    spec = load_preset("spiral").spec()
    settings = TrainingSettings(stack)
    qtbot.addWidget(settings)
    settings.set_spec(spec)
    optimizer = settings.fields["optimizer"]
    optimizer.setCurrentText("sgd")
    optimizer.activated.emit(optimizer.currentIndex())
    assert "V ← βV + α∇L" in settings.fields["opt.momentum"].toolTip()
    assert "θ ← θ − V" in settings.fields["opt.momentum"].toolTip()
    assert "λ2 Σ w²" in settings.fields["l2"].toolTip()
    assert "θ ← θ − α∇L" in settings.fields["learning_rate"].toolTip()
    loss = settings.fields["loss"]
    assert isinstance(loss, ChoiceField)
    assert "log" in loss.toolTip()          # the field says what the current loss computes
    # One name, three meanings: the scope picks the right one.
    assert "V ← βV" in option_help("momentum", "sgd")
    assert "running" in option_help("momentum", "BatchNorm")
    assert "x̂ = (x − μ) / √(σ² + ε)" in option_help("epsilon", "BatchNorm")
    assert "γ·x̂ + β" in option_help("epsilon", "BatchNorm")
    assert "probability p" in option_help("rate", "Dropout")
    assert "α·z" in option_help("alpha", "LeakyReLU")
    assert "cos" in option_help("alpha", "cosine")
    assert field_tooltip("no_such_option") == ""


def test_every_experiments_knob_has_a_tooltip(qtbot) -> None:
    spec = load_preset("overfitting").spec()
    knobs = knobs_for(spec)
    assert {k.option for k in knobs} >= {"learning_rate", "units", "rate", "l2", "optimizer"}
    form = SearchForm()
    qtbot.addWidget(form)
    form.set_knobs(knobs)
    combo = form.combos[0]
    missing = [combo.itemText(i) for i in range(combo.count())
               if not combo.itemData(i, Qt.ItemDataRole.ToolTipRole)]
    assert missing == []
    for knob in knobs:
        form.choose(0, knob.key)
        assert form.values[0].toolTip() == combo.toolTip() != ""
