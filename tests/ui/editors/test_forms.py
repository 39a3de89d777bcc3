"""The fields' text: what a typed value means, and how a value is shown."""

from __future__ import annotations

import pytest

from ui.editors.forms import format_value, parse_value


@pytest.mark.parametrize(("text", "value"), [
    ("3", 3), ("0.5", 0.5), ("1e-4", 1e-4), (".5", 0.5), ("3, 3", [3, 3]), ("[2, 4]", [2, 4]),
    ("same", "same"), ("", None), ("true", True), ("inf", "inf")])
def test_parse_value(text: str, value: object) -> None:
    assert parse_value(text) == value


def test_format_value_round_trips() -> None:
    for value in (3, 0.25, [3, 3], "valid", True):
        assert parse_value(format_value(value)) == value
