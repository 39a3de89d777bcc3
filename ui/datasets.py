"""Dataset access for the GUI: the engine's one loader, shared with the command line."""

from __future__ import annotations

from typing import Any

from simulator.data import Dataset


def load_dataset(source: str, options: dict[str, Any] | None = None) -> Dataset:
    from simulator.data import load_dataset as engine_load

    return engine_load(source, **(options or {}))
