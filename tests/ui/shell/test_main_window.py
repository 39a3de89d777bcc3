"""The main window: editing the design, opening designs (a file that fails keeps the design),
unsaved changes, and attributes that never hide a Qt method."""

from __future__ import annotations

import dataclasses
import types
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtWidgets import QMessageBox

from ui.design.commands import EditLayer, MoveLayers
from ui.shell.presets import load_preset


def test_every_panel_is_shown_in_a_tab(main_window) -> None:
    window = main_window
    tabs = window.panel_tabs
    shown = [panel for stack in tabs.stacks for panel in tabs.panels_of(stack)]
    assert sorted(map(id, shown)) == sorted(map(id, window.panels))
    assert tabs.in_view() == window.panels[:2]        # the first two panels are in view


def test_palette_double_click_appends_a_layer(main_window) -> None:
    window = main_window
    window.layer_palette.layer_chosen.emit("Dropout")
    assert window.spec.layers[-1].type == "Dropout"
    assert window.spec.layers[-1].position is not None
    window.stack.undo()
    assert window.spec.layers[-1].type == "Softmax"


def test_selecting_a_box_shows_it_in_the_inspector(main_window) -> None:
    window = main_window
    window.canvas.scene.select("hidden_2")
    assert window.inspector.name == "hidden_2"
    assert window.editor_tabs.currentIndex() == 0


def test_a_design_edit_rebuilds_the_session_but_a_move_does_not(main_window, qtbot) -> None:
    window = main_window
    session = window.session
    window.stack.push(MoveLayers(window.spec, {"output": (50.0, 50.0)}))
    qtbot.wait(10)
    assert window.session is session
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 4}))
    qtbot.waitUntil(lambda: window.session is not session, timeout=2_000)
    assert window.session.network.layers["hidden_1"].params["W"].shape == (4, 2)
    # The run trains a copy: editing the window's design never touches a built network.
    assert window.session.spec is not window.spec


def test_the_lesson_explanation_shows_while_no_layer_is_selected(main_window) -> None:
    from ui.shell.presets import load_preset

    window = main_window
    window.open_preset(load_preset("xor"))
    assert window.inspector.title.text() == load_preset("xor").title
    assert "hidden layer" in window.inspector.about.text()
    window.inspector.show_layer(window.spec.layers[0].name)
    assert "hidden layer" not in window.inspector.about.text()


def _qt_base(kind: type) -> type:
    return next(k for k in kind.__mro__ if k.__module__.startswith("PySide6"))


def _shadowed(obj: QObject) -> list[str]:
    """Names that hide a method (or any callable) of ``obj``'s Qt base class: instance
    attributes, and class attributes that are not methods (signals, constants) of our classes.
    Qt's own signals, cached on the instance once used, do not count."""
    base = _qt_base(type(obj))
    found = [name for name, value in vars(obj).items()
             if callable(getattr(base, name, None)) and not (
                 isinstance(value, SignalInstance) and isinstance(getattr(base, name), Signal))]
    for kind in type(obj).__mro__:
        if kind.__module__.startswith(("PySide6", "shiboken6", "builtins")):
            continue
        found += [f"{kind.__name__}.{name}" for name, value in vars(kind).items()
                  if not name.startswith("__") and callable(getattr(base, name, None))
                  and not isinstance(value, types.FunctionType | property | staticmethod
                                     | classmethod)]
    return found


def test_no_attribute_shadows_a_qt_method(main_window) -> None:
    window = main_window
    owned = {"window": window, "scene": window.canvas.scene, "view": window.canvas.view,
             **{f"panel {p.title}": p for p in window.panels}}
    owned |= {name: value for name, value in vars(window).items()
              if isinstance(value, QObject) and value is not window.controller}   # not the shell's
    for part in (window.toolbar, window.toolbar.run, window.menus):
        owned |= {f"{type(part).__name__}.{f.name}": getattr(part, f.name)
                  for f in dataclasses.fields(part) if isinstance(getattr(part, f.name), QObject)}
    assert {"layer_palette", "inspector", "panel_tabs", "training", "Toolbar.lessons",
            "RunActions.train", "Menus.presentation"} <= set(owned)
    assert {name: found for name, obj in owned.items() if (found := _shadowed(obj))} == {}


def test_the_shadow_check_sees_a_shadowing_attribute(qtbot) -> None:
    """A guard for the test above: it does find the bug it looks for."""
    from PySide6.QtWidgets import QWidget

    class Shadowing(QWidget):
        update = Signal()        # hides QWidget.update()

    widget = Shadowing()
    qtbot.addWidget(widget)
    widget.palette = object()    # hides QWidget.palette()
    assert set(_shadowed(widget)) == {"palette", "update", "Shadowing.update"}


@pytest.mark.parametrize(("text", "says"), [
    ("{ this is not json", "JSON"),
    ('{"input_shape": [2], "layers": [{"type": "Magic"}]}', "unknown layer type"),
    ('{"input_shape": [2], "layers": []}', "non-empty"),
    ('{"input_shape": [2], "layers": [{"type": "Dense", "units": -4}]}', "units"),
    ("[1, 2, 3]", "object"),
])
def test_a_malformed_network_file_shows_an_error_and_keeps_the_design(
        main_window, dialogs, tmp_path: Path, text: str, says: str) -> None:
    window = main_window
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")
    spec, before, dataset = window.spec, window.spec.to_dict(), window.dataset
    assert not window.open_path(str(path))
    assert len(dialogs.messages) == 1
    assert says in dialogs.messages[0][1]
    assert window.spec is spec
    assert window.spec.to_dict() == before
    assert window.dataset is dataset
    assert window.canvas.scene.spec is spec


def test_a_missing_file_or_binary_file_is_reported(main_window, dialogs, tmp_path: Path) -> None:
    assert not main_window.open_path(str(tmp_path / "nothing-here.json"))
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    assert not main_window.open_path(str(binary))
    broken_project = tmp_path / "broken.bpproj"
    broken_project.write_bytes(b"PK\x03\x04 not really a zip")
    assert not main_window.open_path(str(broken_project))
    assert len(dialogs.messages) == 3


def test_a_lesson_opens_by_name(main_window, dialogs) -> None:
    assert main_window.open_path("circles")
    assert main_window.dataset_choice.source == "circles"
    assert main_window.lesson_box.currentData() == "circles"
    assert not main_window.open_path("no_such_lesson")
    assert "lessons are" in dialogs.messages[-1][1]


def test_new_asks_before_discarding_changes(main_window, dialogs) -> None:
    window = main_window
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 12}))
    dialogs.question_answer = QMessageBox.StandardButton.Cancel
    window.new_from_preset(load_preset("xor"))
    assert dialogs.questions == 1
    assert window.spec.layer("hidden_1").config["units"] == 12
    dialogs.question_answer = QMessageBox.StandardButton.Discard
    window.new_from_preset(load_preset("xor"))
    assert window.spec.names() == ["hidden", "output", "softmax"]
    assert not window.is_modified()


def test_closing_with_unsaved_changes_can_be_cancelled(main_window, qtbot, dialogs) -> None:
    window = main_window
    window.show()
    qtbot.waitExposed(window)
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 12}))
    dialogs.question_answer = QMessageBox.StandardButton.Cancel
    window.close()
    assert window.isVisible()
    dialogs.question_answer = QMessageBox.StandardButton.Discard
    window.close()
    assert not window.isVisible()
