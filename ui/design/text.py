"""What a box says about its layer: a one-line summary of the config, shape and parameters."""

from __future__ import annotations

from typing import Any

from simulator.spec import LayerInfo, LayerSpec

#: Box colours by palette category (light fills that keep black text readable).
CATEGORY_COLORS = {
    "Input": "#e8e8e8",
    "Core": "#d6e6f7",
    "Activations": "#dcf0dc",
    "Convolution": "#fbe3c8",
    "Normalization": "#e7dcf3",
    "Regularization": "#f3e6b8",
    "Merge": "#cdeeee",
}
DEFAULT_COLOR = "#ececec"
HIDDEN_KEYS = ("weights", "bias", "gamma", "beta", "kernel_initializer", "bias_initializer",
               "regularizer", "use_bias", "epsilon")


def shape_text(shape: Any) -> str:
    return " × ".join(str(d) for d in shape)


def input_text(shape: Any) -> str:
    """How the input box describes the input: ``2 features`` or ``1 × 8 × 8 image``."""
    if len(shape) == 1:
        return f"{shape[0]} feature{'s' if shape[0] != 1 else ''}"
    return f"{shape_text(shape)} image" if len(shape) == 3 else shape_text(shape)


def _pair_text(value: Any) -> str:
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{value[0]}×{value[1]}"
    return f"{value}×{value}"


def _activation_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("type", "?"))
    return "" if value in (None, "linear") else str(value)


def config_summary(layer: LayerSpec) -> str:
    """A few words about the settings a student changes most, e.g. ``16 units · relu``."""
    c = layer.config
    parts: list[str] = []
    if "units" in c:
        parts.append(f"{c['units']} units")
    if "filters" in c:
        parts.append(f"{c['filters']} filters {_pair_text(c.get('kernel_size', '?'))}")
    if "pool_size" in c or layer.type.endswith("Pool2D"):
        parts.append(f"pool {_pair_text(c.get('pool_size', 2))}")
    if "stride" in c:
        parts.append(f"stride {c['stride']}")
    if c.get("padding", "valid") != "valid":
        padding = c["padding"]
        parts.append(str(padding) if isinstance(padding, str) else f"pad {padding}")
    activation = _activation_text(c.get("activation"))
    if activation:
        parts.append(activation)
    shown = {"units", "filters", "kernel_size", "pool_size", "stride", "padding", "activation"}
    for key, value in c.items():
        if key not in shown and key not in HIDDEN_KEYS and not isinstance(value, list | dict):
            parts.append(f"{key} {value}")
    if "weights" in c:
        parts.append("set weights")
    return " · ".join(parts)


def info_text(info: LayerInfo | None) -> str:
    """``→ 16 · 48 params``, or a question mark while the design does not validate."""
    if info is None:
        return "→ ?"
    params = f" · {info.param_count:,} params" if info.param_count else ""
    return f"→ {shape_text(info.output_shape)}{params}"
