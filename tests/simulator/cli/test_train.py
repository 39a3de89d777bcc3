"""``train``: mismatches refused before the first epoch, failed runs keep and write the last good
weights, Ctrl-C saves the last finished epoch, and the --json / --quiet / --out - modes."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

from simulator.io import load_model
from tests.simulator.cli.helpers import EXAMPLES, ROOT, cli, error_line

SPIRAL = EXAMPLES / "spiral_mlp.json"


def network(tmp_path: Path, layers: list[dict], loss: str, inputs: int = 2,
            **training: object) -> Path:
    path = tmp_path / "net.json"
    path.write_text(json.dumps({"input_shape": [inputs], "layers": layers,
                                "training": {"loss": loss, **training}}))
    return path


def test_class_labels_with_a_regression_loss_fail_before_the_first_epoch(tmp_path) -> None:
    net = network(tmp_path, [{"type": "Dense", "units": 1}], "mse")
    result = cli("train", net, "--data", "xor", "--out", tmp_path / "m.bpmodel", check=False)
    line = error_line(result)
    assert "the targets are class labels" in line
    assert "--data-option task=regression" in line
    assert "epoch" not in result.stderr.replace(line, "")
    assert not (tmp_path / "m.bpmodel").exists()


def test_an_output_wider_than_the_classes_fails_before_the_first_epoch(tmp_path) -> None:
    net = network(tmp_path, [{"type": "Dense", "units": 8, "activation": "relu"},
                             {"type": "Dense", "name": "scores", "units": 8}],
                  "binary_cross_entropy")
    result = cli("train", net, "--data", "moons", check=False)
    line = error_line(result)
    assert "the data has 2 classes but the network's output has 8 units" in line
    assert "set the units of layer 'scores' to 2" in line
    assert "epoch" not in result.stderr.replace(line, "")


def test_integer_targets_train_as_numbers_with_task_regression(tmp_path: Path) -> None:
    data = tmp_path / "counts.csv"
    rng = np.random.default_rng(0)
    rows = [(a, b, round(3 * a + 3)) for a, b in rng.uniform(-1, 1, (50, 2))]
    data.write_text("a,b,count\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    net = network(tmp_path, [{"type": "Dense", "units": 1}], "mse")
    assert "task=regression" in error_line(cli("train", net, "--data", data, check=False))
    cli("train", net, "--data", data, "--data-option", "task=regression", "--epochs", "1")


def test_a_nonfinite_validation_loss_fails_and_writes_the_last_good_weights(tmp_path) -> None:
    """One batch per epoch and a huge rate: the update leaves finite but enormous weights, the
    validation loss overflows. The run fails, and the weights from before it are saved."""
    net = network(tmp_path, [{"type": "Dense", "units": 4, "activation": "linear"},
                             {"type": "Dense", "units": 1}], "mse", inputs=1,
                  optimizer={"type": "sgd", "learning_rate": 1e150}, batch_size=1000)
    out = tmp_path / "m.bpmodel"
    line = error_line(cli("train", net, "--data", "sine", "--epochs", "3", "--out", out,
                          check=False))
    assert "became" in line
    assert "epoch 1" in line
    assert f"The last good weights were saved to {out}" in line
    model = load_model(out)
    assert all(np.isfinite(w).all() and np.abs(w).max() < 1e3
               for w in model.network.get_weights().values())


def test_ctrl_c_saves_the_model_as_of_the_last_finished_epoch(tmp_path: Path) -> None:
    out = tmp_path / "interrupted.bpmodel"
    args = ["train", str(SPIRAL), "--data", "spiral", "--data-option", "n=4000",
            "--epochs", "100000", "--seed", "3", "--out", str(out)]
    process = subprocess.Popen([sys.executable, "-m", "simulator.cli", *args], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("epoch 2/"):
            break
    process.send_signal(signal.SIGINT)
    rest, tail = process.communicate(timeout=120)
    assert process.returncode == 130, "".join(seen) + tail
    assert "Traceback" not in tail
    last = tail.strip().splitlines()[-1]
    assert last.startswith("backprop-studio: interrupted; saved the model as of epoch ")
    epochs = int(last.split("as of epoch ")[1].split()[0])
    assert epochs >= 2
    # the same run stopped after that many epochs gives the same weights
    again = tmp_path / "again.bpmodel"
    cli("train", *args[1:6], "--epochs", epochs, "--seed", "3", "--out", again)
    saved, expected = load_model(out).network.get_weights(), load_model(again).network.get_weights()
    for key, value in expected.items():
        np.testing.assert_array_equal(saved[key], value)


def test_json_and_quiet(tmp_path: Path) -> None:
    out = tmp_path / "m.bpmodel"
    result = cli("train", SPIRAL, "--data", "spiral", "--epochs", "2", "--json", "--quiet",
                 "--out", out)
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["epochs"] == 2
    assert report["stopped"] == "completed"
    assert set(report["training"]) == {"loss", "accuracy"}
    assert set(report["validation"]) == {"loss", "accuracy"}
    assert report["model"] == str(out)
    assert load_model(out).metrics["loss"] == report["training"]["loss"]


def test_out_dash_writes_the_model_to_standard_output(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "simulator.cli", "train", str(SPIRAL),
                             "--data", "spiral", "--epochs", "1", "--out", "-"], cwd=ROOT,
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert zipfile.ZipFile(io.BytesIO(result.stdout)).namelist()
    (tmp_path / "m.bpmodel").write_bytes(result.stdout)
    assert load_model(tmp_path / "m.bpmodel").spec.training.epochs == 1
    assert b"training:   loss" in result.stderr      # the report moved out of the way
    assert not any(name.startswith(".") for name in os.listdir(tmp_path))


def test_a_project_trains_on_its_points_edited_by_hand(tmp_path: Path) -> None:
    import argparse

    from simulator.cli.train import _dataset
    from simulator.data.edits import PointEdits
    from simulator.io import DatasetChoice, Project, save_project
    from simulator.io.designs import read_design

    edits = PointEdits().add([0.5, 0.5], 1).remove(0, 40)
    choice = DatasetChoice("xor", {"n": 40}, edits)
    spec = read_design(str(SPIRAL)).spec
    path = save_project(tmp_path / "edited.bpproj", Project(spec, choice))
    args = argparse.Namespace(data=None, data_options={})
    dataset = _dataset(read_design(str(path)), args, io.StringIO())
    np.testing.assert_array_equal(dataset.x, choice.load().x)
    assert len(dataset) == 40
    assert dataset.x[-1].tolist() == [0.5, 0.5]
