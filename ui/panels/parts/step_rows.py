"""The step-through's numbers as table rows: what each stage shows for every layer, written
the way the slides write it (vectors in brackets, a matrix one unit per line).

Rows only format the engine's arrays (:mod:`simulator.training.step_through`); nothing is
computed here. Big arrays are cut: a vector or matrix shows its first entries and its shape,
a stack of feature maps (C, H, W) the values of every map at one position (the centre).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.training.step_through import Trace, Update

STAGES = ("forward", "backward", "update")
#: Entries of a vector, and rows and columns of a matrix, written out before "…".
MAX_ENTRIES = 16
MAX_ROWS = 8
OPTIMIZER_RULES = {
    "sgd": "w ← w − α·∂L/∂w",
    "momentum": "V ← β·V + α·∂L/∂w ;  w ← w − V",
    "nesterov": "V ← β·V + α·g ;  w ← w − (β·V + α·g)",
    "adam": "m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  "
            "w ← w − α·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)",
    "nadam": "Adam with Nesterov momentum on the first moment",
    "rmsprop": "s ← ρs + (1−ρ)g² ;  w ← w − α·g / (√s + ε)",
    "adagrad": "G ← G + g² ;  w ← w − α·g / (√G + ε)",
    "adadelta": "s ← ρs + (1−ρ)g² ;  Δ = √(d+ε)/√(s+ε)·g ;  w ← w − α·Δ",
}
SETTING_NAMES = {"beta_1": "β₁", "beta_2": "β₂", "momentum": "β", "rho": "ρ"}
SLOT_NAMES = {"velocity": "velocity V", "m": "m (1st moment)", "v": "v (2nd moment)",
              "mean_square": "s (mean square)", "accumulator": "G (sum of g²)",
              "momentum": "momentum", "mean_square_grad": "s (mean square of g)",
              "mean_square_delta": "d (mean square of Δ)"}


@dataclass(frozen=True)
class Row:
    layer: str          # the layer the row belongs to ("" for the sample and the loss)
    quantity: str       # what the numbers are ("z = W·x + b")
    text: str           # the numbers, formatted


def number(value: float) -> str:
    """A number as the slides write it: three significant digits, no trailing noise."""
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    text = f"{value:.3g}"
    return "−" + text[1:] if text.startswith("-") else text


def vector(values: np.ndarray) -> str:
    flat = np.asarray(values, dtype=float).reshape(-1)
    shown = ", ".join(number(v) for v in flat[:MAX_ENTRIES])
    more = f", … ({flat.size} values)" if flat.size > MAX_ENTRIES else ""
    return f"[{shown}{more}]"


def matrix(values: np.ndarray) -> str:
    """A 2-D array one row per line (a Dense W: one line per unit); of a wide matrix only
    the first few rows."""
    limit = MAX_ROWS if values.shape[1] <= MAX_ENTRIES else MAX_ROWS // 2
    rows = [vector(row) for row in values[:limit]]
    if values.shape[0] > limit:
        rows.append(f"… ({values.shape[0]} rows × {values.shape[1]})")
    return "\n".join(rows)


def centre(shape: tuple[int, ...]) -> tuple[int, int]:
    return shape[-2] // 2, shape[-1] // 2


def values_text(values: np.ndarray) -> str:
    values = np.asarray(values, dtype=float)
    if values.ndim == 0:
        return number(float(values))
    if values.ndim == 1:
        return vector(values)
    if values.ndim == 2:
        return matrix(values)
    if values.ndim == 3:                                 # feature maps (C, H, W)
        r, c = centre(values.shape)
        dims = "×".join(str(d) for d in values.shape[1:])
        return (f"{values.shape[0]} maps {dims}; at row {r}, column {c}: "
                f"{vector(values[:, r, c])}")
    kernels = "×".join(str(d) for d in values.shape)    # Conv2D kernels (F, C, kh, kw)
    return f"kernels {kernels}; filter 1, channel 1:\n{matrix(values[0, 0])}"


def target_text(trace: Trace) -> str:
    target = np.asarray(trace.target)
    if target.ndim == 0 and target.dtype.kind in "iub":
        return f"class {int(target)}"
    return values_text(target)


def _activation(name: str | None) -> str:
    return {"linear": "z", None: "z"}.get(name, f"{name}(z)")


def forward_rows(trace: Trace) -> list[Row]:
    rows = [Row("input", "x", values_text(trace.x))]
    for layer in trace.forward:
        if layer.type in ("Dense", "Conv2D") and layer.z is not None:
            weighted = "z = W·x + b" if layer.type == "Dense" else "z = W ∗ x + b"
            rows.append(Row(layer.name, weighted, values_text(layer.z)))
            rows.append(Row(layer.name, f"a = {_activation(layer.activation)}",
                            values_text(layer.a)))
        elif layer.z is not None:
            rows.append(Row(layer.name, f"a = {_activation(layer.activation)}",
                            values_text(layer.a)))
        else:
            rows.append(Row(layer.name, f"a ({layer.type})", values_text(layer.a)))
    rows.append(Row("output", "ŷ", values_text(trace.output)))
    rows.append(Row("target", "y", target_text(trace)))
    rows.append(Row("loss", f"L ({trace.loss_name.replace('_', ' ')})", number(trace.loss)))
    return rows


def backward_rows(trace: Trace) -> list[Row]:
    rows = []
    for layer in trace.backward:
        if layer.grad_output is not None:
            rows.append(Row(layer.name, "∂L/∂a", values_text(layer.grad_output)))
        if layer.delta is not None:
            rows.append(Row(layer.name, "δ = ∂L/∂z", values_text(layer.delta)))
        for key, grad in layer.grads.items():
            rows.append(Row(layer.name, f"∂L/∂{key}", values_text(grad)))
    rows.append(Row("", "gradient norm", number(trace.grad_norm)))
    return rows


def update_rows(update: Update) -> list[Row]:
    rows = []
    for layer, params in update.params.items():
        for key, change in params.items():
            rows.append(Row(layer, f"{key} before", values_text(change.before)))
            rows.append(Row(layer, f"Δ{key}", values_text(change.change)))
            rows.append(Row(layer, f"{key} after", values_text(change.after)))
            for slot, per_layer in update.state.items():
                if layer in per_layer and key in per_layer[layer]:
                    rows.append(Row(layer, f"{SLOT_NAMES.get(slot, slot)} of {key}",
                                    values_text(per_layer[layer][key])))
    return rows


def optimizer_rule(update: Update) -> str:
    config = update.config
    name = update.optimizer
    if name == "sgd" and config.get("momentum"):
        name = "nesterov" if config.get("nesterov") else "momentum"
    settings = ", ".join(f"{SETTING_NAMES.get(k, k.replace('_', ' '))} {number(v)}"
                         for k, v in config.items()
                         if k not in ("type", "learning_rate", "epsilon")
                         and isinstance(v, int | float) and not isinstance(v, bool))
    rule = OPTIMIZER_RULES.get(name, "")
    return f"{update.optimizer}" + (f" ({settings})" if settings else "") + (
        f": {rule}" if rule else "")


def stage_story(stage: str, trace: Trace | None, update: Update | None) -> str:
    """The slide's sentence for a stage, with this sample's numbers."""
    if trace is None:
        return ("Present one training instance: Forward feeds it through the network, "
                "Backward sends the error back, Update adjusts the weights.")
    if stage == "forward":
        if trace.problem:
            return f"{trace.label}: {trace.problem}. This sample cannot be learned from."
        return (f"Present {trace.label} and feed it through: each layer's weighted sums z "
                f"and activations a. Output {values_text(trace.output)}, target "
                f"{target_text(trace)}: loss {number(trace.loss)}.")
    if stage == "backward":
        fused = (f" The loss absorbed the output's {trace.fused}, so there δ = ŷ − y."
                 if trace.fused else "")
        return ("Backward, from the output to the input: δ = ∂L/∂z of each layer, "
                "∂L/∂W = δ·xᵀ, ∂L/∂b = δ." + fused)
    if update is None:
        return "Update: press Update to adjust the weights with the run's optimizer."
    return (f"Adjust the weights (step {update.step}, α = {number(update.learning_rate)}): "
            f"{optimizer_rule(update)}")


def stage_layers(stage: str, trace: Trace | None, update: Update | None) -> list[str]:
    """The layers a stage walks through, in the order it visits them."""
    if trace is None:
        return []
    if stage == "forward":
        return [layer.name for layer in trace.forward]
    if stage == "backward":
        return [layer.name for layer in trace.backward]
    return list(update.params) if update is not None else []


def stage_rows(stage: str, trace: Trace | None, update: Update | None) -> list[Row]:
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, got {stage!r}")
    if trace is None:
        return []
    if stage == "forward":
        return forward_rows(trace)
    if stage == "backward":
        return backward_rows(trace)
    return update_rows(update) if update is not None else []
