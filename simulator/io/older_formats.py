"""Reading model and project files written in an older format.

Format 1 stored Dense weights ``[inputs][units]``, the transpose of the course's W (one row
per unit); format 2 stores ``[units][inputs]``. An older
file is read by transposing its Dense weights wherever they appear: the explicit ``weights`` of
its design (done by :meth:`NetworkSpec.from_dict` for a design of ``format_version`` 1), the
``"layer.W"`` arrays of its ``weights.npz``, and, in a project that can resume, the optimizer's
per-parameter state and early stopping's best weights, so the run still resumes exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.network import Network
from simulator.spec import NetworkSpec

#: The container format (model or project file) that first stored Dense weights as rows.
ROWS_SINCE = 2


def mark_design_version(design: Any, file_version: int) -> Any:
    """The design dict of a container of ``file_version``, marked with the design format it
    was written in (format-1 containers held format-1 designs)."""
    if file_version < ROWS_SINCE and isinstance(design, dict):
        return {**design, "format_version": design.get("format_version", 1)}
    return design


def dense_weight_keys(spec: NetworkSpec) -> list[str]:
    """The ``"layer.W"`` keys of the design's Dense layers."""
    return [f"{layer.name}.W" for layer in spec.layers if layer.type == "Dense"]


def weights_as_rows(weights: dict[str, np.ndarray], spec: NetworkSpec) -> dict[str, np.ndarray]:
    """Format-1 weight arrays with every Dense ``W`` transposed to ``[units][inputs]``
    (other arrays as they were; shapes are checked later, against the design)."""
    keys = set(dense_weight_keys(spec))
    return {name: np.ascontiguousarray(array.T) if name in keys and array.ndim == 2 else array
            for name, array in weights.items()}


def trainer_state_as_rows(state: dict[str, Any], network: Network) -> dict[str, Any]:
    """A format-1 ``Trainer.state_dict()`` with its parameter-shaped arrays reordered.

    ``network`` is the design compiled in the current layout; its ``param_slices`` say where
    each Dense ``W`` sits in the flat buffer that optimizer slots mirror. Anything that does
    not fit is left as it was for ``Trainer.load_state_dict`` to refuse with its own message.
    """
    keys = dense_weight_keys(network.spec)
    moves = []
    for key in keys:
        layer, param = key.rsplit(".", 1)
        shape = tuple(network.layers[layer].params[param].shape)
        moves.append((network.param_slices[key], shape))
    state = dict(state)
    optimizer = state.get("optimizer")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("slots"), dict):
        slots = {}
        for name, value in optimizer["slots"].items():
            if isinstance(value, np.ndarray) and value.shape == (network.param_count,):
                value = value.copy()
                for part, shape in moves:
                    value[part] = value[part].reshape(shape[::-1]).T.reshape(-1)
            slots[name] = value
        state["optimizer"] = {**optimizer, "slots": slots}
    callbacks = state.get("callbacks")
    if isinstance(callbacks, list):
        state["callbacks"] = [_callback_as_rows(item, network.spec) for item in callbacks]
    return state


def _callback_as_rows(item: Any, spec: NetworkSpec) -> Any:
    if not isinstance(item, dict) or not isinstance(item.get("state"), dict):
        return item
    best = item["state"].get("best_weights")
    if not isinstance(best, dict):
        return item
    return {**item, "state": {**item["state"], "best_weights": weights_as_rows(best, spec)}}
