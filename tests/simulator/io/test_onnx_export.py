"""ONNX export: checker-valid opset-17 graphs whose outputs match the engine on raw inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from simulator.data import Preprocessor
from simulator.errors import ModelFileError
from simulator.io import export_onnx, load_model, save_model
from simulator.io.onnx import build_onnx
from simulator.io.onnx import core as onnx_layers
from simulator.io.onnx.conv import conv_pads
from simulator.io.onnx.graph import CONVERTERS
from tests.simulator.io.builders import BRANCHING, CNN, MLP, build


def run_onnx(path: Path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": x})[0]


def fitted(x: np.ndarray, method: str = "standardize") -> Preprocessor:
    return Preprocessor(method).fit(x)


@pytest.mark.parametrize(("config", "name"), [(MLP, "mlp"), (CNN, "cnn"),
                                              (BRANCHING, "branching")])
def test_onnx_matches_loaded_model_on_raw_inputs(config, name, tmp_path: Path) -> None:
    network = build(config, seed=3)
    shape = network.spec.input_shape
    rng = np.random.default_rng(0)
    raw = rng.normal(5.0, 3.0, (64, *shape))
    save_model(tmp_path / f"{name}.bpmodel", network, preprocessor=fitted(raw))
    model = load_model(tmp_path / f"{name}.bpmodel")
    export_onnx(model, tmp_path / f"{name}.onnx")
    onnx_model = onnx.load(tmp_path / f"{name}.onnx")
    onnx.checker.check_model(onnx_model, full_check=True)
    assert onnx_model.ir_version == 8
    assert [(o.domain, o.version) for o in onnx_model.opset_import] == [("", 17)]
    batch_dim = onnx_model.graph.input[0].type.tensor_type.shape.dim[0]
    assert batch_dim.dim_param == "batch"
    x = rng.normal(5.0, 3.0, (7, *shape)).astype(np.float32)
    expected = model.predict(x)
    np.testing.assert_allclose(run_onnx(tmp_path / f"{name}.onnx", x), expected,
                               rtol=1e-5, atol=2e-6)
    assert not np.allclose(network.predict(x), expected, atol=1e-3), \
        "the preprocessing must matter for this test to mean anything"


def test_expected_operators_are_used(tmp_path: Path) -> None:
    ops = {n.op_type for n in build_onnx(build(CNN)).graph.node}
    assert {"Conv", "BatchNormalization", "MaxPool", "AveragePool", "Flatten", "Gemm",
            "Softmax", "Relu", "Tanh"} <= ops
    assert "Dropout" not in ops
    ops = {n.op_type for n in build_onnx(build(BRANCHING)).graph.node}
    assert {"Add", "Sum", "Concat", "GlobalAveragePool", "LeakyRelu", "Sigmoid"} <= ops
    concat_axes = sorted(a.i for n in build_onnx(build(BRANCHING)).graph.node
                         if n.op_type == "Concat" for a in n.attribute)
    assert concat_axes == [1, 1]


def test_same_padding_puts_the_odd_pixel_bottom_right() -> None:
    # 8x8, kernel 3, stride 2 -> 4x4 outputs need one extra row/column: bottom/right.
    conv = next(n for n in build_onnx(build(CNN)).graph.node if n.op_type == "Conv")
    pads = next(a.ints for a in conv.attribute if a.name == "pads")
    assert list(pads) == [0, 0, 1, 1]
    assert conv_pads("same", (9, 9), [3, 3], [2, 2]) == [1, 1, 1, 1]
    assert conv_pads("same", (5, 6), [4, 1], [1, 1]) == [1, 0, 2, 0]
    assert conv_pads(2, (5, 6), [3, 3], [1, 1]) == [2, 2, 2, 2]
    assert conv_pads("valid", (5, 6), [3, 3], [1, 1]) == [0, 0, 0, 0]


def test_network_without_preprocessing_and_float64(tmp_path: Path) -> None:
    network = build(MLP, seed=1, dtype="float64")
    export_onnx(network, tmp_path / "plain.onnx")
    x = np.random.default_rng(2).normal(size=(5, 4))
    np.testing.assert_allclose(run_onnx(tmp_path / "plain.onnx", x), network.predict(x),
                               rtol=1e-7, atol=1e-9)  # ORT approximates tanh
    ops = [n.op_type for n in onnx.load(tmp_path / "plain.onnx").graph.node]
    assert "Sub" not in ops
    assert "Mul" not in ops


def test_class_names_travel_as_metadata(tmp_path: Path) -> None:
    network = build(MLP)
    save_model(tmp_path / "m.bpmodel", network, class_names=["a", "b", "c"])
    model = build_onnx(load_model(tmp_path / "m.bpmodel"))
    props = {p.key: p.value for p in model.metadata_props}
    assert props["class_names"] == '["a", "b", "c"]'


def test_layer_without_converter_is_named(tmp_path: Path, monkeypatch) -> None:
    build_onnx(build(MLP))  # makes sure every converter module is registered
    monkeypatch.delitem(CONVERTERS._entries, "Dropout")
    with pytest.raises(ModelFileError, match="'drop' \\(Dropout\\).*no converter for Dropout"):
        export_onnx(build(CNN), tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


def test_unknown_activation_option_is_refused(monkeypatch) -> None:
    monkeypatch.delitem(onnx_layers._ACTIVATION_OPS, "tanh")
    with pytest.raises(ModelFileError, match="activation 'tanh' has no ONNX converter"):
        build_onnx(build(MLP))
