"""Lessons shipped in ``resources/presets``: a dataset choice plus a network, with a title.

File format (JSON)::

    {"title": "...", "description": "...", "order": 10,
     "dataset": {"source": "spiral", "options": {"n": 400}},
     "network": {... a network file ...}}

``order`` sorts the lessons in the menus (the course's order); the file name is the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resources import resource_path
from simulator.data.stored_options import check_stored_options
from simulator.errors import SpecError
from simulator.spec import NetworkSpec, loads_strict

DEFAULT_PRESET = "spiral"


@dataclass
class Preset:
    key: str
    title: str
    description: str
    dataset_source: str
    dataset_options: dict[str, Any] = field(default_factory=dict)
    network: dict[str, Any] = field(default_factory=dict)
    order: int = 1000

    def spec(self) -> NetworkSpec:
        return NetworkSpec.from_dict(self.network)


def load_preset(key: str = DEFAULT_PRESET) -> Preset:
    path = resource_path("presets", f"{key}.json")
    if not path.is_file():
        raise SpecError(f"no lesson named '{key}'")
    return _read(path)


def available_presets() -> list[Preset]:
    """Every shipped lesson, in the course's order."""
    folder = resource_path("presets")
    presets = [_read(p) for p in Path(folder).glob("*.json")]
    return sorted(presets, key=lambda p: (p.order, p.key))


def preset_from_dict(key: str, data: Any) -> Preset:
    """A lesson from parsed JSON, checked enough that a bad file fails with a clear message."""
    if not isinstance(data, dict) or not isinstance(data.get("network"), dict):
        raise SpecError(f"lesson '{key}' must be an object with a 'network' object")
    dataset = data.get("dataset", {})
    if not isinstance(dataset, dict) or not isinstance(dataset.get("source", ""), str):
        raise SpecError(f"lesson '{key}': 'dataset' must be an object with a 'source' name")
    options = dataset.get("options", {})
    if not isinstance(options, dict):
        raise SpecError(f"lesson '{key}': dataset 'options' must be an object")
    source = dataset.get("source", "spiral")
    options = check_stored_options(source, options, f"lesson '{key}'")
    order = data.get("order", 1000)
    return Preset(key, str(data.get("title", key)), str(data.get("description", "")),
                  source, options, data["network"], order if isinstance(order, int) else 1000)


def _read(path: Path) -> Preset:
    return preset_from_dict(path.stem, loads_strict(path.read_bytes()))
