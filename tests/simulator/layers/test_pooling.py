"""MaxPool2D, AvgPool2D and GlobalAvgPool."""

import numpy as np
import pytest

from simulator.backend import get_backend, to_numpy
from simulator.errors import SpecError
from simulator.layers import get_layer
from tests.simulator.layer_harness import distinct, run_layer_test

WINDOWS = [  # (config, input, output): tiling, a ragged edge, overlapping, gaps, rectangles
    ({}, (2, 4, 6), (2, 2, 3)),
    ({"pool_size": 2}, (1, 5, 5), (1, 2, 2)),
    ({"pool_size": 3, "stride": 1}, (2, 4, 5), (2, 2, 3)),
    ({"pool_size": 2, "stride": 3}, (1, 7, 8), (1, 2, 3)),
    ({"pool_size": [1, 2], "stride": [1, 2]}, (2, 3, 4), (2, 3, 2)),
]


@pytest.mark.parametrize(("config", "in_shape", "out_shape"), WINDOWS)
@pytest.mark.parametrize("kind", ["MaxPool2D", "AvgPool2D"])
def test_pool_variants(kind, config, in_shape, out_shape, backend_name):
    run_layer_test(kind, config, in_shape, expected_output_shape=out_shape,
                   backend_name=backend_name, kink=kind == "MaxPool2D", inputs=distinct)


def test_global_average_pool(backend_name):
    run_layer_test("GlobalAvgPool", {}, (3, 4, 5), expected_output_shape=(3,),
                   backend_name=backend_name)


def _built(kind, config, shape, backend_name="numpy"):
    layer = get_layer({**config, "type": kind})
    layer.build(shape, get_backend(backend_name, "float64"), np.random.default_rng(0))
    return layer


def test_max_pool_ties_send_the_gradient_to_the_first_position(backend_name):
    layer = _built("MaxPool2D", {}, (1, 2, 4), backend_name)
    x = layer.backend.asarray([[[[5.0, 5.0, 1.0, 2.0], [5.0, 5.0, 2.0, 2.0]]]])
    out = layer.forward(x, training=True)
    np.testing.assert_array_equal(to_numpy(out), [[[[5.0, 2.0]]]])
    dx = layer.backward(layer.backend.asarray([[[[1.0, 10.0]]]]))
    np.testing.assert_array_equal(to_numpy(dx), [[[[1.0, 0.0, 0.0, 10.0],
                                                   [0.0, 0.0, 0.0, 0.0]]]])


def test_overlapping_max_pool_accumulates_into_a_shared_maximum():
    layer = _built("MaxPool2D", {"pool_size": 2, "stride": 1}, (1, 2, 3))
    x = np.array([[[[0.0, 9.0, 1.0], [2.0, 3.0, 4.0]]]])
    np.testing.assert_array_equal(layer.forward(x, training=True), [[[[9.0, 9.0]]]])
    np.testing.assert_array_equal(layer.backward(np.array([[[[1.0, 2.0]]]])),
                                  [[[[0.0, 3.0, 0.0], [0.0, 0.0, 0.0]]]])


def test_average_pool_of_a_known_input():
    layer = _built("AvgPool2D", {}, (1, 2, 4))
    x = np.array([[[[1.0, 3.0, 0.0, 4.0], [5.0, 7.0, 8.0, 0.0]]]])
    np.testing.assert_array_equal(layer.forward(x), [[[[4.0, 3.0]]]])


@pytest.mark.parametrize(("kind", "shape", "message"), [
    ("MaxPool2D", (1, 1, 4), "2x2 pool is larger than the 1x4 input"),
    ("AvgPool2D", (16,), "image input"),
    ("GlobalAvgPool", (4, 4), "image input"),
])
def test_pool_shape_errors(kind, shape, message):
    with pytest.raises(SpecError, match=message):
        get_layer(kind).compute_output_shape(shape)


def test_pool_config_is_validated():
    with pytest.raises(SpecError, match="pool_size"):
        get_layer({"type": "MaxPool2D", "pool_size": 0})
    with pytest.raises(SpecError, match="stride"):
        get_layer({"type": "AvgPool2D", "stride": [1, 2, 3]})
