"""Dataset access for the GUI: the engine's one loader, and whether a design fits the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.data import Dataset
from simulator.data import load_dataset as engine_load
from simulator.data.prepare import fit_input
from simulator.errors import DataError
from simulator.losses import get_loss
from simulator.spec import INPUT, NetworkSpec


def load_dataset(source: str, options: dict[str, Any] | None = None) -> Dataset:
    return engine_load(source, **(options or {}))


@dataclass(frozen=True)
class Misfit:
    """Why a design cannot train on a dataset (the engine's message, which ends with the
    fix), and the box to show it on: a layer's name, or ``"input"``."""

    message: str
    node: str


def output_sizing_layer(spec: NetworkSpec) -> str | None:
    """The layer whose ``units`` set the size of the output, if any."""
    return next((layer.name for layer in reversed(spec.layers) if "units" in layer.config),
                None)


def find_misfit(spec: NetworkSpec, dataset: Dataset) -> Misfit | None:
    """Why ``spec`` cannot train on ``dataset``, found before any work is done, or None.

    The engine's own checks: the samples' shape against the input shape
    (:func:`simulator.data.prepare.fit_input`), then the targets against the output and the
    loss (:meth:`simulator.losses.Loss.check_targets`, the check the Trainer runs), naming the
    layer to resize. Assumes the design itself is valid (``infer_shapes`` succeeds).
    """
    try:
        fit_input(dataset.x, spec.input_shape, f"dataset '{dataset.name}'")
    except DataError as exc:
        return Misfit(str(exc), INPUT)
    output = spec.infer_shapes()[-1].output_shape
    sized = output_sizing_layer(spec)
    try:
        get_loss(spec.training.loss).check_targets(dataset.y, output, layer=sized)
    except DataError as exc:
        last = spec.layers[-1].name if spec.layers else INPUT
        return Misfit(str(exc), sized or last)
    return None


def fit_problem(spec: NetworkSpec, dataset: Dataset) -> str | None:
    """The message of :func:`find_misfit`, or None when the design fits the data."""
    misfit = find_misfit(spec, dataset)
    return None if misfit is None else misfit.message
