"""Pieces every file format shares: opening files, strict JSON members, arrays kept beside
JSON (``{"__array__": key}`` references), format versions."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from simulator.checks import is_integer, is_number
from simulator.errors import BackendError, BackpropError, ModelFileError
from simulator.network import Network, compile_network
from simulator.paths import open_regular
from simulator.spec import NetworkSpec, loads_strict

#: Largest model or project file opened at all.
MAX_FILE_BYTES = 2**30
#: Designs up to this many parameters are built before their weights are counted.
SMALL_NETWORK = 1_000_000
#: Keys of a layer object that name code rather than a registered type (Keras-style configs).
_CODE_KEYS = ("module", "class_name", "registered_name", "function", "code", "__lambda__")
#: What parsing a hostile network description may raise besides SpecError.
_PARSE_ERRORS = (BackpropError, ValueError, TypeError, KeyError, IndexError, OverflowError,
                 RecursionError)


def open_checked(path: str | os.PathLike[str], what: str) -> Any:
    """Open ``path`` for reading, refusing anything but a regular file (a FIFO, a device...)
    and files over :data:`MAX_FILE_BYTES`."""
    try:
        handle = open_regular(Path(path), what, ModelFileError)
    except FileNotFoundError as exc:
        raise ModelFileError(f"cannot open {what}: {exc.strerror or exc}") from None
    size = os.fstat(handle.fileno()).st_size
    if size > MAX_FILE_BYTES:
        handle.close()
        raise ModelFileError(f"{what} is {size / 2**20:.0f} MiB; files over "
                             f"{MAX_FILE_BYTES // 2**20} MiB are refused")
    return handle


def dump_json(data: Any) -> bytes:
    """Stable JSON bytes: sorted keys, no NaN/Infinity, a trailing newline."""
    return (json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")


def parse_json(blob: bytes, what: str) -> Any:
    """Strict JSON from UTF-8 bytes (a byte-order mark, as some editors write, is allowed)."""
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ModelFileError(f"{what} is not UTF-8 text") from None
    try:
        return loads_strict(text)
    except BackpropError as exc:
        raise ModelFileError(f"{what}: {exc}") from None


_ARRAY = "__array__"


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
            if not isinstance(key, str) or key not in arrays:
                raise ModelFileError(f"the file refers to a missing array {key!r}")
            return arrays[key]
        return {k: join_arrays(v, arrays) for k, v in state.items()}
    if isinstance(state, list):
        return [join_arrays(v, arrays) for v in state]
    return state


def parse_spec(data: Any, what: str) -> NetworkSpec:
    """A validated :class:`NetworkSpec` from parsed JSON, or a :class:`ModelFileError`."""
    layers = data.get("layers") if isinstance(data, dict) else None
    for index, layer in enumerate(layers if isinstance(layers, list) else []):
        if isinstance(layer, dict) and any(key in layer for key in _CODE_KEYS):
            raise ModelFileError(
                f"{what}: layer #{index + 1}: unknown layer type; layers are named by a "
                "registered 'type' (such as \"Dense\"), never by a Python module, class or code"
            )
    try:
        return NetworkSpec.from_dict(data)
    except _PARSE_ERRORS as exc:
        text = str(exc).strip() or type(exc).__name__
        raise ModelFileError(f"{what}: {text}") from None


def compile_for_weights(spec: NetworkSpec, weights: dict[str, Any], backend: str,
                        what: str) -> Network:
    """Build ``spec`` and load ``weights`` into it, or raise a :class:`ModelFileError`.

    Before anything is allocated, a design with more than :data:`SMALL_NETWORK` parameters
    must come with at least that many stored values, so a tiny file cannot make the loader
    build a huge network (smaller mismatches get ``set_weights``'s detailed listing).
    """
    needed = sum(info.param_count for info in spec.infer_shapes())
    held = sum(int(array.size) for array in weights.values())
    if needed > max(held, SMALL_NETWORK):
        raise ModelFileError(f"{what}: the weights hold {held:,} values but the network has "
                             f"{needed:,} parameters; the file does not match its design")
    network = compile_checked(spec, backend, what)
    try:
        network.set_weights(weights)
    except ModelFileError as exc:
        raise ModelFileError(f"{what}: {exc}") from None
    return network


def compile_checked(spec: NetworkSpec, backend: str, what: str) -> Network:
    """Build ``spec`` (already validated); typed errors."""
    try:
        return compile_network(spec, backend, seed=0)
    except BackendError:
        raise
    except _PARSE_ERRORS as exc:
        text = str(exc).strip() or type(exc).__name__
        raise ModelFileError(f"{what}: {text}") from None


def check_format_version(value: Any, what: str, supported: int) -> int:
    if not is_integer(value) or value < 1:
        raise ModelFileError(f"{what} has no valid 'format_version' (got {value!r})")
    if value > supported:
        raise ModelFileError(
            f"{what} was created by a newer version of Backprop Studio (format {value}); this "
            f"version reads up to {supported}. Update Backprop Studio to open it."
        )
    return int(value)


def require_dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ModelFileError(f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def clean_metrics(metrics: Any, what: str) -> dict[str, float | None]:
    """``{name: finite float or None}``; anything else is refused."""
    result: dict[str, float | None] = {}
    for key, value in require_dict(metrics, what).items():
        if value is None:
            result[str(key)] = None
            continue
        if not is_number(value):
            raise ModelFileError(f"{what}: metric {key!r} must be a number, got {value!r}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        result[str(key)] = number if math.isfinite(number) else None
    return result
