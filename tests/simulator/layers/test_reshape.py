"""Flatten: (C, H, W) → (C·H·W,) in C order."""

import numpy as np

from simulator.backend import get_backend
from simulator.layers import get_layer
from tests.simulator.layer_harness import run_layer_test


def test_flatten_image(backend_name):
    run_layer_test("Flatten", {}, (2, 3, 4), expected_output_shape=(24,),
                   backend_name=backend_name)


def test_flatten_flat_input_is_identity(backend_name):
    run_layer_test("Flatten", {}, (5,), expected_output_shape=(5,), backend_name=backend_name)


def test_flatten_is_c_order_even_for_channel_major_memory():
    layer = get_layer("Flatten")
    layer.build((2, 2, 2), get_backend("numpy", "float64"), np.random.default_rng(0))
    x = np.arange(16.0).reshape(2, 2, 2, 2)
    channel_major = np.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    np.testing.assert_array_equal(layer.forward(channel_major), x.reshape(2, 8))
    np.testing.assert_array_equal(layer.backward(x.reshape(2, 8)), x)
