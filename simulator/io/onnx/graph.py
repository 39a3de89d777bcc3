"""The ONNX graph under construction and the converter registry every layer converter joins.

A converter is a function ``(builder, context) -> output name`` registered in
:data:`CONVERTERS` for one or more layer types with :func:`converter`;
:mod:`simulator.io.onnx.core` and :mod:`simulator.io.onnx.conv` hold them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper

from simulator.errors import ModelFileError
from simulator.registry import Registry


class GraphBuilder:
    """Collects nodes and initializers; every tensor name is unique."""

    def __init__(self, dtype: Any) -> None:
        self.dtype = np.dtype(dtype)
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._names: set[str] = set()

    def unique(self, name: str) -> str:
        candidate, k = name, 1
        while candidate in self._names:
            k += 1
            candidate = f"{name}_{k}"
        self._names.add(candidate)
        return candidate

    def constant(self, name: str, value: Any, dtype: Any = None) -> str:
        """Add an initializer (cast to the graph's float type unless ``dtype`` is given)."""
        array = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        tensor = numpy_helper.from_array(np.array(array, order="C"), self.unique(name))
        self.initializers.append(tensor)
        return tensor.name

    def node(self, op: str, inputs: list[str], name: str, **attributes: Any) -> str:
        """Add one node with a single output; returns the output's name."""
        output = self.unique(name)
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output


Converter = Callable[["GraphBuilder", "LayerContext"], str]
#: Layer type name -> function adding that layer's nodes and returning its output name.
CONVERTERS: Registry[Converter] = Registry("ONNX converter", fold_case=False,
                                           error=ModelFileError)


def converter(*type_names: str) -> Callable[[Converter], Converter]:
    """Decorator registering an ONNX converter for the given layer types."""

    def register(function: Converter) -> Converter:
        for name in type_names:
            CONVERTERS.add(name, function)
        return function

    return register


@dataclass(frozen=True)
class LayerContext:
    """What a converter needs to know about one layer."""

    name: str
    type: str
    config: dict[str, Any]
    weights: dict[str, np.ndarray]
    inputs: list[str]
    input_shape: Any
    output_shape: tuple[int, ...]
