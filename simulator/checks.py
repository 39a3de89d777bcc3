"""The shared validators: is a value an integer, a number in a range, one of some choices?

Every option the engine reads (a layer's units, an optimizer's β, a data loader's option, a
field of a saved training state) goes through these, so the messages read the same
everywhere::

    integer(units, "'units'", low=1)
        # 'units' must be a positive integer, got 0
    number(beta, "optimizer 'beta_1'", low=0, high=1, high_open=True)
        # optimizer 'beta_1' must be a number in [0, 1), got 1.5
    integer(k, "option 'k'", low=2, high=n, error=DataError)
        # option 'k' must be an integer in [2, 4], got 5
    choice(mode, "early_stopping 'mode'", ("auto", "min", "max"))

``name`` is how the message names the value (quotes included); ``error`` is the typed error
to raise (:class:`SpecError` for designs, :class:`DataError` for data, :class:`ModelFileError`
for files). ``bool`` is never accepted as a number, although Python counts it as an ``int``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, TypeGuard

import numpy as np

from simulator.errors import BackpropError, SpecError

ErrorType = type[BackpropError]


def is_integer(value: object) -> TypeGuard[int | np.integer]:
    """True for a Python or NumPy integer (never for ``True``/``False``)."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[int | float | np.integer | np.floating]:
    """True for a Python or NumPy integer or float (never for ``True``/``False``)."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _fail(name: str, wanted: str, value: object, error: ErrorType, hint: str) -> BackpropError:
    extra = f" ({hint})" if hint else ""
    return error(f"{name} must be {wanted}{extra}, got {value!r}")


def integer(value: object, name: str, *, low: int | None = None, high: int | None = None,
            error: ErrorType = SpecError, hint: str = "") -> int:
    """``value`` as an ``int`` in [low, high] (either bound may be left out)."""
    if is_integer(value):
        number = int(value)
        if (low is None or number >= low) and (high is None or number <= high):
            return number
    if low is not None and high is not None:
        wanted = f"an integer in [{low}, {high}]"
    elif low == 1:
        wanted = "a positive integer"
    elif low is not None:
        wanted = f"an integer >= {low}"
    elif high is not None:
        wanted = f"an integer <= {high}"
    else:
        wanted = "an integer"
    raise _fail(name, wanted, value, error, hint)


def number(value: object, name: str, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False, error: ErrorType = SpecError,
           hint: str = "") -> float:
    """``value`` as a finite ``float`` between ``low`` and ``high``.

    The bounds are included unless ``low_open``/``high_open`` says otherwise; either may be
    left out.
    """
    if is_number(value):
        result = float(value)
        above = low is None or (result > low if low_open else result >= low)
        below = high is None or (result < high if high_open else result <= high)
        if math.isfinite(result) and above and below:
            return result
    raise _fail(name, _range(low, high, low_open, high_open), value, error, hint)


def _range(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return (f"a number in {'(' if low_open else '['}{low:g}, "
                f"{high:g}{')' if high_open else ']'}")
    if low is not None:
        if low == 0 and low_open:
            return "a positive number"
        return f"a number {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"a number {'<' if high_open else '<='} {high:g}"
    return "a finite number"


def choice(value: Any, name: str, choices: Iterable[str], *,
           error: ErrorType = SpecError) -> str:
    """``value`` if it is one of ``choices``, else an error listing them."""
    options = tuple(choices)
    if isinstance(value, str) and value in options:
        return value
    raise error(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
