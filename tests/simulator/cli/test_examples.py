"""The example networks in resources/examples load, train briefly and export as they are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from simulator.cli import main
from simulator.io import load_model
from simulator.io.designs import read_network

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "resources" / "examples")
                  .glob("*.json"))
DATA = {"course_sigmoid.json": "blobs", "spiral_mlp.json": "spiral",
        "digits_cnn.json": "digits"}


def test_every_example_has_data_to_train_on() -> None:
    assert {path.name for path in EXAMPLES} == set(DATA)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_trains_and_exports(example: Path, tmp_path: Path, capsys) -> None:
    spec = read_network(example)
    assert spec.infer_shapes()
    model_path = tmp_path / "m.bpmodel"
    assert main(["train", str(example), "--data", DATA[example.name], "--epochs", "1",
                 "--out", str(model_path)]) == 0
    assert main(["export", str(model_path), "--onnx", str(tmp_path / "m.onnx")]) == 0
    capsys.readouterr()
    model = load_model(model_path)
    x = np.random.default_rng(0).uniform(0, 4, (5, *spec.input_shape)).astype(np.float32)
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"input": x})[0], model.predict(x),
                               rtol=1e-5, atol=1e-6)
