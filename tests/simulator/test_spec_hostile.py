"""Designs that could only fail later (at save, or deep in a recursion) fail when they are read."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from simulator.errors import SpecError
from simulator.network import compile_network
from simulator.spec import MAX_LAYERS, MAX_NAME_CHARS, LayerSpec, NetworkSpec


def design(**layer: object) -> dict:
    return {"input_shape": [2], "layers": [{"type": "Dense", "units": 2, **layer}]}


def test_a_valid_design_listed_output_first_needs_no_deep_recursion() -> None:
    # Layer i takes layer i+1's output: a depth-first walk from the first layer goes 998 deep.
    count = MAX_LAYERS - 1
    layers = [{"type": "Tanh", "name": f"l{i}", "inputs": [f"l{i + 1}"]} for i in range(count - 1)]
    layers[-1]["inputs"] = ["input"]
    layers.append({"type": "Dense", "name": "out", "units": 2, "inputs": ["l0"]})
    spec = NetworkSpec.from_dict({"input_shape": [2], "layers": layers})
    order = spec.topological_order()
    assert order[0] == count - 2
    assert order[-1] == count - 1
    network = compile_network(spec, seed=0)
    assert network.predict(np.zeros((1, 2))).shape == (1, 2)


def test_a_long_cycle_is_still_named() -> None:
    layers = [{"type": "Tanh", "name": f"l{i}", "inputs": [f"l{(i + 1) % 500}"]}
              for i in range(500)]
    with pytest.raises(SpecError, match=r"cycle: l0 -> l1 -> .* -> l499 -> l0"):
        NetworkSpec.from_dict({"input_shape": [2], "layers": layers})


def test_a_layer_name_too_long_for_the_weights_file_is_refused_at_design_time() -> None:
    NetworkSpec.from_dict(design(name="n" * MAX_NAME_CHARS))
    with pytest.raises(SpecError, match=f"1 to {MAX_NAME_CHARS} characters.*shorter"):
        NetworkSpec.from_dict(design(name="n" * (MAX_NAME_CHARS + 1)))
    spec = NetworkSpec.from_dict(design())
    with pytest.raises(SpecError, match="shorter"):
        spec.insert_layer(LayerSpec("Dense", {"units": 2}, "中" * (MAX_NAME_CHARS + 1)))


@pytest.mark.parametrize("name", ["tab\there", "new\nline", "\u200b", "   ", "\ud800"])
def test_invisible_or_unwritable_layer_names_are_refused(name: str) -> None:
    with pytest.raises(SpecError, match="control, invisible or only blank"):
        NetworkSpec.from_dict(design(name=name))


@pytest.mark.parametrize("position", ["[1e400, 0]", "[0, -1e400]", "[1e308, 0]",
                                      '["1", 2]', "[true, 0]", "[1" + "0" * 400 + ", 0]",
                                      "[1, 2, 3]"])
def test_a_canvas_position_must_be_two_finite_numbers(position: str) -> None:
    text = json.dumps(design(position="HERE")).replace('"HERE"', position)
    with pytest.raises(SpecError, match="'position' must be"):
        NetworkSpec.from_json(text)


def test_an_infinite_position_from_the_canvas_is_refused() -> None:
    spec = NetworkSpec.from_dict(design(name="d"))
    with pytest.raises(SpecError, match="'position' must be two finite numbers"):
        spec.update_layer("d", position=(math.inf, 0.0))
    spec.update_layer("d", position=(12.5, -3.0))
    assert json.loads(spec.to_json())["layers"][0]["position"] == [12.5, -3.0]


def test_a_byte_order_mark_before_a_network_is_accepted() -> None:
    spec = NetworkSpec.from_json("\ufeff" + json.dumps(design(name="d")))
    assert spec.names() == ["d"]
