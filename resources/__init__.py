"""Bundled resources: preset networks, lessons, styles. A package so that it installs."""

from __future__ import annotations

from importlib import resources as _resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Filesystem path of a bundled resource, e.g. ``resource_path("presets", "spiral.json")``."""
    return Path(str(_resources.files(__name__).joinpath(*parts)))
