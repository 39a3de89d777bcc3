"""A small dense network unit by unit: its columns of units, every connection's weight and,
for two inputs, every unit's output over the input plane (TensorFlow Playground's heat maps).

A network qualifies when it is a chain (no branches) of Dense layers of at most
:data:`MAX_UNITS` units, each followed by any element-wise layers (activations, Dropout,
BatchNorm), on a flat input of at most :data:`MAX_UNITS` values. Its *columns* are the input
and one per Dense layer; a column's values are the output of the last element-wise layer after
its Dense layer (so a softmax output column shows probabilities).

The probe's payload (NumPy only)::

    {"weights": {dense: {"W": (units, inputs) course layout, "b": (units,)}},
     "grids":   {"xs": (R,), "ys": (R,), "columns": {column: (units, R, R)}}   # 2 inputs only
               | None}

``columns[c][u, i, j]`` is unit ``u``'s value at the input point ``(xs[j], ys[i])``, computed
by the network itself in inference mode, like :func:`simulator.training.probes.decision_grid`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.backend import to_numpy
from simulator.errors import SpecError
from simulator.network import Network
from simulator.spec import INPUT, NetworkSpec
from simulator.training.probes import grid_points, layer_outputs

MAX_UNITS = 16
#: Layers that act on each unit alone and so stay in the column of the Dense layer before them.
ELEMENTWISE = ("Linear", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softmax", "Dropout",
               "BatchNorm")


@dataclass(frozen=True)
class Column:
    name: str                  # "input" or the Dense layer's name
    units: int
    shown: str                 # the layer whose output the column shows
    members: tuple[str, ...]   # the layers drawn as this column (Dense + element-wise after)
    activation: str | None     # what the shown values went through last ("tanh", "softmax")


def unit_columns(spec: NetworkSpec) -> list[Column] | None:
    """The columns of a network the units view can draw, or None when it cannot (branches,
    other layer types, more than MAX_UNITS units or inputs)."""
    if len(spec.input_shape) != 1 or spec.input_shape[0] > MAX_UNITS or not spec.layers:
        return None
    try:
        infos = spec.infer_shapes()
    except SpecError:                 # an invalid design has no units to draw
        return None
    columns = [Column(INPUT, int(spec.input_shape[0]), INPUT, (INPUT,), None)]
    previous = INPUT
    for i, (layer, info) in enumerate(zip(spec.layers, infos, strict=True)):
        if list(info.inputs) != [previous] or (i == 0 and layer.type != "Dense"):
            return None
        if layer.type == "Dense":
            units = int(info.output_shape[0])
            if units > MAX_UNITS:
                return None
            activation = layer.config.get("activation", "linear")
            if isinstance(activation, dict):
                activation = activation.get("type")
            columns.append(Column(layer.name, units, layer.name, (layer.name,),
                                  str(activation) if activation else "linear"))
        elif layer.type in ELEMENTWISE:
            last = columns[-1]
            activation = layer.type.lower() if layer.type not in ("Dropout", "BatchNorm") \
                else last.activation
            columns[-1] = Column(last.name, last.units, layer.name, (*last.members, layer.name),
                                 "leaky_relu" if activation == "leakyrelu" else activation)
        else:
            return None
        previous = layer.name
    return columns


def connection_weights(network: Network) -> dict[str, dict[str, np.ndarray]]:
    """Every Dense layer's weights in the course's layout: W (units, inputs) and b (units,)."""
    result = {}
    for node in network.nodes:
        if node.layer.type_name == "Dense":
            result[node.name] = {key: np.array(to_numpy(value), dtype=np.float64)
                                 for key, value in node.layer.params.items()}
    return result


def unit_grids(network: Network, columns: list[Column],
               bounds: tuple[float, float, float, float], resolution: int = 32,
               transform: Callable[[np.ndarray], np.ndarray] | None = None
               ) -> dict[str, Any]:
    """Every column's units over a resolution × resolution grid of a 2-input network."""
    xs, ys, points = grid_points(bounds, resolution)
    inputs = transform(points) if transform is not None else points
    batch = network.backend.asarray(network.check_input(inputs))
    outputs = {name: out for name, _, out in layer_outputs(network, batch)}
    outputs[INPUT] = batch
    grids = {}
    for column in columns:
        values = np.array(to_numpy(outputs[column.shown]), dtype=np.float64)
        grids[column.name] = values.T.reshape(column.units, resolution, resolution)
    return {"xs": xs, "ys": ys, "columns": grids}


def units_probe(network: Network, bounds: tuple[float, float, float, float] | None,
                resolution: int = 32,
                transform: Callable[[np.ndarray], np.ndarray] | None = None
                ) -> Callable[[Network], dict[str, Any]] | None:
    """The probe of the units view for ``network``, or None when it cannot be drawn."""
    columns = unit_columns(network.spec)
    if columns is None:
        return None
    if bounds is not None:
        grid_points(bounds, resolution)          # fail now, not in the worker thread

    def probe(net: Network) -> dict[str, Any]:
        grids = None
        if bounds is not None and tuple(net.spec.input_shape) == (2,):
            grids = unit_grids(net, columns, bounds, resolution, transform)
        return {"weights": connection_weights(net), "grids": grids}

    return probe
