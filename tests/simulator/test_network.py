"""Whole networks: branching graphs and a small CNN, gradient-checked end to end in float64.

Each check perturbs entries of the network's flat parameter buffer and compares the change in
the loss with the gradient ``Network.backward`` left in the flat gradient buffer, through the
fused softmax/cross-entropy exactly as the Trainer computes it.
"""

import numpy as np
import pytest

from simulator.backend import to_numpy
from simulator.losses import get_loss
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from tests.simulator.gradcheck import relative_error

EPS = 1e-6


def check_network_gradients(spec_dict, x, y, backend_name, per_tensor=12, tol=1e-6):
    spec_dict = {**spec_dict, "training": {"dtype": "float64", "loss": "cross_entropy"}}
    net = compile_network(NetworkSpec.from_dict(spec_dict), backend_name, seed=3)
    xp, loss = net.backend.xp, get_loss("cross_entropy")
    x, y = net.backend.asarray(x), xp.asarray(y)
    fused = loss.fuse(net.output_activation)
    assert fused is not None

    def loss_value() -> float:
        out = net.forward(x, training=True)
        return float(loss.value_and_grad(out, y, xp, fused)[0])

    out = net.forward(x, training=True)
    _, grad = loss.value_and_grad(out, y, xp, fused)
    net.backward(grad, fused=True)
    analytic = np.array(to_numpy(net.flat_grads))
    host = np.array(to_numpy(net.flat_params))
    rng = np.random.default_rng(0)
    for name, part in net.param_slices.items():
        size = part.stop - part.start
        picks = part.start + rng.choice(size, min(size, per_tensor), replace=False)
        numeric = []
        for i in picks:
            old = host[i]
            values = []
            for value in (old + EPS, old - EPS):
                host[i] = value
                net.flat_params[...] = net.backend.asarray(host)
                values.append(loss_value())
            host[i] = old
            numeric.append((values[0] - values[1]) / (2 * EPS))
        net.flat_params[...] = net.backend.asarray(host)
        err = relative_error(analytic[picks], np.array(numeric))
        assert err < tol, f"{name}: relative error {err:.2e}"
    return net


@pytest.mark.parametrize("merge", ["Add", "Concatenate"])
def test_branching_network_gradients(merge, backend_name):
    spec = {"input_shape": [4], "layers": [
        {"type": "Dense", "units": 5, "activation": "tanh", "name": "trunk"},
        {"type": "Dense", "units": 3, "activation": "sigmoid", "name": "left",
         "inputs": ["trunk"]},
        {"type": "Dense", "units": 3, "activation": "tanh", "name": "right",
         "inputs": ["trunk"]},
        {"type": merge, "name": "join", "inputs": ["left", "right", "trunk"]
         if merge == "Concatenate" else ["left", "right"]},
        {"type": "Dense", "units": 3, "name": "head"},
        {"type": "Softmax", "name": "probs"},
    ]}
    rng = np.random.default_rng(1)
    net = check_network_gradients(spec, rng.normal(size=(6, 4)), rng.integers(0, 3, 6),
                                  backend_name)
    assert len(net.param_slices) == 8


@pytest.mark.parametrize("reduce", ["GlobalAvgPool", "Flatten"])
def test_cnn_gradients(reduce, backend_name):
    spec = {"input_shape": [2, 8, 8], "layers": [
        # no bias before BatchNorm: its gradient is exactly zero (BN removes the mean)
        {"type": "Conv2D", "filters": 3, "kernel_size": 3, "padding": "same", "use_bias": False},
        {"type": "BatchNorm"},
        {"type": "ReLU"},
        {"type": "MaxPool2D"},
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "tanh"},
        {"type": reduce},
        {"type": "Dense", "units": 3},
        {"type": "Softmax"},
    ]}
    rng = np.random.default_rng(2)
    net = check_network_gradients(spec, rng.normal(size=(3, 2, 8, 8)), rng.integers(0, 3, 3),
                                  backend_name, tol=1e-4)
    assert net.infos[5].output_shape == ((4,) if reduce == "GlobalAvgPool" else (16,))
