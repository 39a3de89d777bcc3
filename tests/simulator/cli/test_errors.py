"""Bad input gives one line on stderr and exit status 1 (failures) or 2 (usage), never a
traceback; plus the progress display."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.cli import main
from simulator.cli.train import Progress
from simulator.io import Project, load_model, save_model, save_project
from simulator.training.events import BatchEnd, EpochEnd, Started
from tests.simulator.io.builders import COURSE, MLP, build

ROOT = Path(__file__).resolve().parents[3]
COURSE_FILE = ROOT / "resources" / "examples" / "course_sigmoid.json"


def fails(capsys: pytest.CaptureFixture[str], *args: object, status: int = 1) -> str:
    assert main([str(a) for a in args]) == status
    err = capsys.readouterr().err
    if status == 1:
        lines = err.splitlines()
        assert lines[-1].startswith("backprop-studio: error: "), err
        assert err.endswith("\n")
        assert sum("error:" in line for line in lines) == 1, err
        return lines[-1]
    return err


def network_file(tmp_path: Path, data: object, name: str = "net.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("1,-1\n")
    return path


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["layers"][0].update(type="Conv9D"), "unknown layer type 'Conv9D'"),
    (lambda d: d["layers"][0].update(units=0), "'units' must be a positive integer"),
    (lambda d: d["layers"][0].update(weights=[[1, 2]]), "'weights' has shape \\[1, 2\\]"),
    (lambda d: d.pop("input_shape"), "no 'input_shape'"),
    (lambda d: d["layers"][1].update(inputs=["nowhere"]), "'nowhere' is not a layer"),
    (lambda d: d["training"].update(batch_size=-1), "'batch_size' must be a positive integer"),
    (lambda d: d["layers"][0].update(activation="sigmod"), "unknown activation 'sigmod'"),
])
def test_spec_errors_are_one_line(capsys, tmp_path: Path, inputs: Path, edit, message) -> None:
    data = json.loads(json.dumps(COURSE))
    edit(data)
    err = fails(capsys, "predict", network_file(tmp_path, data), "--input", inputs)
    assert re.search(message, err), err


@pytest.mark.parametrize(("text", "message"), [
    ('{"input_shape": [2], "layers": [{"type": "Dense", "units": NaN}]}', "NaN is not allowed"),
    ("{", "not valid JSON"),
    ('{"input_shape": [2], "input_shape": [2]}', "duplicate key"),
    ("", "not valid JSON"),
])
def test_json_errors(capsys, tmp_path: Path, inputs: Path, text: str, message: str) -> None:
    assert message in fails(capsys, "export", network_file(tmp_path, text), "--onnx",
                            tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


def test_missing_files(capsys, tmp_path: Path, inputs: Path) -> None:
    assert "cannot open" in fails(capsys, "predict", tmp_path / "no.json", "--input", inputs)
    assert "cannot open" in fails(capsys, "predict", COURSE_FILE, "--input", tmp_path / "x.csv")
    assert "cannot open" in fails(capsys, "evaluate", tmp_path / "no.bpmodel", "--data", "xor")


@pytest.mark.parametrize(("content", "message"), [
    ("1,-1\n2\n", "line 2: 1 values, expected 2"),
    ("1,-1\n2,abc\n", "line 2, column 2: 'abc' is not a finite number"),
    ("1,nan\n", "'nan' is not a finite number"),
    ("a,b\n", "holds no samples"),
    ("1,2,3\n", "each sample has shape \\[3\\] but the network's input_shape is \\[2\\]"),
])
def test_bad_csv_inputs(capsys, tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "bad.csv").write_text(content)
    err = fails(capsys, "predict", COURSE_FILE, "--input", tmp_path / "bad.csv")
    assert re.search(message, err), err


def test_bad_npz_inputs(capsys, tmp_path: Path) -> None:
    np.savez(tmp_path / "no_x.npz", features=np.zeros((2, 2)))
    assert "has no array 'X' (it holds features)" in fails(
        capsys, "predict", COURSE_FILE, "--input", tmp_path / "no_x.npz")
    np.savez(tmp_path / "obj.npz", X=np.array([{"a": 1}], dtype=object))
    assert "dtype '|O'" in fails(capsys, "predict", COURSE_FILE, "--input", tmp_path / "obj.npz")


def test_training_problems(capsys, tmp_path: Path) -> None:
    assert "unknown optimizer" in fails(capsys, "train", COURSE_FILE, "--data", "xor",
                                        "--optimizer", "rmsprop2", "--epochs", "1")
    assert "'nope'; built-ins are: " in fails(capsys, "train", COURSE_FILE, "--data", "nope")
    assert "no data: give --data" in fails(capsys, "train", COURSE_FILE)
    assert "input_shape" in fails(capsys, "train", COURSE_FILE, "--data", "digits",
                                  "--epochs", "1")
    model = save_model(tmp_path / "m.bpmodel", build(COURSE))
    assert "is a trained model" in fails(capsys, "train", model, "--data", "xor")


def test_diverging_training_is_a_one_line_failure(capsys, tmp_path: Path) -> None:
    network = network_file(tmp_path, {"input_shape": [1], "layers": [
        {"type": "Dense", "units": 4, "activation": "relu"}, {"type": "Dense", "units": 1}],
        "training": {"loss": "mse"}})
    err = fails(capsys, "train", network, "--data", "sine", "--lr", "1e10", "--out",
                tmp_path / "m.bpmodel")
    assert "NaN or infinite" in err
    assert f"The last good weights were saved to {tmp_path / 'm.bpmodel'}" in err
    weights = load_model(tmp_path / "m.bpmodel").network.get_weights()
    assert all(np.isfinite(w).all() for w in weights.values())


def test_evaluate_and_predict_problems(capsys, tmp_path: Path, inputs: Path) -> None:
    assert "input_shape" in fails(capsys, "evaluate", COURSE_FILE, "--data", "sine")
    data = tmp_path / "five.csv"
    data.write_text("a,b,label\n" + "".join(f"0.{k},1.{k},{k}\n" for k in range(5)))
    assert "the data has labels '3', '4', which the model never saw; its classes are: 0, 1, "\
        "2" in fails(capsys, "evaluate", COURSE_FILE, "--data", data)
    model = save_model(tmp_path / "m.bpmodel", build(MLP))
    assert "input_shape is [4]" in fails(capsys, "evaluate", model, "--data", "xor")
    project = save_project(tmp_path / "p.bpproj", Project(build(MLP).spec))
    assert "is a project" in fails(capsys, "predict", project, "--input", inputs)
    (tmp_path / "fake.bpmodel").write_bytes(b"PK\x03\x04garbage")
    assert "not a valid archive" in fails(capsys, "predict", tmp_path / "fake.bpmodel",
                                          "--input", inputs)
    assert "/missing' does not exist; create it first" in fails(
        capsys, "export", COURSE_FILE, "--onnx", tmp_path / "missing" / "x.onnx")


@pytest.mark.parametrize("args", [
    [], ["fly"], ["predict", "x.json"], ["train", "x.json", "--epochs", "0"],
    ["train", "x.json", "--lr", "-1"], ["train", "x.json", "--seed", "abc"],
    ["train", "x.json", "--backend", "tpu"], ["export", "x.json"],
])
def test_usage_errors_exit_2(capsys, args: list[str]) -> None:
    err = fails(capsys, *args, status=2)
    assert "backprop-studio" in err
    assert "error:" in err


def test_subprocess_error_has_no_traceback(tmp_path: Path) -> None:
    for args, status in ((["predict", str(tmp_path / "no.json"), "--input", "x.csv"], 1),
                         (["train"], 2)):
        result = subprocess.run([sys.executable, "-m", "simulator.cli", *args], cwd=ROOT,
                                capture_output=True, text=True)
        assert result.returncode == status
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines()[-1].startswith("backprop-studio")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_redraws_in_place_on_a_terminal() -> None:
    stream = FakeTerminal()
    progress = Progress(stream)
    progress(Started(2, 4, 100, 20, 50))
    progress.__dict__["_drawn"] = -1.0
    progress(BatchEnd(1, 4, 4, 0.5, 0.1))
    progress(EpochEnd(1, {"loss": 0.5, "accuracy": 0.75}, 0.1))
    text = stream.getvalue()
    assert "\repoch 1/2 [########################] 4/4  loss 0.5000" in text
    assert text.endswith("\r\x1b[Kepoch 1/2  loss 0.5000  accuracy 0.7500\n")


def test_a_half_drawn_bar_is_ended_before_anything_else() -> None:
    stream = FakeTerminal()
    progress = Progress(stream)
    progress(Started(2, 4, 100, 20, 50))
    progress(BatchEnd(1, 1, 1, 0.5, 0.1))
    progress.close()
    progress.close()
    assert stream.getvalue().endswith("loss 0.5000\n")


def test_progress_prints_a_line_per_epoch_elsewhere() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    progress(Started(2, 4, 100, 20, 50))
    progress(BatchEnd(1, 1, 1, 0.5, 0.1))
    progress(EpochEnd(1, {"loss": 0.5, "val_loss": 0.25}, 0.1))
    assert stream.getvalue().splitlines() == [
        "training 100 samples (20 for validation), 50 parameters",
        "epoch 1/2  loss 0.5000  val_loss 0.2500"]
