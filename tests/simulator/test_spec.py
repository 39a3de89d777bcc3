"""The design as data: NetworkSpec reads and checks a network file, infers every layer's
shape and parameter count, names the layer at fault, and tells its views when it changes."""

import json

import numpy as np
import pytest

from simulator.errors import SpecError
from simulator.spec import MAX_PARAMS, LayerSpec, NetworkSpec, loads_strict


def _spec(layers):
    return {"input_shape": [2], "layers": layers}


# ----- shape inference --------------------------------------------------------------------------
def test_shapes_and_parameter_counts_of_every_layer() -> None:
    spec = NetworkSpec.from_dict({"input_shape": [1, 8, 8], "layers": [
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "name": "conv"},
        {"type": "MaxPool2D"},
        {"type": "Flatten"},
        {"type": "Dense", "units": 3, "name": "out"},
    ]})
    infos = spec.infer_shapes()
    assert [i.output_shape for i in infos] == [(4, 6, 6), (4, 3, 3), (36,), (3,)]
    assert [i.param_count for i in infos] == [4 * 9 + 4, 0, 0, 36 * 3 + 3]
    assert infos[0].input_shape == (1, 8, 8)
    assert infos[3].inputs == ("flatten_1",)
    assert spec.output_shape == (3,)


def test_a_layer_that_cannot_take_its_input_is_named() -> None:
    layers = [{"type": "Dense", "units": 2, "name": "fc"}, {"type": "MaxPool2D", "name": "pool"}]
    with pytest.raises(SpecError, match=r"^layer 'pool': MaxPool2D needs an image input") as info:
        NetworkSpec.from_dict(_spec(layers))
    assert info.value.layer == "pool"


def test_a_bad_option_is_named_with_its_layer() -> None:
    with pytest.raises(SpecError, match=r"^layer 'h': 'units' must be a positive integer, "
                                        r"got 0$"):
        NetworkSpec.from_dict(_spec([{"type": "Dense", "units": 0, "name": "h"}]))


def test_an_unknown_initializer_fails_with_the_design_not_at_training() -> None:
    layers = [{"type": "Dense", "units": 2, "name": "h", "kernel_initializer": "gaussian"}]
    with pytest.raises(SpecError, match=r"^layer 'h': unknown initializer 'gaussian'; use one "
                                        r"of: zeros, ones"):
        NetworkSpec.from_dict(_spec(layers))
    bad_option = [{"type": "Dense", "units": 2, "bias_initializer": {"type": "zeros", "k": 1}}]
    with pytest.raises(SpecError, match=r"initializer 'zeros': invalid options"):
        NetworkSpec.from_dict(_spec(bad_option))


def test_a_network_too_large_to_build_is_refused_before_anything_is_allocated() -> None:
    layers = [{"type": "Dense", "units": MAX_PARAMS // 2 + 1, "name": "huge"}]
    with pytest.raises(SpecError, match=r"layer 'huge': the network would have more than "
                                        r"50,000,000 parameters"):
        NetworkSpec.from_dict({"input_shape": [2], "layers": layers})


def test_a_wrong_number_of_inputs_is_named() -> None:
    layers = [{"type": "Dense", "units": 2, "name": "a"},
              {"type": "Dense", "units": 2, "name": "b", "inputs": ["input", "a"]}]
    with pytest.raises(SpecError, match=r"layer 'b': Dense takes 1 input, got 2"):
        NetworkSpec.from_dict(_spec(layers))


# ----- the graph ----------------------------------------------------------------------------------

def test_a_cycle_is_named():
    layers = [{"type": "Dense", "units": 2, "name": "a", "inputs": ["b"]},
              {"type": "Dense", "units": 2, "name": "b", "inputs": ["a"]}]
    with pytest.raises(SpecError, match=r"cycle: (a -> b -> a|b -> a -> b)"):
        NetworkSpec.from_dict(_spec(layers))


def test_an_unknown_input_names_the_layer():
    layers = [{"type": "Dense", "units": 2, "name": "a"},
              {"type": "Dense", "units": 2, "name": "b", "inputs": ["nowhere"]}]
    with pytest.raises(SpecError, match=r"layer 'b'.*'nowhere' is not a layer"):
        NetworkSpec.from_dict(_spec(layers))


def test_a_dangling_layer_is_named():
    layers = [{"type": "Dense", "units": 2, "name": "a"},
              {"type": "Dense", "units": 2, "name": "unused", "inputs": ["a"]},
              {"type": "Dense", "units": 2, "name": "out", "inputs": ["a"]}]
    with pytest.raises(SpecError, match=r"layer 'unused'.*not used"):
        NetworkSpec.from_dict(_spec(layers))


def test_a_merge_with_one_input_or_mismatched_shapes_is_named():
    one = [{"type": "Dense", "units": 2, "name": "a"},
           {"type": "Add", "name": "sum", "inputs": ["a"]}]
    with pytest.raises(SpecError, match=r"layer 'sum'.*two or more"):
        NetworkSpec.from_dict(_spec(one))
    mismatch = [{"type": "Dense", "units": 2, "name": "a"},
                {"type": "Dense", "units": 3, "name": "b", "inputs": ["input"]},
                {"type": "Add", "name": "sum", "inputs": ["a", "b"]}]
    with pytest.raises(SpecError, match=r"layer 'sum'.*\[2\], \[3\]"):
        NetworkSpec.from_dict(_spec(mismatch))


def test_layers_default_to_a_chain_and_run_in_topological_order() -> None:
    spec = NetworkSpec.from_dict(_spec([
        {"type": "Dense", "units": 2, "name": "late", "inputs": ["early"]},
        {"type": "Dense", "units": 2, "name": "early", "inputs": ["input"]},
        {"type": "Dense", "units": 1, "name": "out", "inputs": ["late"]},
    ]))
    assert spec.topological_order() == [1, 0, 2]
    chain = NetworkSpec.from_dict(_spec([{"type": "Dense", "units": 2}, {"type": "ReLU"}]))
    assert chain.inputs_of(0) == ["input"]
    assert chain.inputs_of(1) == ["dense_1"]


# ----- reading a network file ---------------------------------------------------------------
@pytest.mark.parametrize(("data", "message"), [
    ([1], "a network file must hold a JSON object"),
    ({"input_shape": [2], "layers": [], "extra": 1}, r"unknown top-level keys \['extra'\]"),
    ({"layers": [{"type": "ReLU"}]}, "the network has no 'input_shape'"),
    ({"input_shape": [2], "layers": []}, "'layers' must be a non-empty list"),
    ({"input_shape": [2], "layers": [{"type": "ReLU"}] * 1001}, r"too many layers \(1001\)"),
    ({"input_shape": [2, 2, 2, 2], "layers": [{"type": "ReLU"}]},
     "'input_shape' must be a list of 1 to 3 positive integers"),
    ({"input_shape": [2, 0], "layers": [{"type": "ReLU"}]},
     r"each 'input_shape' entry must be an integer in \[1, 1000000\], got 0"),
    ({"input_shape": [True], "layers": [{"type": "ReLU"}]}, "'input_shape' entry"),
    (_spec([3]), "layer #1 must be an object, got int"),
    (_spec([{"units": 2}]), "layer #1 has no 'type'"),
    (_spec([{"type": "Dense3D"}]), "unknown layer type 'Dense3D'; use one of: "),
    (_spec([{"type": "ReLU", "name": "input"}]), "'name' must be a string other than 'input'"),
    (_spec([{"type": "ReLU", "inputs": "input"}]), "'inputs' must be a list of layer names"),
    (_spec([{"type": "ReLU", "position": [1]}]), r"'position' must be \[x, y\]"),
    (_spec([{"type": "ReLU", "position": ["a", 1]}]), r"'position' must be \[x, y\], two numbers"),
    (_spec([{"type": "ReLU", "name": "r"}, {"type": "ReLU", "name": "r"}]),
     "two layers are named 'r'; names must be unique"),
    ({**_spec([{"type": "ReLU"}]), "training": {"epochs": 0}},
     "training 'epochs' must be a positive integer, got 0"),
])
def test_bad_files_say_what_is_wrong(data, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        NetworkSpec.from_dict(data)


def test_numpy_sizes_are_read_as_plain_ints() -> None:
    spec = NetworkSpec([np.int64(2)], [LayerSpec("ReLU")])
    assert spec.input_shape == (2,)
    assert type(spec.input_shape[0]) is int
    json.dumps(spec.to_dict())


def test_a_file_round_trips_with_names_inputs_and_positions() -> None:
    data = _spec([{"type": "Dense", "units": 2, "activation": "relu", "position": [10, 20]},
                  {"type": "Dense", "units": 1, "name": "out", "inputs": ["dense_1"]}])
    spec = NetworkSpec.from_dict(data)
    again = NetworkSpec.from_json(spec.to_json())
    assert again.to_dict() == spec.to_dict()
    assert again.layers[0].name == "dense_1"
    assert again.layers[0].position == (10.0, 20.0)
    assert "position" not in spec.to_dict(with_positions=False)["layers"][0]


@pytest.mark.parametrize(("text", "message"), [
    ('{"a": NaN}', "JSON value NaN is not allowed"),
    ('{"a": 1, "a": 2}', "duplicate key 'a'"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("{", "not valid JSON"),
])
def test_strict_json(text: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        loads_strict(text)


# ----- editing ---------------------------------------------------------------------------------
def test_every_edit_tells_the_views() -> None:
    spec = NetworkSpec.from_dict(_spec([{"type": "Dense", "units": 2}]))
    heard: list[int] = []
    spec.changed.connect(lambda: heard.append(1))
    spec.insert_layer(LayerSpec("ReLU"))
    spec.update_layer("dense_1", units=3, position=(1, 2))
    spec.update_layer("dense_1", units=None)
    spec.set_input_shape([4])
    spec.remove_layer("relu_1")
    assert len(heard) == 5
    assert spec.layer("dense_1").config == {}
    assert spec.layer("dense_1").position == (1.0, 2.0)
    assert spec.unique_name("dense") == "dense_2"
    with pytest.raises(SpecError, match="no layer named 'nope'"):
        spec.layer("nope")
