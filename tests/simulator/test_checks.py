"""The shared validators: what they accept, what they return, and what their messages say."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.checks import choice, integer, is_integer, is_number, number
from simulator.errors import DataError, ModelFileError, SpecError


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_integer_accepts_python_and_numpy_integers_as_int(value: object) -> None:
    result = integer(value, "'units'", low=1)
    assert result == 3
    assert type(result) is int


@pytest.mark.parametrize("value", [True, False, 2.0, "2", None, [2]])
def test_integer_refuses_everything_else(value: object) -> None:
    with pytest.raises(SpecError, match=r"^'units' must be a positive integer, got "):
        integer(value, "'units'", low=1)


@pytest.mark.parametrize(("bounds", "wanted"), [
    ({"low": 1}, "a positive integer"),
    ({"low": 0}, "an integer >= 0"),
    ({"low": 2, "high": 4}, r"an integer in \[2, 4\]"),
    ({"high": 3}, "an integer <= 3"),
    ({}, "an integer"),
])
def test_integer_messages_state_the_range(bounds: dict, wanted: str) -> None:
    with pytest.raises(SpecError, match=rf"^option 'k' must be {wanted}, got 'x'$"):
        integer("x", "option 'k'", **bounds)


def test_integer_bounds_are_inclusive() -> None:
    assert integer(2, "'k'", low=2, high=4) == 2
    assert integer(4, "'k'", low=2, high=4) == 4
    with pytest.raises(SpecError, match=r"got 5$"):
        integer(5, "'k'", low=2, high=4)


def test_the_error_class_and_the_hint_are_the_callers() -> None:
    with pytest.raises(ModelFileError, match=r"^training state 'epoch' must be an integer >= 0 "
                                             r"\(epochs\), got -1$"):
        integer(-1, "training state 'epoch'", low=0, error=ModelFileError, hint="epochs")
    with pytest.raises(DataError):
        number("a", "option 'noise'", error=DataError)


@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.5), np.int64(0)])
def test_number_returns_a_float(value: object) -> None:
    result = number(value, "'rate'", low=0, high=1)
    assert type(result) is float
    assert result == float(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, "0.5", None, math.nan, math.inf, -math.inf])
def test_number_refuses_bools_text_and_non_finite_values(value: object) -> None:
    with pytest.raises(SpecError, match="'x' must be a finite number"):
        number(value, "'x'")


@pytest.mark.parametrize(("bounds", "value", "wanted"), [
    ({"low": 0, "high": 1, "high_open": True}, 1.0, r"a number in \[0, 1\)"),
    ({"low": 0, "high": 1, "low_open": True}, 0.0, r"a number in \(0, 1\]"),
    ({"low": 0, "high": 10}, 11, r"a number in \[0, 10\]"),
    ({"low": 0}, -1, "a number >= 0"),
    ({"low": 0, "low_open": True}, 0, "a positive number"),
    ({"low": 1e-12, "low_open": True}, 0, "a number > 1e-12"),
    ({"high": 1, "high_open": True}, 2, "a number < 1"),
])
def test_number_bounds_open_and_closed(bounds: dict, value: float, wanted: str) -> None:
    with pytest.raises(SpecError, match=rf"^'x' must be {wanted}, got {value!r}$"):
        number(value, "'x'", **bounds)


def test_number_on_the_closed_bounds_is_accepted() -> None:
    assert number(0, "'x'", low=0, high=1) == 0.0
    assert number(1, "'x'", low=0, high=1) == 1.0


def test_choice_returns_the_value_or_lists_the_options() -> None:
    assert choice("min", "'mode'", ("auto", "min", "max")) == "min"
    with pytest.raises(SpecError, match=r"^'mode' must be one of 'auto', 'min', 'max', "
                                        r"got 'biggest'$"):
        choice("biggest", "'mode'", ("auto", "min", "max"))
    with pytest.raises(DataError, match="got 3"):
        choice(3, "option 'task'", ("classification",), error=DataError)


def test_the_type_predicates_never_count_bools() -> None:
    assert is_integer(np.int32(1))
    assert not is_integer(True)
    assert not is_integer(1.0)
    assert is_number(np.float16(1))
    assert is_number(2)
    assert not is_number(False)
    assert not is_number("1")
