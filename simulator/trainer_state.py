"""Everything a :class:`simulator.training.Trainer` needs to resume exactly, as plain data.

``Trainer.state_dict()`` returns (weights are *not* included: save them with
``network.get_weights()``)::

    {"format": 1,
     "epoch": 4,                      # completed epochs
     "step": 40,                      # completed updates
     "base_learning_rate": 0.001,     # after live changes and plateau reductions
     "optimizer": {"type": "adam", "iterations": 40,
                   "slots": {"m": ndarray, "v": ndarray}},
     "rng": {...},                    # numpy bit_generator.state of the shuffling Generator
     "layer_rngs": {"drop": {...}},   # the same for layers drawing random numbers (``rng``)
     "history": {"loss": [...], "val_loss": [...], ...},
     "callbacks": [{"type": "EarlyStopping", "state": {"best": 0.3, "wait": 1, ...}}]}

Every value is JSON-safe except the NumPy arrays. :func:`split_arrays` replaces each array by
``{"__array__": "<key>"}`` and returns the arrays separately (for an ``.npz``), and
:func:`join_arrays` puts them back, so ``json.dumps(split_arrays(state)[0])`` always works.
Resuming is exact at an epoch boundary. State taken in the middle of an epoch (a paused or
stopped run) records the completed epochs only: the resumed run starts that epoch again from
a fresh shuffle, with the partial epoch's updates kept in the weights and the step count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.errors import ModelFileError

if TYPE_CHECKING:
    from simulator.training import Trainer

STATE_FORMAT = 1
_ARRAY = "__array__"


def layer_generators(trainer: Trainer) -> dict[str, np.random.Generator]:
    """Layers that keep their own ``numpy.random.Generator`` as ``rng`` (e.g. Dropout)."""
    found = {}
    for node in trainer.network.nodes:
        gen = getattr(node.layer, "rng", None)
        if isinstance(gen, np.random.Generator) and gen is not trainer.rng:
            found[node.name] = gen
    return found


def trainer_state(trainer: Trainer) -> dict[str, Any]:
    return {
        "format": STATE_FORMAT,
        "epoch": trainer.completed_epochs,
        "step": trainer.step,
        "base_learning_rate": trainer.base_learning_rate,
        "optimizer": trainer.optimizer.state_dict(),
        "rng": trainer.rng.bit_generator.state,
        "layer_rngs": {k: g.bit_generator.state for k, g in layer_generators(trainer).items()},
        "history": {k: list(v) for k, v in trainer.history.items()},
        "callbacks": [{"type": type(cb).__name__, "state": cb.state_dict()}
                      for cb in trainer.callbacks],
    }


def _int(state: dict[str, Any], key: str) -> int:
    value = state.get(key)
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ModelFileError(f"training state '{key}' must be an integer >= 0, got {value!r}")
    return int(value)


def _check_rng(gen: np.random.Generator, state: Any, what: str) -> None:
    if not isinstance(state, dict) or state.get("bit_generator") != type(
            gen.bit_generator).__name__:
        raise ModelFileError(f"{what} state is not a {type(gen.bit_generator).__name__} state")
    probe = type(gen.bit_generator)()
    try:
        probe.state = state
    except (TypeError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{what} state is malformed ({exc})") from None


def load_trainer_state(trainer: Trainer, state: Any) -> None:
    """Validate everything first, then apply; on any problem nothing changes."""
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise ModelFileError(f"training state must be an object with format {STATE_FORMAT}")
    epoch, step = _int(state, "epoch"), _int(state, "step")
    lr = state.get("base_learning_rate")
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not np.isfinite(lr) or lr < 0:
        raise ModelFileError(f"training state 'base_learning_rate' must be a finite number "
                             f">= 0, got {lr!r}")
    trainer.optimizer.check_state_dict(state.get("optimizer"))
    _check_rng(trainer.rng, state.get("rng"), "random generator")
    gens = layer_generators(trainer)
    layer_rngs = state.get("layer_rngs", {})
    if not isinstance(layer_rngs, dict) or set(layer_rngs) != set(gens):
        raise ModelFileError(f"training state has random generators for layers "
                             f"{sorted(layer_rngs)}, this network has {sorted(gens)}")
    for name, gen in gens.items():
        _check_rng(gen, layer_rngs[name], f"layer '{name}' random generator")
    history = state.get("history", {})
    if not isinstance(history, dict) or not all(
            isinstance(v, list) and all(isinstance(x, int | float) for x in v)
            for v in history.values()):
        raise ModelFileError("training state 'history' must map names to lists of numbers")
    saved = state.get("callbacks", [])
    kinds = [type(cb).__name__ for cb in trainer.callbacks]
    if not isinstance(saved, list) or [
            c.get("type") if isinstance(c, dict) else None for c in saved] != kinds:
        raise ModelFileError(f"training state holds callbacks "
                             f"{[c.get('type') for c in saved if isinstance(c, dict)]}, "
                             f"this run has {kinds}; use the same early stopping and "
                             "reduce-on-plateau settings to resume")
    backups = [cb.state_dict() for cb in trainer.callbacks]
    try:
        for cb, item in zip(trainer.callbacks, saved, strict=True):
            cb.load_state_dict(item.get("state", {}))
    except (ModelFileError, TypeError, AttributeError, ValueError) as exc:
        for cb, backup in zip(trainer.callbacks, backups, strict=True):
            cb.load_state_dict(backup)
        raise ModelFileError(f"training state: bad callback state ({exc})") from None
    trainer.optimizer.load_state_dict(state["optimizer"])
    trainer.rng.bit_generator.state = state["rng"]
    for name, gen in gens.items():
        gen.bit_generator.state = layer_rngs[name]
    trainer.epoch, trainer.step, trainer._in_epoch = epoch, step, False
    trainer.base_learning_rate = float(lr)
    trainer.history = {str(k): [float(x) for x in v] for k, v in history.items()}


def split_arrays(state: Any, prefix: str = "") -> tuple[Any, dict[str, np.ndarray]]:
    """(JSON-safe copy of ``state``, {key: array}) with arrays replaced by references."""
    arrays: dict[str, np.ndarray] = {}

    def walk(value: Any, path: str) -> Any:
        if isinstance(value, np.ndarray):
            arrays[path] = value
            return {_ARRAY: path}
        if isinstance(value, dict):
            return {k: walk(v, f"{path}/{k}" if path else str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v, f"{path}/{i}") for i, v in enumerate(value)]
        if isinstance(value, np.generic):
            return value.item()
        return value

    return walk(state, prefix), arrays


def join_arrays(state: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Inverse of :func:`split_arrays`; a missing array is a ModelFileError."""
    if isinstance(state, dict):
        if set(state) == {_ARRAY}:
            key = state[_ARRAY]
            if key not in arrays:
                raise ModelFileError(f"training state refers to a missing array {key!r}")
            return arrays[key]
        return {k: join_arrays(v, arrays) for k, v in state.items()}
    if isinstance(state, list):
        return [join_arrays(v, arrays) for v in state]
    return state
