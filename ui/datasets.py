"""Dataset access for the GUI: the engine's one loader, and whether a design fits the data."""

from __future__ import annotations

from typing import Any

from simulator.data import Dataset
from simulator.data import load_dataset as engine_load
from simulator.errors import DataError
from simulator.io.model_file import class_names_to_save
from simulator.losses import get_loss
from simulator.spec import NetworkSpec


def load_dataset(source: str, options: dict[str, Any] | None = None) -> Dataset:
    return engine_load(source, **(options or {}))


def fit_problem(spec: NetworkSpec, dataset: Dataset) -> str | None:
    """Why ``spec``'s output cannot learn ``dataset``'s targets, or None when it can.

    The engine's own check (the one the Trainer runs), naming the layer to resize. Assumes the
    design itself is valid (``infer_shapes`` succeeds).
    """
    output = spec.infer_shapes()[-1].output_shape
    sized = next((layer.name for layer in reversed(spec.layers) if "units" in layer.config),
                 None)
    try:
        get_loss(spec.training.loss).check_targets(dataset.y, output, layer=sized)
        class_names_to_save(spec, dataset)   # so that the trained model can be exported
    except DataError as exc:
        return str(exc)
    return None
