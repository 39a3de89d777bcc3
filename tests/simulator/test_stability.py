"""Extreme inputs stay finite and raise no RuntimeWarning (pytest turns warnings into errors)."""

import numpy as np
import pytest

from simulator.backend import to_numpy
from simulator.losses import get_loss
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.trainer import Finished, Trainer


def build(layers, input_shape, backend_name, loss="cross_entropy", dtype="float32"):
    spec = NetworkSpec.from_dict({"input_shape": input_shape, "layers": layers,
                                  "training": {"loss": loss, "dtype": dtype}})
    return compile_network(spec, backend_name, seed=0)


def train_step(net, x, y, loss_name):
    """One forward/backward as the Trainer does it; returns (loss, output, flat gradients)."""
    xp, loss = net.backend.xp, get_loss(loss_name)
    fused = loss.fuse(net.output_activation)
    out = net.forward(net.backend.asarray(x), training=True)
    value, grad = loss.value_and_grad(out, xp.asarray(y), xp, fused)
    net.backward(grad, fused=fused is not None)
    return float(value), to_numpy(out), to_numpy(net.flat_grads)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_huge_logits_through_softmax_cross_entropy(dtype, backend_name):
    layers = [{"type": "Dense", "units": 3, "weights": np.eye(3).tolist(), "bias": [0, 0, 0]},
              {"type": "Softmax"}]
    net = build(layers, [3], backend_name, dtype=dtype)
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    loss, out, grads = train_step(net, x, np.array([0, 0]), "cross_entropy")
    assert np.all(np.isfinite(out))
    assert np.all(np.isfinite(grads))
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)
    assert loss == pytest.approx(1e4, rel=1e-3)       # sample 1 is 2e4 nats wrong, sample 0 right


def test_sigmoid_of_plus_minus_1000(backend_name):
    layers = [{"type": "Dense", "units": 1, "activation": "sigmoid", "weights": [[1.0]],
               "bias": [0.0]}]
    net = build(layers, [1], backend_name, loss="binary_cross_entropy")
    loss, out, grads = train_step(net, np.array([[1000.0], [-1000.0]]), np.array([1, 0]),
                                  "binary_cross_entropy")
    np.testing.assert_array_equal(out, [[1.0], [0.0]])
    assert np.isfinite(loss)
    assert np.all(np.isfinite(grads))
    sigmoid = build([{"type": "Sigmoid"}], [2], backend_name)
    np.testing.assert_array_equal(sigmoid.predict(np.array([[1000.0, -1000.0]])), [[1.0, 0.0]])


EVERY_LAYER = [
    {"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": "same"},
    {"type": "BatchNorm"},
    {"type": "LeakyReLU"},
    {"type": "MaxPool2D"},
    {"type": "Dropout", "rate": 0.5},
    {"type": "Conv2D", "filters": 2, "kernel_size": 2, "activation": "relu", "name": "c2"},
    {"type": "AvgPool2D", "pool_size": 1},
    {"type": "GlobalAvgPool", "name": "gap"},
    {"type": "Flatten", "name": "flat", "inputs": ["c2"]},
    {"type": "Concatenate", "inputs": ["gap", "flat"], "name": "cat"},
    {"type": "Dense", "units": 4, "activation": "tanh"},
    {"type": "BatchNorm"},
    {"type": "Sigmoid", "name": "s"},
    {"type": "Dense", "units": 4, "inputs": ["cat"], "name": "d2"},
    {"type": "Add", "inputs": ["s", "d2"]},
    {"type": "Dense", "units": 3},
    {"type": "Softmax"},
]


@pytest.mark.parametrize("constant", [False, True], ids=["random", "constant_input"])
def test_batch_size_one_through_every_layer_type(constant, backend_name):
    net = build(EVERY_LAYER, [1, 4, 4], backend_name)
    x = np.full((1, 1, 4, 4), 0.5) if constant else np.random.default_rng(0).normal(
        size=(1, 1, 4, 4))
    loss, out, grads = train_step(net, x, np.array([2]), "cross_entropy")
    assert out.shape == (1, 3)
    assert np.isfinite(loss)
    assert np.all(np.isfinite(grads))
    assert np.all(np.isfinite(net.predict(x)))


def test_batchnorm_on_a_constant_feature_trains_without_warnings(backend_name):
    layers = [{"type": "BatchNorm"}, {"type": "Dense", "units": 2}, {"type": "Softmax"}]
    net = build(layers, [3], backend_name)
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(size=40), np.full(40, 7.0), rng.normal(size=40)])
    y = (x[:, 0] > 0).astype(np.int64)
    events = list(Trainer(net, net.spec.training.replace(epochs=2, batch_size=8), x, y).run())
    assert isinstance(events[-1], Finished)
    assert all(np.all(np.isfinite(w)) for w in net.get_weights().values())
    bn = next(iter(net.layers.values()))
    assert float(to_numpy(bn.buffers["running_var"])[1]) < 1.0      # decays towards 0
