"""Every lesson says what to step through; the three first lessons tell the course's story with
the step controls, and what they promise is on screen."""

from __future__ import annotations

import pytest

from simulator.training.units import unit_columns
from ui.shell.actions import SPEEDS
from ui.shell.presets import available_presets, load_preset

STEPPING = ("Step through", "Present one instance", "Step (F6)", "Step epoch")


@pytest.mark.parametrize("preset", available_presets(), ids=lambda p: p.key)
def test_every_lesson_names_what_to_step_through(preset) -> None:
    assert any(words in preset.description for words in STEPPING), preset.key


@pytest.mark.parametrize("key", ["perceptron", "worked_example", "xor"])
def test_the_first_lessons_use_the_step_controls_and_the_units_view(key: str) -> None:
    preset = load_preset(key)
    assert "Units and connections" in preset.description
    assert "Forward" in preset.description or "Present one instance" in preset.description
    assert unit_columns(preset.spec()) is not None       # the view they point to draws them


def test_lessons_that_point_to_the_units_view_can_be_drawn_there() -> None:
    for preset in available_presets():
        if "Units and connections" in preset.description:
            assert unit_columns(preset.spec()) is not None, preset.key


def test_the_perceptron_lessons_speed_exists() -> None:
    assert "'2 steps a second'" in load_preset("perceptron").description
    assert SPEEDS["2 steps a second"] == 2.0
