"""The network design as data: layers, their configs and connections, plus training settings.

A :class:`NetworkSpec` is what the canvas edits, what a network file holds and what
:func:`simulator.network.compile_network` builds. It is plain data with no arrays, and it
validates itself: :meth:`NetworkSpec.infer_shapes` walks the graph and reports every layer's
output shape and parameter count, or raises a :class:`SpecError` naming the layer at fault.

Network file format (JSON)::

    {"input_shape": [2],
     "layers": [{"type": "Dense", "units": 3, "activation": "relu", "name": "hidden"},
                {"type": "Dense", "units": 2, "inputs": ["hidden"]},
                {"type": "Softmax"}],
     "training": {...}}

A layer takes the previous layer's output unless it names its ``inputs``; ``"input"`` is the
network's input. The last layer in the list is the output.

Explicit Dense ``weights`` are ``[units][inputs]``, one row of W per unit, as the course writes
σ(W x + b). ``format_version`` 1 (written before this layout) stored them ``[inputs][units]``;
such files are read by transposing those matrices. A file without ``format_version`` is read
as the current format.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.backend import Shape
from simulator.checks import integer
from simulator.config import TrainingConfig
from simulator.errors import SpecError
from simulator.events import Signal
from simulator.layers import LAYERS, Layer, get_layer  # the package registers every type
from simulator.layers.base import total_size

INPUT = "input"
#: 2: Dense weights ``[units][inputs]`` (1 stored them ``[inputs][units]``).
FORMAT_VERSION = 2
#: Largest network the app will build (parameters); a typo like units=10**12 fails early.
MAX_PARAMS = 50_000_000
MAX_LAYERS = 1000
#: Longest layer name. Names key the saved weights (``"name.W"``), so a name must fit in a zip
#: member name (255 characters) even when every character has to be percent-encoded.
MAX_NAME_CHARS = 64
#: Largest canvas coordinate (either way) a design may place a layer at.
MAX_POSITION = 1e7
_RESERVED_KEYS = ("type", "name", "inputs", "position")


@dataclass
class LayerSpec:
    type: str
    config: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    inputs: list[str] | None = None
    #: Where the canvas draws the layer (x, y); not part of the math.
    position: tuple[float, float] | None = None

    @classmethod
    def from_dict(cls, data: Any, index: int) -> LayerSpec:
        if not isinstance(data, dict):
            raise SpecError(f"layer #{index + 1} must be an object, got {type(data).__name__}")
        if "type" not in data:
            raise SpecError(f"layer #{index + 1} has no 'type'")
        LAYERS.get(data["type"])  # closed registry: unknown names fail here
        name = data.get("name", "")
        if not isinstance(name, str) or name == INPUT:
            raise SpecError(f"layer #{index + 1}: 'name' must be a string other than 'input'")
        if name:
            check_layer_name(name, f"layer #{index + 1}")
        inputs = data.get("inputs")
        if inputs is not None and (
            not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs)
        ):
            raise SpecError(f"layer #{index + 1}: 'inputs' must be a list of layer names")
        position = data.get("position")
        if position is not None:
            position = check_position(position, f"layer #{index + 1}")
        config = {k: v for k, v in data.items() if k not in _RESERVED_KEYS}
        return cls(data["type"], config, name, inputs, position)

    def to_dict(self, with_position: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "name": self.name}
        if self.inputs is not None:
            data["inputs"] = list(self.inputs)
        data.update(self.config)
        if with_position and self.position is not None:
            data["position"] = [self.position[0], self.position[1]]
        return data

    def create(self) -> Layer:
        try:
            return get_layer({**self.config, "type": self.type})
        except SpecError as exc:
            raise SpecError(str(exc), layer=self.name) from None


@dataclass(frozen=True)
class LayerInfo:
    """What shape inference found for one layer."""

    name: str
    type: str
    inputs: tuple[str, ...]
    input_shape: Any
    output_shape: Shape
    param_count: int
    #: Values per sample the layer works in besides its output: (training, inference).
    scratch: tuple[int, int] = (0, 0)


class NetworkSpec:
    """A network design. Mutate it through its methods so that views hear ``changed``."""

    def __init__(
        self,
        input_shape: Shape,
        layers: list[LayerSpec] | None = None,
        training: TrainingConfig | None = None,
    ) -> None:
        self.input_shape = _check_input_shape(input_shape)
        self.layers: list[LayerSpec] = []
        self.training = training or TrainingConfig()
        self.changed = Signal()
        for layer in layers or []:
            self._append(layer)

    # ----- (de)serialisation ------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any) -> NetworkSpec:
        if not isinstance(data, dict):
            raise SpecError("a network file must hold a JSON object")
        unknown = sorted(set(data) - {"input_shape", "layers", "training", "format_version",
                                      "name", "description"})
        if unknown:
            raise SpecError(f"unknown top-level keys {unknown}")
        if "input_shape" not in data:
            raise SpecError("the network has no 'input_shape' (for example [2] or [1, 28, 28])")
        raw_layers = data.get("layers")
        if not isinstance(raw_layers, list) or not raw_layers:
            raise SpecError("'layers' must be a non-empty list")
        if len(raw_layers) > MAX_LAYERS:
            raise SpecError(f"too many layers ({len(raw_layers)}); at most {MAX_LAYERS}")
        if _format_version(data.get("format_version", FORMAT_VERSION)) == 1:
            raw_layers = [_dense_weights_as_rows(item) for item in raw_layers]
        layers = [LayerSpec.from_dict(item, i) for i, item in enumerate(raw_layers)]
        spec = cls(data["input_shape"], layers, TrainingConfig.from_dict(data.get("training")))
        spec.infer_shapes()
        return spec

    @classmethod
    def from_json(cls, text: str) -> NetworkSpec:
        return cls.from_dict(loads_strict(text))

    def to_dict(self, with_positions: bool = True) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "input_shape": list(self.input_shape),
            "layers": [layer.to_dict(with_positions) for layer in self.layers],
            "training": self.training.to_dict(),
        }

    def to_json(self, with_positions: bool = True) -> str:
        return json.dumps(self.to_dict(with_positions), indent=2, allow_nan=False)

    def copy(self) -> NetworkSpec:
        return NetworkSpec.from_dict(copy.deepcopy(self.to_dict()))

    # ----- editing (each emits ``changed``) ----------------------------------------------
    def _append(self, layer: LayerSpec, index: int | None = None) -> LayerSpec:
        if not layer.name:
            layer.name = self.unique_name(layer.type.lower())
        elif layer.name in self.names():
            raise SpecError(f"two layers are named {layer.name!r}; names must be unique")
        check_layer_name(layer.name, f"layer {layer.name[:MAX_NAME_CHARS]!r}")
        if layer.position is not None:
            layer.position = check_position(layer.position, f"layer {layer.name!r}")
        self.layers.insert(len(self.layers) if index is None else index, layer)
        return layer

    def unique_name(self, stem: str) -> str:
        taken, k = set(self.names()), 1
        while f"{stem}_{k}" in taken:
            k += 1
        return f"{stem}_{k}"

    def names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    def layer(self, name: str) -> LayerSpec:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise SpecError(f"no layer named {name!r}")

    def insert_layer(self, layer: LayerSpec, index: int | None = None) -> LayerSpec:
        self._append(layer, index)
        self.changed.emit()
        return layer

    def remove_layer(self, name: str) -> tuple[int, LayerSpec]:
        layer = self.layer(name)
        index = self.layers.index(layer)
        self.layers.remove(layer)
        self.changed.emit()
        return index, layer

    def update_layer(self, name: str, **changes: Any) -> None:
        """Change a layer's ``config`` keys, ``inputs`` or ``position``."""
        layer = self.layer(name)
        for key, value in changes.items():
            if key == "inputs":
                layer.inputs = None if value is None else list(value)
            elif key == "position":
                layer.position = None if value is None else check_position(value, name)
            elif value is None:
                layer.config.pop(key, None)
            else:
                layer.config[key] = value
        self.changed.emit()

    def set_input_shape(self, shape: Shape) -> None:
        self.input_shape = _check_input_shape(shape)
        self.changed.emit()

    def set_training(self, training: TrainingConfig) -> None:
        self.training = training
        self.changed.emit()

    # ----- graph -------------------------------------------------------------------------
    def inputs_of(self, index: int) -> list[str]:
        layer = self.layers[index]
        if layer.inputs is not None:
            return list(layer.inputs)
        return [INPUT if index == 0 else self.layers[index - 1].name]

    def topological_order(self) -> list[int]:
        """Layer indices in an order where every layer comes after its inputs."""
        by_name = {layer.name: i for i, layer in enumerate(self.layers)}
        deps: dict[int, list[int]] = {}
        for i, layer in enumerate(self.layers):
            deps[i] = []
            for source in self.inputs_of(i):
                if source == INPUT:
                    continue
                if source not in by_name:
                    raise SpecError(f"input {source!r} is not a layer of this network",
                                    layer=layer.name)
                deps[i].append(by_name[source])
        return _depth_first_order(deps, [layer.name for layer in self.layers])

    def infer_shapes(self) -> list[LayerInfo]:
        """Validate the whole design; return one :class:`LayerInfo` per layer, in file order."""
        if not self.layers:
            raise SpecError("the network has no layers")
        shapes: dict[str, Any] = {INPUT: self.input_shape}
        infos: dict[int, LayerInfo] = {}
        consumed: set[str] = set()
        total_params = 0
        for i in self.topological_order():
            spec = self.layers[i]
            sources = self.inputs_of(i)
            consumed.update(sources)
            layer = spec.create()
            want = layer.n_inputs
            if want is None and len(sources) < 2:
                raise SpecError(f"{spec.type} joins two or more inputs; give it 'inputs'",
                                layer=spec.name)
            if want is not None and len(sources) != want:
                raise SpecError(f"{spec.type} takes {want} input, got {len(sources)}",
                                layer=spec.name)
            in_shape = shapes[sources[0]] if want == 1 else [shapes[s] for s in sources]
            try:
                out_shape = tuple(int(d) for d in layer.compute_output_shape(in_shape))
                n_params = total_size(list(layer.param_shapes(in_shape).values()))
                total_params += n_params
                if total_params > MAX_PARAMS:
                    raise SpecError(
                        f"the network would have more than {MAX_PARAMS:,} parameters; "
                        "use fewer units or filters"
                    )
                if "weights" in spec.config or "bias" in spec.config:
                    layer.initial_params(in_shape, np.random.default_rng(0))
            except SpecError as exc:
                if exc.layer:
                    raise
                raise SpecError(str(exc), layer=spec.name) from None
            if any(d < 1 for d in out_shape):
                raise SpecError(f"output shape {list(out_shape)} is empty", layer=spec.name)
            shapes[spec.name] = out_shape
            scratch = (layer.scratch_size(in_shape, True), layer.scratch_size(in_shape, False))
            infos[i] = LayerInfo(spec.name, spec.type, tuple(sources), in_shape, out_shape,
                                 n_params, scratch)
        dangling = [layer.name for layer in self.layers[:-1] if layer.name not in consumed]
        if dangling:
            raise SpecError(
                "this layer's output is not used by any other layer; connect it or remove it "
                "(the last layer in the list is the network's output)",
                layer=dangling[0],
            )
        return [infos[i] for i in range(len(self.layers))]

    @property
    def output_shape(self) -> Shape:
        return self.infer_shapes()[-1].output_shape


def _format_version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"'format_version' must be a positive integer, got {value!r}")
    if value > FORMAT_VERSION:
        raise SpecError(f"the network file has format {value}, newer than this version of "
                        f"Backprop Studio reads ({FORMAT_VERSION}); update Backprop Studio")
    return value


def _dense_weights_as_rows(layer: Any) -> Any:
    """A format-1 Dense layer with its explicit ``weights`` turned from ``[inputs][units]``
    into ``[units][inputs]``; anything else unchanged (malformed values fail later, in the
    layer's own checks)."""
    if not isinstance(layer, dict) or layer.get("type") != "Dense" or "weights" not in layer:
        return layer
    try:
        matrix = np.asarray(layer["weights"], dtype=np.float64)
    except (TypeError, ValueError):
        return layer
    if matrix.ndim != 2:
        return layer
    return {**layer, "weights": matrix.T.tolist()}


def _depth_first_order(deps: dict[int, list[int]], names: list[str]) -> list[int]:
    """Every node after its dependencies, visiting in index order (iterative: a design of
    ``MAX_LAYERS`` layers listed output-first must not exhaust Python's recursion limit)."""
    order: list[int] = []
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    for root in range(len(names)):
        if state.get(root) == 2:
            continue
        path: list[int] = [root]
        pending: list[int] = [0]   # per node on the path: how many of its deps are visited
        state[root] = 1
        while path:
            node, next_dep = path[-1], pending[-1]
            if next_dep == len(deps[node]):
                path.pop()
                pending.pop()
                state[node] = 2
                order.append(node)
                continue
            pending[-1] += 1
            dep = deps[node][next_dep]
            if state.get(dep) == 2:
                continue
            if state.get(dep) == 1:
                cycle = " -> ".join(names[j] for j in path[path.index(dep):] + [dep])
                raise SpecError(f"the connections form a cycle: {cycle}", layer=names[dep])
            state[dep] = 1
            path.append(dep)
            pending.append(0)
    return order


def check_layer_name(name: str, what: str) -> str:
    """``name`` if a layer may carry it: 1 to ``MAX_NAME_CHARS`` printable characters.

    Any script is fine (the weights file keeps it as written); control characters, unpaired
    surrogates and other invisible characters are refused, since they cannot be told apart on
    screen and some cannot be written to a file at all.
    """
    if not 1 <= len(name) <= MAX_NAME_CHARS:
        raise SpecError(f"{what}: a layer name has 1 to {MAX_NAME_CHARS} characters, this one "
                        f"has {len(name)}; choose a shorter name")
    if not name.isprintable() or not name.strip():
        raise SpecError(f"{what}: the layer name {name!r} has control, invisible or only "
                        "blank characters; use letters, digits, spaces and punctuation")
    return name


def check_position(value: Any, what: str) -> tuple[float, float]:
    """A canvas position ``[x, y]`` of two finite numbers within ±``MAX_POSITION``."""
    if not (isinstance(value, list | tuple) and len(value) == 2) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise SpecError(f"{what}: 'position' must be [x, y], two numbers, got {value!r}")
    try:
        x, y = float(value[0]), float(value[1])
    except OverflowError:
        x = y = math.inf
    if not (abs(x) <= MAX_POSITION and abs(y) <= MAX_POSITION):
        raise SpecError(f"{what}: 'position' must be two finite numbers between "
                        f"-{MAX_POSITION:g} and {MAX_POSITION:g}, got {value!r}")
    return x, y


def _check_input_shape(shape: Any) -> Shape:
    if not isinstance(shape, list | tuple) or not 1 <= len(shape) <= 3:
        raise SpecError(
            f"'input_shape' must be a list of 1 to 3 positive integers such as [2] or "
            f"[1, 28, 28], got {shape!r}"
        )
    return tuple(integer(d, "each 'input_shape' entry", low=1, high=1_000_000) for d in shape)


def _reject_constant(token: str) -> Any:
    raise SpecError(f"JSON value {token} is not allowed (use finite numbers)")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise SpecError(f"duplicate key {key!r} in JSON object")
        result[key] = value
    return result


MAX_JSON_BYTES = 10 * 1024 * 1024


def loads_strict(text: str | bytes) -> Any:
    """Parse JSON for files we read: no NaN/Infinity, no duplicate keys, bounded size/depth."""
    if len(text) > MAX_JSON_BYTES:
        raise SpecError(f"JSON document is larger than {MAX_JSON_BYTES // 2**20} MiB")
    if isinstance(text, str) and text.startswith("\ufeff"):   # a byte-order mark, as in bytes
        text = text[1:]
    try:
        return json.loads(text, parse_constant=_reject_constant,
                          object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise SpecError("JSON document is nested too deeply") from None
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, SpecError):
            raise
        raise SpecError(f"not valid JSON: {exc}") from None
