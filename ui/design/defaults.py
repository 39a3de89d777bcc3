"""The config a layer gets when it is dropped from the palette."""

from __future__ import annotations

import inspect
from typing import Any

from simulator.layers import LAYERS
from simulator.spec import LayerSpec

#: Values for constructor arguments that have no default (so a new layer validates at once).
REQUIRED_DEFAULTS: dict[str, Any] = {"units": 8, "filters": 8, "kernel_size": 3}


def default_config(type_name: str) -> dict[str, Any]:
    """The required arguments of ``type_name`` with beginner-friendly values."""
    signature = inspect.signature(LAYERS.get(type_name).__init__)
    config: dict[str, Any] = {}
    for name, parameter in signature.parameters.items():
        if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.default is inspect.Parameter.empty and name in REQUIRED_DEFAULTS:
            config[name] = REQUIRED_DEFAULTS[name]
    return config


def new_layer(type_name: str, position: tuple[float, float] | None = None) -> LayerSpec:
    return LayerSpec(type_name, default_config(type_name), position=position)
