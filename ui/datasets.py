"""Dataset access for the GUI: the engine's one loader, and whether a design fits the data."""

from __future__ import annotations

from typing import Any

from simulator.data import Dataset
from simulator.data import load_dataset as engine_load
from simulator.spec import NetworkSpec


def load_dataset(source: str, options: dict[str, Any] | None = None) -> Dataset:
    return engine_load(source, **(options or {}))


def fit_problem(spec: NetworkSpec, dataset: Dataset) -> str | None:
    """Why ``spec``'s output cannot learn ``dataset``'s targets, or None when it can.

    Assumes the design itself is valid (``infer_shapes`` succeeds).
    """
    output = spec.infer_shapes()[-1].output_shape
    if len(output) != 1:
        return (f"the network's output has shape {list(output)}; it must be a vector "
                "(add Flatten and a Dense layer at the end)")
    width = output[0]
    if dataset.task == "classification":
        classes = dataset.n_classes
        if width == classes or (width == 1 and classes == 2):
            return None
        want, what = classes, f"{classes} classes"
    else:
        targets = dataset.y.shape[1]
        if width == targets:
            return None
        want, what = targets, f"{targets} target value{'s' if targets != 1 else ''}"
    sized = next((layer.name for layer in reversed(spec.layers) if "units" in layer.config),
                 None)
    fix = f"; set the units of layer '{sized}' to {want}" if sized else ""
    return f"the network ends with {width} outputs but the data has {what}{fix}"
