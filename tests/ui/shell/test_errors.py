"""describe(): the words the app shows for a failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.errors import SpecError
from ui.shell.errors import describe


def test_a_missing_file_names_the_reason_and_the_path(tmp_path: Path) -> None:
    with pytest.raises(OSError) as info:
        (tmp_path / "gone.json").read_bytes()
    assert describe(info.value) == f"No such file or directory: {tmp_path / 'gone.json'}"


def test_an_os_error_without_a_path_keeps_its_own_words() -> None:
    assert describe(OSError("disk on fire")) == "disk on fire"


def test_a_json_syntax_error_says_it_is_not_json() -> None:
    with pytest.raises(json.JSONDecodeError) as info:
        json.loads("{ nope")
    assert describe(info.value).startswith("not valid JSON: Expecting property name")


def test_an_engine_error_is_its_message() -> None:
    assert describe(SpecError("layer 'x': units must be >= 1")) == "layer 'x': units must be >= 1"
