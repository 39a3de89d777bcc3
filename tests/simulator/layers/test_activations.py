"""Standalone activation layers (they share the formulas of Dense's ``activation`` option)."""

import numpy as np
import pytest

from simulator.backend import get_backend
from simulator.errors import SpecError
from simulator.layers import get_layer
from tests.simulator.layer_harness import away_from_zero, run_layer_test


@pytest.mark.parametrize("name", ["Linear", "Sigmoid", "Tanh", "Softmax"])
@pytest.mark.parametrize("shape", [(4,), (3, 2, 2)], ids=["flat", "image"])
def test_smooth_activation_layer(name, shape, backend_name):
    run_layer_test(name, {}, shape, expected_output_shape=shape, backend_name=backend_name)


@pytest.mark.parametrize(("name", "config"), [("ReLU", {}), ("LeakyReLU", {"alpha": 0.2})])
def test_kinked_activation_layer(name, config, backend_name):
    run_layer_test(name, config, (2, 3, 3), expected_output_shape=(2, 3, 3),
                   backend_name=backend_name, kink=True, inputs=away_from_zero)


def test_softmax_rows_sum_to_one_and_relu_clips():
    backend = get_backend("numpy", "float64")
    x = np.array([[3.0, 1.0, -3.0], [0.0, 0.0, 0.0]])
    softmax, relu = get_layer("Softmax"), get_layer("ReLU")
    for layer in (softmax, relu):
        layer.build((3,), backend, np.random.default_rng(0))
    np.testing.assert_allclose(softmax.forward(x).sum(axis=1), [1.0, 1.0])
    np.testing.assert_array_equal(relu.forward(x), [[3.0, 1.0, 0.0], [0.0, 0.0, 0.0]])


def test_leaky_relu_alpha_is_validated():
    with pytest.raises(SpecError, match="alpha"):
        get_layer({"type": "LeakyReLU", "alpha": 2})


@pytest.mark.parametrize("spec", [["relu"], 3, {"type": ["relu"]}, {"type": "relu", "beta": 1},
                                  "swish"])
def test_bad_activation_specs_are_spec_errors(spec):
    with pytest.raises(SpecError, match="activation"):
        get_layer({"type": "Dense", "units": 2, "activation": spec})
