"""Compile a :class:`NetworkSpec` on a backend into a runnable :class:`Network`.

The network owns its layers in topological order, one flat parameter buffer and one flat
gradient buffer (every layer's ``params``/``grads`` are views into them, which makes the
optimizer step a handful of array operations). When the loss has fused with the output
activation (:meth:`simulator.losses.Loss.fuse`), ``backward(fused=True)`` starts from the
output layer's ``backward_linear``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator import batch_memory
from simulator.activations import Activation
from simulator.backend import Array, Backend, get_backend, to_numpy
from simulator.errors import DataError, ModelFileError
from simulator.layers.base import Layer
from simulator.spec import INPUT, LayerInfo, NetworkSpec

#: Largest magnitude a stored weight or statistic may have: trained networks stay far below
#: it, and a file holding 3e38 (float32's largest) only ever predicts NaN.
MAX_MAGNITUDE = 1e30


@dataclass(frozen=True)
class _Node:
    name: str
    layer: Layer
    sources: tuple[int, ...]   # indices into the value list; 0 is the network input


class Network:
    """A built network: ``forward``, ``backward``, ``predict`` and weight access."""

    def __init__(self, spec: NetworkSpec, backend: Backend, rng: np.random.Generator) -> None:
        self.spec = spec
        self.backend = backend
        self.infos: list[LayerInfo] = spec.infer_shapes()
        order = spec.topological_order()
        slot = {INPUT: 0}
        nodes = []
        for position, i in enumerate(order):
            layer_spec, info = spec.layers[i], self.infos[i]
            layer = layer_spec.create()
            layer.build(info.input_shape, backend, rng)
            layer.needs_input_grad = any(s != INPUT for s in info.inputs)
            nodes.append(_Node(layer_spec.name, layer, tuple(slot[s] for s in info.inputs)))
            slot[layer_spec.name] = position + 1
        self.nodes: list[_Node] = nodes
        self.layers: dict[str, Layer] = {n.name: n.layer for n in nodes}
        self.output_name = spec.layers[-1].name
        self._output_slot = slot[self.output_name]
        self._pack_parameters()

    # ----- parameters ----------------------------------------------------------------
    def _pack_parameters(self) -> None:
        """Move every parameter and gradient into one flat buffer each (views per layer)."""
        xp = self.backend.xp
        entries = [(n.layer, k) for n in self.nodes for k in n.layer.params]
        total = sum(int(layer.params[k].size) for layer, k in entries)
        self.flat_params = xp.zeros(total, dtype=self.backend.dtype)
        self.flat_grads = xp.zeros(total, dtype=self.backend.dtype)
        self.param_slices: dict[str, slice] = {}
        offset = 0
        for layer, key in entries:
            array = layer.params[key]
            size, shape = int(array.size), array.shape
            self.flat_params[offset:offset + size] = array.reshape(-1)
            layer.params[key] = self.flat_params[offset:offset + size].reshape(shape)
            layer.grads[key] = self.flat_grads[offset:offset + size].reshape(shape)
            self.param_slices[f"{self._name_of(layer)}.{key}"] = slice(offset, offset + size)
            offset += size

    def _name_of(self, layer: Layer) -> str:
        return next(n.name for n in self.nodes if n.layer is layer)

    @property
    def param_count(self) -> int:
        return int(self.flat_params.size)

    def get_weights(self) -> dict[str, np.ndarray]:
        """All parameters and buffers as NumPy arrays keyed ``"layer.key"`` (copies)."""
        weights = {}
        for node in self.nodes:
            for key, value in {**node.layer.params, **node.layer.buffers}.items():
                weights[f"{node.name}.{key}"] = np.array(to_numpy(value))
        return weights

    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        """Load weights; on any mismatch nothing changes and a ModelFileError lists them."""
        expected = {}
        for node in self.nodes:
            for key, value in {**node.layer.params, **node.layer.buffers}.items():
                expected[f"{node.name}.{key}"] = (node.layer, key, value)
        problems = [f"missing '{k}'" for k in expected if k not in weights]
        problems += [f"unexpected '{k}'" for k in weights if k not in expected]
        for name, (layer, key, current) in expected.items():
            if name in weights:
                given = weights[name]
                if not isinstance(given, np.ndarray) or given.dtype.kind != "f":
                    problems.append(f"'{name}' is not a floating-point array")
                elif given.shape != current.shape:
                    problems.append(f"'{name}' has shape {list(given.shape)}, the network "
                                    f"needs {list(current.shape)}")
                elif not np.all(np.isfinite(given)):
                    problems.append(f"'{name}' contains NaN or infinite values")
                elif given.size and float(np.abs(given).max()) > MAX_MAGNITUDE:
                    problems.append(f"'{name}' holds values beyond ±{MAX_MAGNITUDE:g}, which "
                                    "only overflow into NaN outputs")
                elif key in layer.nonnegative_buffers and given.size and given.min() < 0:
                    problems.append(f"'{name}' is a variance but holds negative values")
        if problems:
            raise ModelFileError("the weights do not fit this network: " + "; ".join(problems))
        for name, (_, _, current) in expected.items():
            current[...] = self.backend.asarray(weights[name])

    # ----- computation -----------------------------------------------------------------
    def forward_all(self, x: Array, training: bool = False) -> list[Array]:
        """The input followed by every layer's output, in topological order."""
        values: list[Array] = [x]
        for node in self.nodes:
            if len(node.sources) == 1:
                values.append(node.layer.forward(values[node.sources[0]], training))
            else:
                values.append(node.layer.forward([values[s] for s in node.sources], training))
        return values

    def forward(self, x: Array, training: bool = False) -> Array:
        return self.forward_all(x, training)[self._output_slot]

    @property
    def output_activation(self) -> Activation | None:
        """The output layer's last activation (a loss may fuse with it: ``Loss.fuse``)."""
        return self.layers[self.output_name].output_activation

    def backward(self, grad_out: Array, fused: bool = False) -> None:
        """Backpropagate d(loss)/d(output), or, when ``fused`` (the loss has absorbed the
        output activation), d(loss)/d(logits) through the output layer's
        ``backward_linear``."""
        grads: list[Array] = [None] * (len(self.nodes) + 1)
        grads[self._output_slot] = grad_out
        for position in range(len(self.nodes), 0, -1):
            node, grad = self.nodes[position - 1], grads[position]
            if grad is None:
                continue
            layer = node.layer
            if fused and position == self._output_slot:
                grad_in = layer.backward_linear(grad)
            else:
                grad_in = layer.backward(grad)
            if len(node.sources) == 1:
                grad_in = [grad_in]
            for source, g in zip(node.sources, grad_in, strict=True):
                if source == 0 or g is None:
                    continue
                grads[source] = g if grads[source] is None else grads[source] + g

    def predict(self, x: Any, batch_size: int = 1024) -> np.ndarray:
        """Inference on raw inputs ``x`` (NumPy), batched; returns NumPy outputs.

        The batches are smaller than ``batch_size`` when that many would not fit in memory; a
        :class:`SpecError` names the layer when not even one sample fits.
        """
        x = self.check_input(x)
        if len(x):
            batch_size = self.fitting_batch(min(batch_size, len(x)), training=False)
        outputs = []
        for start in range(0, x.shape[0], batch_size):
            batch = self.backend.asarray(x[start:start + batch_size])
            outputs.append(np.array(to_numpy(self.forward(batch, training=False))))
        if not outputs:
            return np.zeros((0, *self.infos[-1].output_shape), dtype=self.backend.dtype)
        return np.concatenate(outputs)

    def fitting_batch(self, wanted: int, training: bool) -> int:
        """The largest batch up to ``wanted`` whose activations fit in memory now."""
        itemsize = np.dtype(self.backend.dtype).itemsize
        return batch_memory.fitting_batch(self.infos, wanted, itemsize, training)

    def check_input(self, x: Any) -> np.ndarray:
        """Reshape samples to the network's input shape, or explain why they do not fit."""
        x = np.asarray(x)
        if x.dtype.kind not in "fiub":
            raise DataError(f"inputs must be numeric, got dtype {x.dtype}")
        want = tuple(self.spec.input_shape)
        if x.ndim == len(want) and tuple(x.shape) == want:
            x = x[None]
        per_sample = int(np.prod(x.shape[1:])) if x.ndim > 1 else 1
        if x.ndim < 1 or per_sample != int(np.prod(want)):
            raise DataError(
                f"each sample has shape {list(x.shape[1:])} but the network's input_shape is "
                f"{list(want)}"
            )
        return x.reshape((x.shape[0], *want))


def compile_network(
    spec: NetworkSpec,
    backend: str | Backend = "numpy",
    seed: int | None = None,
    rng: np.random.Generator | None = None,
) -> Network:
    """Build ``spec`` on ``backend`` with the dtype from its training config."""
    if not isinstance(backend, Backend):
        backend = get_backend(backend, spec.training.dtype)
    if rng is None:
        rng = np.random.default_rng(spec.training.seed if seed is None else seed)
    return Network(spec, backend, rng)
