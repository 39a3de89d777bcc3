"""Preset projects shipped in ``resources/presets``: a dataset choice plus a network file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resources import resource_path
from simulator.spec import NetworkSpec

DEFAULT_PRESET = "spiral"


@dataclass
class Preset:
    key: str
    title: str
    description: str
    dataset_source: str
    dataset_options: dict[str, Any] = field(default_factory=dict)
    network: dict[str, Any] = field(default_factory=dict)

    def spec(self) -> NetworkSpec:
        return NetworkSpec.from_dict(self.network)


def load_preset(key: str = DEFAULT_PRESET) -> Preset:
    path = resource_path("presets", f"{key}.json")
    return _read(path)


def available_presets() -> list[Preset]:
    folder = resource_path("presets")
    return [_read(p) for p in sorted(Path(folder).glob("*.json"))]


def _read(path: Path) -> Preset:
    data = json.loads(path.read_text(encoding="utf-8"))
    dataset = data.get("dataset", {})
    return Preset(path.stem, data.get("title", path.stem), data.get("description", ""),
                  dataset.get("source", "spiral"), dict(dataset.get("options", {})),
                  data["network"])
