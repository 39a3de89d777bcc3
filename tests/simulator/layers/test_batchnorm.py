"""BatchNorm after Dense (per feature) and after Conv2D (per channel), training and inference."""

import numpy as np
import pytest

from simulator.backend import get_backend, to_numpy
from simulator.errors import SpecError
from simulator.layers import get_layer
from simulator.spec import NetworkSpec
from tests.simulator.layer_harness import run_layer_test

SHAPES = [((4,), {"gamma": (4,), "beta": (4,)}), ((3, 2, 3), {"gamma": (3,), "beta": (3,)})]


def _random_state(layer):
    """Non-trivial γ, β and running statistics, so every term of the math is exercised."""
    rng = np.random.default_rng(8)
    c = layer.params["gamma"].shape[0]
    for store, key, value in (("params", "gamma", rng.uniform(0.5, 2, c)),
                              ("params", "beta", rng.normal(size=c)),
                              ("buffers", "running_mean", rng.normal(size=c)),
                              ("buffers", "running_var", rng.uniform(0.5, 2, c))):
        getattr(layer, store)[key][...] = layer.backend.asarray(value)


@pytest.mark.parametrize(("shape", "params"), SHAPES, ids=["after_dense", "after_conv"])
@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
def test_batchnorm(shape, params, training, backend_name):
    run_layer_test("BatchNorm", {"momentum": 0.8}, shape, expected_output_shape=shape,
                   expected_params=params, backend_name=backend_name, training=training,
                   setup=_random_state, batch=4)


def _built(shape, **config):
    layer = get_layer({**config, "type": "BatchNorm"})
    layer.build(shape, get_backend("numpy", "float64"), np.random.default_rng(0))
    return layer


def test_training_normalizes_per_channel_and_updates_running_stats():
    layer = _built((2, 3, 3), momentum=0.9)
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(5, 2, 3, 3))
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1.0, rtol=1e-3)
    np.testing.assert_allclose(layer.buffers["running_mean"], 0.1 * x.mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(layer.buffers["running_var"],
                               0.9 + 0.1 * x.var(axis=(0, 2, 3)))   # biased batch variance


def test_inference_uses_running_statistics():
    layer = _built((2,), gamma=[2.0, 1.0], beta=[0.0, 1.0])
    layer.buffers["running_mean"][...] = [1.0, -1.0]
    layer.buffers["running_var"][...] = [4.0, 1.0]
    y = layer.forward(np.array([[3.0, -1.0]]), training=False)
    np.testing.assert_allclose(y, [[2.0 * 2.0 / np.sqrt(4 + 1e-5), 1.0]])


def test_constant_feature_gives_finite_output(backend_name):
    layer = get_layer("BatchNorm")
    layer.build((3,), get_backend(backend_name, "float32"), np.random.default_rng(0))
    x = layer.backend.asarray(np.tile([[5.0, 1.0, -2.0]], (8, 1)))
    y = layer.forward(x, training=True)
    grad = layer.backward(layer.backend.asarray(np.ones((8, 3))))
    assert np.all(to_numpy(y) == 0.0)
    assert np.all(np.isfinite(to_numpy(grad)))


@pytest.mark.parametrize(("config", "message"), [
    ({"momentum": 1.0}, "momentum"), ({"epsilon": 0}, "epsilon"), ({"gamma": [1, 2]}, "gamma"),
])
def test_bad_configs(config, message):
    with pytest.raises(SpecError, match=message):
        _built((3,), **config)


def test_two_axis_input_is_rejected():
    with pytest.raises(SpecError, match=r"\[4, 5\]"):
        get_layer("BatchNorm").compute_output_shape((4, 5))


def test_explicit_gamma_of_the_wrong_length_fails_at_design_time():
    spec = {"input_shape": [3], "layers": [{"type": "BatchNorm", "name": "bn", "gamma": [1, 2]}]}
    with pytest.raises(SpecError, match=r"layer 'bn'.*'gamma' has shape \[2\].*needs \[3\]"):
        NetworkSpec.from_dict(spec)
