"""The one Registry: names, aliases, case, closed lookups with typed errors, building entries;
and every name → class table of the engine answers a miss the same way."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from simulator.activations import get_activation
from simulator.data import load_dataset
from simulator.errors import DataError, SpecError
from simulator.initializers import get_initializer
from simulator.layers import get_layer
from simulator.losses import get_loss
from simulator.optim import get_optimizer, get_schedule
from simulator.registry import Registry


class Pet:
    name = "cat"

    def __init__(self, lives: int = 9) -> None:
        self.lives = lives


class Dog(Pet):
    name = "dog"


@pytest.fixture
def pets() -> Registry[type[Pet]]:
    registry: Registry[type[Pet]] = Registry("pet", default="cat")
    registry.register(aliases=("kitty",))(Pet)
    registry.add("dog", Dog)
    return registry


def test_names_keep_registration_order_and_leave_aliases_out(pets) -> None:
    assert pets.names() == ["cat", "dog"]
    assert pets.items() == [("cat", Pet), ("dog", Dog)]


def test_aliases_and_case_resolve_to_the_registered_name(pets) -> None:
    assert pets.canonical("Kitty") == "cat"
    assert pets.get("DOG") is Dog
    assert "KITTY" in pets
    assert "cow" not in pets
    assert 3 not in pets


def test_exact_names_when_case_is_not_folded() -> None:
    layers: Registry[int] = Registry("layer type", fold_case=False)
    layers.add("Dense", 1)
    assert layers.get("Dense") == 1
    with pytest.raises(SpecError, match="unknown layer type 'dense'; use one of: Dense"):
        layers.get("dense")


@pytest.mark.parametrize("name", [None, 3, "cow", ""])
def test_a_miss_is_the_registrys_error_listing_the_choices(name: object) -> None:
    data: Registry[str] = Registry("data format", error=DataError)
    data.add("csv", "c")
    with pytest.raises(DataError, match=rf"^unknown data format {name!r}; use one of: csv$"):
        data.get(name)


def test_registering_a_name_twice_is_refused(pets) -> None:
    with pytest.raises(ValueError, match="pet 'dog' is registered twice"):
        pets.add("dog", Pet)
    with pytest.raises(ValueError, match="pet 'kitty' is registered twice"):
        pets.add("tiger", Pet, aliases=("kitty",))
    with pytest.raises(ValueError, match="must be lower case"):
        pets.add("Cow", Pet)


def test_parse_reads_a_name_or_an_object_with_a_type(pets) -> None:
    assert pets.parse("Dog") == ("dog", {})
    assert pets.parse({"type": "kitty", "lives": 3}) == ("cat", {"lives": 3})
    assert pets.parse({"lives": 3}) == ("cat", {"lives": 3})        # the default
    with pytest.raises(SpecError, match=r"^pet must be a name or an object with a 'type', "
                                        r"got \[1\]$"):
        pets.parse([1])
    no_default: Registry[type[Pet]] = Registry("pet")
    no_default.add("cat", Pet)
    with pytest.raises(SpecError, match="this pet has no 'type'; use one of: cat"):
        no_default.parse({"lives": 3})


def test_build_calls_the_entry_with_its_options(pets) -> None:
    dog = pets.build({"type": "dog", "lives": 2})
    assert isinstance(dog, Dog)
    assert dog.lives == 2
    with pytest.raises(SpecError, match=r"^pet 'cat': invalid options \(.*'wings'"):
        pets.build({"type": "cat", "wings": 2})


@pytest.mark.parametrize(("getter", "kind", "error"), [
    (lambda name: get_layer({"type": name}), "layer type", SpecError),
    (get_activation, "activation", SpecError),
    (get_loss, "loss", SpecError),
    (get_initializer, "initializer", SpecError),
    (get_optimizer, "optimizer", SpecError),
    (get_schedule, "schedule", SpecError),
    (lambda name: load_dataset(__file__, format=name), "data format", DataError),
])
def test_every_engine_table_refuses_an_unknown_name_the_same_way(
        getter: Callable[[str], object], kind: str, error: type[Exception]) -> None:
    with pytest.raises(error, match=rf"^unknown {kind} 'nonsense'; use one of: \w"):
        getter("nonsense")
