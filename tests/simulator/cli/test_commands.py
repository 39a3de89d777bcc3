"""Each command end to end, in a subprocess, as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from simulator.data import load_dataset, prepare
from simulator.io import DatasetChoice, Project, load_model, save_project
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.trainer import Trainer

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "resources" / "examples"


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "simulator.cli", *map(str, args)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "spiral.bpmodel"
    result = cli("train", EXAMPLES / "spiral_mlp.json", "--data", "spiral", "--epochs", "3",
                 "--batch-size", "16", "--lr", "0.02", "--seed", "1", "--out", out)
    lines = result.stderr.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("epoch")] == \
        ["1/3", "2/3", "3/3"]
    assert "\r" not in result.stderr  # not a terminal: one line per epoch
    assert result.stdout.startswith("training:   loss ")
    assert "validation: loss " in result.stdout
    assert "accuracy" in result.stdout
    return out


def test_train_saves_preprocessing_class_names_and_metrics(trained: Path) -> None:
    model = load_model(trained)
    assert model.preprocessor.method == "standardize"
    assert model.class_names == ["0", "1"]
    assert model.spec.training.epochs == 3
    assert model.spec.training.batch_size == 16
    assert model.spec.training.optimizer["learning_rate"] == 0.02
    assert model.spec.training.seed == 1
    assert set(model.metrics) >= {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_train_is_deterministic(trained: Path, tmp_path: Path) -> None:
    cli("train", EXAMPLES / "spiral_mlp.json", "--data", "spiral", "--epochs", "3",
        "--batch-size", "16", "--lr", "0.02", "--seed", "1", "--out", tmp_path / "again.bpmodel")
    first, again = load_model(trained), load_model(tmp_path / "again.bpmodel")
    for key, value in first.network.get_weights().items():
        assert again.network.get_weights()[key].tobytes() == value.tobytes()


def test_evaluate_json(trained: Path) -> None:
    result = json.loads(cli("evaluate", trained, "--data", "spiral", "--json", "--split",
                            "all").stdout)
    assert result["split"] == "all"
    assert result["samples"] == 300
    assert 0.0 <= result["accuracy"] <= 1.0
    assert result["loss"] > 0
    matrix = np.array(result["confusion_matrix"])
    assert matrix.shape == (2, 2)
    assert matrix.sum() == 300
    assert np.trace(matrix) / 300 == pytest.approx(result["accuracy"])


def test_evaluate_text(trained: Path) -> None:
    text = cli("evaluate", trained, "--data", "spiral").stdout
    assert text.splitlines()[0] == "samples   60 (val)"   # the part the training held out
    assert "confusion matrix (rows: true class, columns: predicted class)" in text


def test_predict_csv_and_npz_in_input_order(trained: Path, tmp_path: Path) -> None:
    x = load_dataset("spiral").x[::37]
    expected = load_model(trained).predict(x)
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in x))
    np.savez(tmp_path / "points.npz", X=x, y=np.zeros(len(x)))
    for source in (csv, tmp_path / "points.npz"):
        header, *rows = cli("predict", trained, "--input", source).stdout.splitlines()
        assert header == "class,p(0),p(1)"
        assert len(rows) == len(x)
        got = np.array([[float(v) for v in row.split(",")[1:]] for row in rows])
        np.testing.assert_allclose(got, expected, rtol=1e-6)
        assert [row.split(",")[0] for row in rows] == [str(k) for k in expected.argmax(1)]
    cli("predict", trained, "--input", csv, "--output", tmp_path / "out.csv")
    assert len((tmp_path / "out.csv").read_text().splitlines()) == len(x) + 1


def test_export_matches_predict(trained: Path, tmp_path: Path) -> None:
    result = cli("export", trained, "--onnx", tmp_path / "spiral.onnx")
    assert "spiral.onnx" in result.stdout
    x = load_dataset("spiral").x[:25].astype(np.float32)
    session = ort.InferenceSession(str(tmp_path / "spiral.onnx"),
                                   providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"input": x})[0],
                               load_model(trained).predict(x), rtol=1e-5, atol=1e-6)


def test_course_example_runs_as_written(tmp_path: Path) -> None:
    example = EXAMPLES / "course_sigmoid.json"
    assert json.loads(example.read_text())["layers"][0]["weights"] == [[1, -2], [-1, 1]]
    (tmp_path / "in.csv").write_text("1,-1\n0,0\n")
    rows = cli("predict", example, "--input", tmp_path / "in.csv").stdout.splitlines()[1:]
    network = compile_network(NetworkSpec.from_json(example.read_text()))
    hidden = 1 / (1 + np.exp(-(np.array([[1, -2], [-1, 1]]) @ [1.0, -1.0] + [1, 0])))
    assert hidden[0] == pytest.approx(0.982, abs=1e-3)  # sigmoid(1*1 + (-2)*(-1) + 1)
    weights = network.get_weights()
    logits = weights["dense_2.W"] @ hidden + weights["dense_2.b"]
    expected = np.exp(logits) / np.exp(logits).sum()
    first = np.array([float(v) for v in rows[0].split(",")[1:]])
    np.testing.assert_allclose(first, expected, rtol=1e-5)
    assert len(rows) == 2
    cli("export", example, "--onnx", tmp_path / "course.onnx")
    assert (tmp_path / "course.onnx").stat().st_size > 0


def test_train_a_project_then_resume_it(tmp_path: Path) -> None:
    spec = NetworkSpec.from_json((EXAMPLES / "spiral_mlp.json").read_text())
    project = save_project(tmp_path / "p.bpproj",
                           Project(spec, DatasetChoice("spiral", {"n": 120})))
    result = cli("train", project, "--epochs", "1", "--out", tmp_path / "m.bpmodel")
    assert "training 96 samples (24 for validation)" in result.stderr
    assert load_model(tmp_path / "m.bpmodel").network.spec.training.epochs == 1


def test_cli_does_not_import_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from simulator.cli import main\n"
        f"assert main(['export', {str(EXAMPLES / 'course_sigmoid.json')!r}, '--onnx', "
        f"{str(tmp_path / 'x.onnx')!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph', 'ui')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_regression_round_trip(tmp_path: Path) -> None:
    network = tmp_path / "curve.json"
    network.write_text(json.dumps({
        "input_shape": [1],
        "layers": [{"type": "Dense", "units": 8, "activation": "tanh"}, {"type": "Dense",
                                                                         "units": 1}],
        "training": {"loss": "mse", "optimizer": {"type": "adam", "learning_rate": 0.05}}}))
    cli("train", network, "--data", "sine", "--epochs", "2", "--out", tmp_path / "c.bpmodel")
    result = json.loads(cli("evaluate", tmp_path / "c.bpmodel", "--data", "sine",
                            "--json").stdout)
    assert set(result) == {"split", "samples", "loss"}
    assert load_model(tmp_path / "c.bpmodel").task == "regression"


def test_train_resumes_a_saved_run(tmp_path: Path) -> None:
    spec = NetworkSpec.from_json((EXAMPLES / "spiral_mlp.json").read_text())
    spec.set_training(spec.training.replace(epochs=2))
    choice = DatasetChoice("spiral", {"n": 120})
    prepared = prepare(load_dataset("spiral", n=120), spec.training, spec.input_shape)
    trainer = Trainer(compile_network(spec), spec.training, prepared.x_train,
                      prepared.y_train, prepared.x_val, prepared.y_val)
    for _ in trainer.run(1):
        pass
    project = save_project(tmp_path / "run.bpproj",
                           Project.capture(spec, dataset=choice, trainer=trainer))
    result = cli("train", project)
    assert "resuming after epoch 1" in result.stderr
    assert [line.split()[1] for line in result.stderr.splitlines()
            if line.startswith("epoch")] == ["2/2"]


def test_data_options_reach_the_loader_and_its_notes_are_printed(tmp_path: Path) -> None:
    rows = ["a,b,label"] + [f"{i % 7 / 7},{i % 5 / 5},{i % 2}" for i in range(40)] + ["1,,0"]
    data = tmp_path / "gaps.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    refused = cli("train", EXAMPLES / "spiral_mlp.json", "--data", data, "--epochs", "1",
                  check=False)
    assert refused.returncode == 1
    assert 'nan="drop"' in refused.stderr
    done = cli("train", EXAMPLES / "spiral_mlp.json", "--data", data, "--epochs", "1",
               "--data-option", "nan=drop")
    assert "warning: dropped 1 rows with missing values (lines 42)" in done.stderr
    generated = cli("train", EXAMPLES / "spiral_mlp.json", "--data", "spiral", "--epochs", "1",
                    "--data-option", "n=60", "--data-option", "noise=0.05")
    assert generated.returncode == 0
    bad = cli("train", EXAMPLES / "spiral_mlp.json", "--data", "spiral", "--data-option",
              "noequals", check=False)
    assert bad.returncode == 2
    assert "KEY=VALUE" in bad.stderr
    unknown = cli("train", EXAMPLES / "spiral_mlp.json", "--data", "spiral", "--data-option",
                  "colour=red", check=False)
    assert unknown.returncode == 1
    assert "colour" in unknown.stderr
