"""The units view's probe: which networks it draws, their weights, every unit over the plane."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.probes import grid_points
from simulator.training.units import (
    MAX_UNITS,
    connection_weights,
    unit_columns,
    unit_grids,
    units_probe,
)

XOR = [{"type": "Dense", "name": "hidden", "units": 4, "activation": "tanh"},
       {"type": "Dense", "name": "output", "units": 2},
       {"type": "Softmax", "name": "softmax"}]


def spec_of(layers: list, input_shape: list | None = None) -> NetworkSpec:
    return NetworkSpec.from_dict({"input_shape": input_shape or [2], "layers": layers})


def test_columns_of_a_dense_chain() -> None:
    columns = unit_columns(spec_of(XOR))
    assert [(c.name, c.units, c.shown, c.activation) for c in columns] == [
        ("input", 2, "input", None), ("hidden", 4, "hidden", "tanh"),
        ("output", 2, "softmax", "softmax")]
    assert columns[2].members == ("output", "softmax")
    dropout = unit_columns(spec_of([XOR[0], {"type": "Dropout", "rate": 0.5, "name": "d"},
                                    {"type": "Dense", "units": 1, "activation": "sigmoid"}]))
    assert [c.activation for c in dropout] == [None, "tanh", "sigmoid"]
    assert dropout[1].shown == "d"


@pytest.mark.parametrize("layers", [
    [{"type": "Dense", "units": MAX_UNITS + 1}],                       # too many units
    [{"type": "Flatten"}, {"type": "Dense", "units": 2}],               # not a Dense first
    [{"type": "Dense", "units": 3, "name": "a"},                        # a branch
     {"type": "Dense", "units": 3, "name": "b", "inputs": ["input"]},
     {"type": "Add", "inputs": ["a", "b"]}],
])
def test_networks_the_view_cannot_draw(layers: list) -> None:
    assert unit_columns(spec_of(layers)) is None


def test_an_invalid_design_is_not_drawn() -> None:
    spec = spec_of(XOR)
    spec.update_layer("output", units=0)
    assert unit_columns(spec) is None


def test_images_and_wide_inputs_are_not_drawn() -> None:
    conv = [{"type": "Conv2D", "filters": 2, "kernel_size": 3}, {"type": "Flatten"},
            {"type": "Dense", "units": 2}]
    assert unit_columns(spec_of(conv, [1, 5, 5])) is None
    assert unit_columns(spec_of([{"type": "Dense", "units": 2}], [MAX_UNITS + 1])) is None


def test_weights_are_the_networks_in_the_course_layout() -> None:
    net = compile_network(spec_of(XOR), seed=2)
    weights = connection_weights(net)
    assert set(weights) == {"hidden", "output"}
    stored = net.get_weights()
    np.testing.assert_array_equal(weights["hidden"]["W"], stored["hidden.W"])
    np.testing.assert_array_equal(weights["output"]["b"], stored["output.b"])
    assert weights["hidden"]["W"].shape == (4, 2)           # one row per unit


def test_unit_heat_maps_are_the_hidden_outputs_on_the_grid() -> None:
    spec = spec_of(XOR)
    net = compile_network(spec, seed=2)
    bounds = (-1.5, 1.0, -0.5, 2.0)
    grids = unit_grids(net, unit_columns(spec), bounds, resolution=9)
    xs, ys, points = grid_points(bounds, 9)
    np.testing.assert_array_equal(grids["xs"], xs)
    values = net.forward_all(net.backend.asarray(points), training=False)
    hidden, probabilities = np.asarray(values[1]), np.asarray(values[3])
    columns = grids["columns"]
    assert columns["hidden"].shape == (4, 9, 9)
    for unit in range(4):
        np.testing.assert_array_equal(columns["hidden"][unit].reshape(-1), hidden[:, unit])
    np.testing.assert_array_equal(columns["output"][1].reshape(-1), probabilities[:, 1])
    # unit u at row i, column j is the output at (xs[j], ys[i]); the input column is x itself
    np.testing.assert_allclose(columns["input"][0][4], xs, rtol=1e-6)
    np.testing.assert_allclose(columns["input"][1][:, 4], ys, rtol=1e-6)


def test_the_probe_gives_weights_always_and_grids_for_two_inputs() -> None:
    net = compile_network(spec_of(XOR), seed=2)
    probe = units_probe(net, (-1.0, 1.0, -1.0, 1.0), resolution=5)
    data = probe(net)
    assert set(data["weights"]) == {"hidden", "output"}
    assert data["grids"]["columns"]["output"].shape == (2, 5, 5)
    three = compile_network(spec_of(XOR, [3]), seed=2)
    assert units_probe(three, None)(three)["grids"] is None
    conv = spec_of([{"type": "Conv2D", "filters": 2, "kernel_size": 3}], [1, 5, 5])
    assert units_probe(compile_network(conv), None) is None
