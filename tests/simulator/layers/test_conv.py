"""Conv2D: im2col + one GEMM, checked against a direct loop and by the shared harness."""

import numpy as np
import pytest

from simulator.backend import get_backend, to_numpy
from simulator.errors import SpecError
from simulator.layers.conv import Conv2D
from tests.simulator.layer_harness import away_from_zero, run_layer_test

VARIANTS = [  # (config, input (C, H, W), output (F, Ho, Wo))
    ({"filters": 3, "kernel_size": 3}, (2, 5, 5), (3, 3, 3)),
    ({"filters": 2, "kernel_size": 3, "padding": "same"}, (3, 4, 5), (2, 4, 5)),
    ({"filters": 2, "kernel_size": 2, "padding": "same"}, (1, 4, 4), (2, 4, 4)),
    ({"filters": 2, "kernel_size": 3, "stride": 2, "padding": "same"}, (2, 7, 8), (2, 4, 4)),
    ({"filters": 4, "kernel_size": [2, 3], "stride": [2, 1], "padding": 1}, (2, 5, 4), (4, 3, 4)),
    ({"filters": 1, "kernel_size": 3, "use_bias": False, "activation": "tanh"}, (1, 4, 4),
     (1, 2, 2)),
]


def naive_conv(x, w, b, stride, pads):
    """Direct definition: one dot product per output pixel."""
    top, left, bottom, right = pads
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    f, _, kh, kw = w.shape
    ho = (xp.shape[2] - kh) // stride[0] + 1
    wo = (xp.shape[3] - kw) // stride[1] + 1
    y = np.zeros((x.shape[0], f, ho, wo))
    sh, sw = stride
    for n in range(x.shape[0]):
        for o in range(f):
            for i in range(ho):
                for j in range(wo):
                    patch = xp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    y[n, o, i, j] = np.sum(patch * w[o]) + (b[o] if b is not None else 0.0)
    return y


@pytest.mark.parametrize(("config", "in_shape", "out_shape"), VARIANTS)
def test_conv_variants(config, in_shape, out_shape, backend_name):
    params = {"W": (config["filters"], in_shape[0], *np.broadcast_to(config["kernel_size"], 2))}
    if config.get("use_bias", True):
        params["b"] = (config["filters"],)
    run_layer_test("Conv2D", config, in_shape, expected_output_shape=out_shape,
                   expected_params=params, backend_name=backend_name, batch=2)


def test_conv_with_relu_activation(backend_name):
    config = {"filters": 2, "kernel_size": 3, "padding": "same", "activation": "relu",
              "bias_initializer": {"type": "constant", "value": 0.1}}
    run_layer_test("Conv2D", config, (2, 4, 4), expected_output_shape=(2, 4, 4),
                   expected_params={"W": (2, 2, 3, 3), "b": (2,)}, backend_name=backend_name,
                   kink=True, inputs=away_from_zero)


@pytest.mark.parametrize(("config", "in_shape", "_"), VARIANTS)
def test_conv_matches_the_direct_loop(config, in_shape, _, backend_name):
    layer = Conv2D(**config)
    layer.build(in_shape, get_backend(backend_name, "float64"), np.random.default_rng(3))
    x = np.random.default_rng(4).normal(size=(2, *in_shape))
    w = to_numpy(layer.params["W"])
    b = to_numpy(layer.params["b"]) if layer.use_bias else None
    want = naive_conv(x, w, b, layer.strides, layer.pads(in_shape))
    if config.get("activation") == "tanh":
        want = np.tanh(want)
    got = to_numpy(layer.forward(layer.backend.asarray(x)))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_same_padding_is_asymmetric_like_onnx_same_upper():
    assert Conv2D(1, 2, padding="same").pads((1, 5, 5)) == (0, 0, 1, 1)
    assert Conv2D(1, 3, padding="same").pads((1, 5, 5)) == (1, 1, 1, 1)
    assert Conv2D(1, 3, stride=2, padding="same").pads((1, 8, 7)) == (0, 1, 1, 1)
    assert Conv2D(1, 3, stride=2, padding="same").compute_output_shape((1, 8, 7)) == (1, 4, 4)


def test_explicit_weights_are_used_exactly():
    layer = Conv2D(1, 2, weights=[[[[1, 2], [3, 4]]]], bias=[0.5])
    layer.build((1, 2, 3), get_backend("numpy", "float64"), np.random.default_rng(0))
    x = np.arange(6.0).reshape(1, 1, 2, 3)
    np.testing.assert_array_equal(layer.forward(x), [[[[0 + 2 + 9 + 16 + 0.5,
                                                         1 + 4 + 12 + 20 + 0.5]]]])


def test_wrong_shaped_weights_name_the_shape():
    layer = Conv2D(2, 3, weights=np.zeros((2, 1, 3, 3)).tolist())
    with pytest.raises(SpecError, match=r"\[2, 1, 3, 3\].*needs \[2, 3, 3, 3\]"):
        layer.build((3, 5, 5), get_backend("numpy"), np.random.default_rng(0))


def test_kernel_larger_than_input_names_both_sizes():
    with pytest.raises(SpecError, match="5x5 kernel is larger than the 3x4"):
        Conv2D(1, 5).compute_output_shape((1, 3, 4))
    assert Conv2D(1, 5, padding=1).compute_output_shape((1, 3, 3)) == (1, 1, 1)


@pytest.mark.parametrize(("config", "message"), [
    ({"filters": 0, "kernel_size": 3}, "filters"),
    ({"filters": 1, "kernel_size": [3, 3, 3]}, "kernel_size"),
    ({"filters": 1, "kernel_size": 3, "padding": "full"}, "padding"),
    ({"filters": 1, "kernel_size": 3, "padding": -1}, "padding"),
    ({"filters": 1, "kernel_size": 3, "stride": 0}, "stride"),
    ({"filters": 1, "kernel_size": 3, "use_bias": False, "bias": [1]}, "use_bias"),
])
def test_bad_configs_are_spec_errors(config, message):
    with pytest.raises(SpecError, match=message):
        Conv2D(**config)


def test_flat_input_is_rejected_with_a_hint():
    with pytest.raises(SpecError, match=r"image input.*\[784\]"):
        Conv2D(1, 3).compute_output_shape((784,))


def test_big_inference_batches_run_in_slices_with_the_same_result(monkeypatch):
    layer = Conv2D(2, 3, padding="same", activation="softmax")
    layer.build((2, 4, 4), get_backend("numpy", "float64"), np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(7, 2, 4, 4))
    whole = layer.forward(x)
    monkeypatch.setattr("simulator.layers.conv.MAX_COLS_ELEMENTS", 2 * 18 * 16)  # 2 samples
    sizes = []
    linear = layer._linear
    monkeypatch.setattr(layer, "_linear", lambda x, t: sizes.append(len(x)) or linear(x, t))
    np.testing.assert_allclose(layer.forward(x), whole, rtol=1e-14, atol=1e-15)
    assert sizes == [2, 2, 2, 1]
    assert layer.cols is None
