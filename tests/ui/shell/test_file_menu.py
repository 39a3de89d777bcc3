"""The File menu's dialogs: open, save and export, and the user's own data; a failure leaves the
window as it was."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from simulator.io import load_model, load_project
from simulator.training.trainer import EpochEnd
from ui.design.commands import EditLayer
from ui.shell.presets import load_preset


def train_a_little(window, qtbot, epochs: int = 2) -> None:
    window.controller.set_speed(None)
    window.train()
    with qtbot.waitSignal(window.controller.happened, timeout=30_000,
                          check_params_cb=lambda e: isinstance(e, EpochEnd) and e.epoch >= epochs):
        pass
    window.stop_training()


def test_opening_a_network_file_from_the_menu(main_window, dialogs, tmp_path: Path) -> None:
    window = main_window
    network = load_preset("xor").network
    path = tmp_path / "my_xor.json"
    path.write_text(json.dumps(network), encoding="utf-8")
    dataset = window.dataset
    dialogs.paths = [str(path)]
    window.file_menu.open()
    assert window.spec.names() == ["hidden", "output", "softmax"]
    assert all(layer.position is not None for layer in window.spec.layers)
    assert window.dataset is dataset            # a bare network keeps the current data
    assert window.canvas.scene.spec is window.spec
    assert "my_xor" in window.windowTitle()
    assert window.stack.count() == 0
    assert not window.is_modified()


def test_save_and_reopen_a_project(main_window, dialogs, tmp_path: Path) -> None:
    window = main_window
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 12}))
    assert window.is_modified()
    assert window.windowTitle().startswith("spiral") or "[*]" in window.windowTitle()
    dialogs.paths = [str(tmp_path / "lesson")]
    assert window.file_menu.save()
    saved = tmp_path / "lesson.bpproj"
    assert saved.is_file()
    assert not window.is_modified()
    assert window.project_path == saved
    saved_design = window.spec.to_dict()
    window.open_path("xor")
    assert window.open_path(str(saved))
    assert window.spec.to_dict() == saved_design
    assert window.dataset_choice.source == "spiral"
    assert window.dataset_choice.options == {"n": 400, "noise": 0.1}
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 10}))
    assert window.file_menu.save()           # saves to the same file without asking
    assert load_project(saved).spec.layer("hidden_1").config["units"] == 10


def test_a_trained_project_keeps_its_weights(main_window, qtbot, dialogs, tmp_path) -> None:
    window = main_window
    train_a_little(window, qtbot)
    weights = window.session.network.get_weights()
    dialogs.paths = [str(tmp_path / "trained.bpproj")]
    assert window.file_menu.save_as()
    project = load_project(tmp_path / "trained.bpproj")
    assert project.weights is not None
    assert window.open_path(str(tmp_path / "trained.bpproj"))
    restored = window.session.network.get_weights()
    for key, value in weights.items():
        np.testing.assert_array_equal(restored[key], value)
    assert window.session.trainer.epoch >= 2


def test_export_is_offered_after_training(main_window, qtbot, dialogs, tmp_path) -> None:
    onnx = pytest.importorskip("onnx")
    window = main_window
    menu = window.file_menu
    assert not menu.export_model_action.isEnabled()
    train_a_little(window, qtbot)
    assert menu.export_model_action.isEnabled()
    assert menu.export_onnx_action.isEnabled()
    dialogs.paths = [str(tmp_path / "spiral"), str(tmp_path / "spiral")]
    menu.export_model()
    menu.export_onnx()
    assert not dialogs.messages, dialogs.messages
    model = load_model(tmp_path / "spiral.bpmodel")
    x = window.dataset.x[:5]                   # raw samples: the model applies what training did
    fed = window.session.preprocessor.transform(x)
    np.testing.assert_allclose(model.predict(x), window.session.network.predict(fed), atol=1e-5)
    assert model.class_names == ["0", "1"]
    onnx.checker.check_model(onnx.load(str(tmp_path / "spiral.onnx")))


def test_opening_a_dataset_file_adapts_the_input_shape(main_window, dialogs, tmp_path) -> None:
    window = main_window
    rows = ["a,b,c,label"] + [f"{i % 7},{i % 5},{i % 3},{i % 2}" for i in range(60)]
    path = tmp_path / "table.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    dialogs.paths = [str(path)]
    window.file_menu.open_data_file()
    assert window.dataset.sample_shape == (3,)
    assert window.spec.input_shape == (3,)
    assert window.stack.count() == 1               # the shape change is undoable
    assert window.dataset_chooser.currentData() == str(path)
    assert window.is_modified()
    window.stack.undo()
    assert window.spec.input_shape == (2,)


def test_a_bad_dataset_file_keeps_the_current_data(main_window, dialogs, tmp_path) -> None:
    window = main_window
    path = tmp_path / "bad.csv"
    path.write_text("a,b,label\n1,2,0\n3,oops,1\n", encoding="utf-8")
    dataset, choice = window.dataset, window.dataset_choice
    dialogs.paths = [str(path)]
    window.file_menu.open_data_file()
    assert window.dataset is dataset
    assert window.dataset_choice is choice
    assert "line 3" in dialogs.messages[0][1] or "oops" in dialogs.messages[0][1]
    assert window.dataset_chooser.currentData() == "spiral"


def test_choosing_digits_for_a_dense_network_flattens_the_input(main_window, dialogs) -> None:
    window = main_window
    window.dataset_chooser.builtin_chosen.emit("digits")
    assert window.spec.input_shape == (64,)
    assert window.session is None                    # 2 outputs cannot learn 10 classes
    assert window.status_label.text().startswith("Cannot train yet")
    assert "set the units of layer 'output' to 10" in window.status_label.text()
    window.stack.push(EditLayer(window.spec, "output", {"units": 10}))
    window.reset()
    assert window.session is not None


@pytest.mark.parametrize("drop", [True, False])
def test_missing_values_are_offered_to_be_dropped(main_window, dialogs, tmp_path, drop) -> None:
    window = main_window
    rows = ["a,b,label"] + [f"{i % 7},{i % 5},{i % 2}" for i in range(40)] + ["3,,1", ",4,0"]
    path = tmp_path / "gaps.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    dataset = window.dataset
    dialogs.paths = [str(path)]
    dialogs.question_answer = (QMessageBox.StandardButton.Yes if drop
                               else QMessageBox.StandardButton.No)
    window.file_menu.open_data_file()
    assert dialogs.questions == 1
    if drop:
        assert len(window.dataset) == 40
        assert window.dataset_choice.options == {"nan": "drop"}
        assert "dropped 2 rows with missing values" in dialogs.messages[-1][1]
    else:
        assert window.dataset is dataset
        assert dialogs.messages == []
