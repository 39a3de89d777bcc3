"""Lessons shipped in ``resources/presets``, as the app's menus list them.

The lesson file format and its reader live in :mod:`simulator.io.designs` (the command line
reads lessons through the same code); a :class:`Preset` is a :class:`~simulator.io.designs.Lesson`.
"""

from __future__ import annotations

from simulator.io.designs import Lesson, available_lessons, lesson_from_dict, load_lesson

DEFAULT_PRESET = "spiral"

Preset = Lesson


def load_preset(key: str = DEFAULT_PRESET) -> Preset:
    return load_lesson(key)


def available_presets() -> list[Preset]:
    """Every shipped lesson, in the course's order."""
    return available_lessons()


preset_from_dict = lesson_from_dict

__all__ = ["DEFAULT_PRESET", "Preset", "available_presets", "load_preset", "preset_from_dict"]
