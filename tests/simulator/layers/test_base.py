"""The layer contract in layers/base.py: the registry's getter, and the defaults every layer
inherits for what the network, the loss and the trainer read from it."""

from __future__ import annotations

import pytest

from simulator.errors import SpecError
from simulator.layers import LAYERS, Layer, get_layer, layer_names, register_layer
from simulator.layers.base import pair


def test_get_layer_builds_from_a_name_or_a_config() -> None:
    assert get_layer("Flatten").type_name == "Flatten"
    dense = get_layer({"type": "Dense", "units": 3, "activation": "relu"})
    assert dense.get_config()["units"] == 3
    assert LAYERS.get("Dense") is type(dense)
    with pytest.raises(SpecError, match=r"^Dense: invalid configuration \(.*'unit'"):
        get_layer({"type": "Dense", "unit": 3})


def test_layer_names_are_exact() -> None:
    assert "Conv2D" in layer_names()
    with pytest.raises(SpecError, match="unknown layer type 'conv2d'"):
        get_layer({"type": "conv2d"})


def test_a_type_name_cannot_be_registered_twice() -> None:
    class Impostor(Layer):
        pass

    with pytest.raises(ValueError, match="layer type 'Dense' is registered twice"):
        register_layer("Dense")(Impostor)
    assert LAYERS.get("Dense") is not Impostor


def test_a_new_layer_inherits_the_whole_contract() -> None:
    layer = Layer()
    assert layer.output_activation is None       # nothing for a loss to fuse with
    assert layer.regularizer is None             # the training config's penalty applies
    assert layer.weight_keys == ()               # ... to none of its parameters
    assert layer.rng is None                     # it draws no random numbers
    assert layer.n_inputs == 1
    assert layer.needs_input_grad
    with pytest.raises(NotImplementedError, match="no backward_linear"):
        layer.backward_linear(None)


def test_weighted_and_activation_layers_declare_what_the_engine_reads() -> None:
    dense = get_layer({"type": "Dense", "units": 2, "activation": "softmax",
                       "regularizer": {"l2": 0.1}})
    assert dense.weight_keys == ("W",)
    assert dense.output_activation is not None
    assert dense.output_activation.name == "softmax"
    assert dense.regularizer is not None
    assert dense.regularizer.l2 == 0.1
    assert get_layer("Sigmoid").output_activation.name == "sigmoid"
    assert get_layer("Dropout").rng is None      # until build() hands it the run's generator


@pytest.mark.parametrize(("value", "expected"), [(3, (3, 3)), ([2, 4], (2, 4))])
def test_pair(value: object, expected: tuple[int, int]) -> None:
    assert pair(value, "kernel_size") == expected


@pytest.mark.parametrize("value", [[1, 2, 3], 0, [2, "a"]])
def test_pair_refuses(value: object) -> None:
    with pytest.raises(SpecError, match="'kernel_size' must be"):
        pair(value, "kernel_size")
