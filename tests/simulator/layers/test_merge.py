"""Add and Concatenate: two or more inputs in, one list of gradients out."""

import numpy as np
import pytest

from simulator.backend import get_backend
from simulator.errors import SpecError
from simulator.layers import get_layer
from tests.simulator.layer_harness import run_layer_test


@pytest.mark.parametrize("shapes", [[(4,), (4,)], [(2, 3, 3)] * 3])
def test_add(shapes, backend_name):
    run_layer_test("Add", {}, shapes, expected_output_shape=shapes[0], backend_name=backend_name)


@pytest.mark.parametrize(("axis", "shapes", "out"), [
    (0, [(3,), (2,)], (5,)),
    (0, [(1, 2, 3), (2, 2, 3), (1, 2, 3)], (4, 2, 3)),
    (2, [(2, 2, 1), (2, 2, 3)], (2, 2, 4)),
    (-1, [(2, 1), (2, 2)], (2, 3)),
])
def test_concatenate(axis, shapes, out, backend_name):
    run_layer_test("Concatenate", {"axis": axis}, shapes, expected_output_shape=out,
                   backend_name=backend_name)


def test_concatenate_puts_inputs_side_by_side():
    layer = get_layer("Concatenate")
    layer.build([(1,), (2,)], get_backend("numpy", "float64"), np.random.default_rng(0))
    out = layer.forward([np.array([[1.0]]), np.array([[2.0, 3.0]])])
    np.testing.assert_array_equal(out, [[1.0, 2.0, 3.0]])
    first, second = layer.backward(np.array([[4.0, 5.0, 6.0]]))
    np.testing.assert_array_equal(first, [[4.0]])
    np.testing.assert_array_equal(second, [[5.0, 6.0]])


@pytest.mark.parametrize(("kind", "config", "shapes", "message"), [
    ("Add", {}, [(3,), (4,)], r"\[3\], \[4\]"),
    ("Concatenate", {}, [(2, 3, 3), (2, 4, 4)], r"\[2, 3, 3\], \[2, 4, 4\]"),
    ("Concatenate", {}, [(3,), (2, 2, 2)], "same number of axes"),
    ("Concatenate", {"axis": 1}, [(3,), (2,)], "only 1 axes"),
    ("Add", {}, [(3,)], "two or more"),
])
def test_shape_mismatches_list_the_shapes(kind, config, shapes, message):
    with pytest.raises(SpecError, match=message):
        get_layer({**config, "type": kind}).compute_output_shape(shapes)


def test_concatenate_axis_must_be_an_integer():
    with pytest.raises(SpecError, match="axis"):
        get_layer({"type": "Concatenate", "axis": "channels"})
