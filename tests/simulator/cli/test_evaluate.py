"""``evaluate`` maps the file's labels through the model's class names, and scores the held-out
part of a built-in dataset by default."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator.io import load_model
from tests.simulator.cli.helpers import EXAMPLES, cli, error_line

NAMES = ("setosa", "versicolor", "virginica")
CENTRES = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])


def flowers(path: Path, classes: tuple[int, ...], n: int = 40, seed: int = 0,
            label=lambda k: NAMES[k]) -> Path:
    """Three well-separated blobs with text labels (like iris), only ``classes`` written."""
    rng = np.random.default_rng(seed)
    rows = [(*(CENTRES[k] + rng.normal(0, 0.3, 2)), label(k)) for k in classes
            for _ in range(n)]
    path.write_text("a,b,species\n" + "".join(f"{a},{b},{s}\n" for a, b, s in rows))
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("evaluate")
    network = folder / "net.json"
    network.write_text(json.dumps({
        "input_shape": [2],
        "layers": [{"type": "Dense", "units": 8, "activation": "tanh"},
                   {"type": "Dense", "units": 3}, {"type": "Softmax"}],
        "training": {"loss": "cross_entropy", "epochs": 30, "batch_size": 16,
                     "optimizer": {"type": "adam", "learning_rate": 0.05}}}))
    out = folder / "flowers.bpmodel"
    cli("train", network, "--data", flowers(folder / "train.csv", (0, 1, 2)), "--out", out)
    assert load_model(out).class_names == list(NAMES)
    return out


def test_a_test_file_without_one_class_scores_by_the_models_names(model: Path,
                                                                   tmp_path: Path) -> None:
    test = flowers(tmp_path / "test.csv", (1, 2), seed=1)
    result = json.loads(cli("evaluate", model, "--data", test, "--json").stdout)
    assert result["split"] == "all"
    assert result["samples"] == 80
    assert result["accuracy"] >= 0.95
    matrix = np.array(result["confusion_matrix"])
    assert matrix.shape == (3, 3)
    assert matrix[0].sum() == 0            # no setosa rows in the file
    assert result["class_names"] == list(NAMES)


def test_whole_number_labels_map_by_value_onto_named_classes(model: Path,
                                                              tmp_path: Path) -> None:
    test = flowers(tmp_path / "numbers.csv", (2,), seed=2, label=str)
    result = json.loads(cli("evaluate", model, "--data", test, "--json").stdout)
    assert np.array(result["confusion_matrix"])[2].sum() == 40
    assert result["accuracy"] >= 0.95


def test_a_label_the_model_never_saw_is_one_line_naming_it(model: Path, tmp_path: Path) -> None:
    test = flowers(tmp_path / "odd.csv", (0, 1), label=lambda k: ("setosa", "rose")[k])
    line = error_line(cli("evaluate", model, "--data", test, check=False))
    assert line == ("backprop-studio: error: the data has label 'rose', which the model never "
                    "saw; its classes are: setosa, versicolor, virginica")


def test_a_builtin_dataset_scores_the_held_out_split_by_default(tmp_path: Path) -> None:
    out = tmp_path / "spiral.bpmodel"
    cli("train", EXAMPLES / "spiral_mlp.json", "--data", "spiral", "--epochs", "3",
        "--seed", "5", "--out", out)
    trained = load_model(out).metrics

    def evaluate(*split: str) -> dict:
        return json.loads(cli("evaluate", out, "--data", "spiral", "--json", *split).stdout)

    held_out = evaluate()
    assert (held_out["split"], held_out["samples"]) == ("val", 60)
    # the same seed gives the same rows: the training's own validation numbers come back
    assert held_out["loss"] == pytest.approx(trained["val_loss"], rel=1e-6)
    assert held_out["accuracy"] == pytest.approx(trained["val_accuracy"])
    assert evaluate("--split", "val") == held_out
    assert evaluate("--split", "train")["samples"] == 240
    assert evaluate("--split", "all")["samples"] == 300
    line = error_line(cli("evaluate", out, "--data", "spiral", "--split", "test", check=False))
    assert "has no test part of its own" in line


def test_a_model_trained_without_a_validation_split_has_nothing_held_out(tmp_path) -> None:
    network = json.loads((EXAMPLES / "spiral_mlp.json").read_text())
    network["training"]["validation_split"] = 0
    (tmp_path / "net.json").write_text(json.dumps(network))
    out = tmp_path / "m.bpmodel"
    cli("train", tmp_path / "net.json", "--data", "spiral", "--epochs", "1", "--out", out)
    assert json.loads(cli("evaluate", out, "--data", "spiral", "--json").stdout)["split"] == \
        "all"
    assert "no rows were held out" in error_line(
        cli("evaluate", out, "--data", "spiral", "--split", "val", check=False))


def test_class_data_for_a_regression_model_is_refused(tmp_path: Path) -> None:
    network = tmp_path / "curve.json"
    network.write_text(json.dumps({
        "input_shape": [2], "layers": [{"type": "Dense", "units": 1}],
        "training": {"loss": "mse"}}))
    assert "the model fits numbers (loss 'mse') but the data has class labels" in error_line(
        cli("evaluate", network, "--data", "xor", check=False))
