"""Dense: a = σ(W x + b), W laid out [units][inputs] (one row per unit, as the course writes it)."""

import numpy as np
import pytest

from simulator.backend import get_backend
from simulator.errors import SpecError
from simulator.layers.dense import Dense
from simulator.spec import NetworkSpec
from tests.simulator.layer_harness import run_layer_test

SMOOTH = ["linear", "sigmoid", "tanh", "softmax"]
KINKED = ["relu", {"type": "leaky_relu", "alpha": 0.1}]


@pytest.mark.parametrize("activation", SMOOTH + KINKED, ids=str)
def test_dense_with_each_activation(activation, backend_name):
    run_layer_test("Dense", {"units": 4, "activation": activation}, (5,),
                   expected_output_shape=(4,), expected_params={"W": (4, 5), "b": (4,)},
                   backend_name=backend_name, kink=activation in KINKED)


def test_dense_without_bias_and_with_regularizer(backend_name):
    config = {"units": 3, "use_bias": False, "regularizer": {"l2": 0.01},
              "kernel_initializer": "he_normal"}
    run_layer_test("Dense", config, (2,), expected_output_shape=(3,),
                   expected_params={"W": (3, 2)}, backend_name=backend_name)


def test_explicit_weights_are_used_exactly(backend_name):
    layer = Dense(units=2, weights=[[1, -2], [-1, 1]], bias=[1, 0])   # the slide's W
    layer.build((2,), get_backend(backend_name, "float64"), np.random.default_rng(0))
    out = layer.forward(layer.backend.asarray([[1.0, -1.0]]))
    np.testing.assert_array_equal(np.asarray(out.tolist()), [[4.0, -2.0]])


def test_wrong_shaped_weights_name_the_shapes():
    layer = Dense(units=2, weights=[[1, 2, 3]])
    with pytest.raises(SpecError, match=r"'weights' has shape \[1, 3\].*needs \[2, 4\]"):
        layer.build((4,), get_backend("numpy"), np.random.default_rng(0))


def test_transposed_weights_get_told_the_layout():
    """A matrix typed the old way round ([inputs][units]) is refused with the fix."""
    layer = Dense(units=2, weights=[[1, 2], [3, 4], [5, 6]])
    with pytest.raises(SpecError, match=r"needs \[2, 3\]; Dense weights are \[units\]\[inputs\], "
                                        r"one row of W per unit \(2 rows of 3\): transpose"):
        layer.build((3,), get_backend("numpy"), np.random.default_rng(0))


def test_dense_after_conv_without_flatten_is_a_spec_error():
    spec = {"input_shape": [1, 6, 6],
            "layers": [{"type": "Conv2D", "filters": 2, "kernel_size": 3, "name": "conv"},
                       {"type": "Dense", "units": 3, "name": "fc"}]}
    with pytest.raises(SpecError, match=r"layer 'fc'.*\[2, 4, 4\].*Flatten"):
        NetworkSpec.from_dict(spec)
