"""Export a network to ONNX (opset 17, IR version 8) that takes the same RAW inputs as
:meth:`LoadedModel.predict`: the stored preprocessing is part of the graph.

    export_onnx(load_model("spiral.bpmodel"), "spiral.onnx")

The graph reads ``input`` with shape ``[batch, *input_shape]`` (``batch`` symbolic), applies
``Sub(shift)`` and ``Mul(scale)`` when the model has preprocessing, runs one converter per layer
(see :mod:`simulator.io.onnx.core` and :mod:`simulator.io.onnx.conv`) in inference form, and
writes ``output``. The result passes ``onnx.checker.check_model(full_check=True)``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper

from simulator.errors import ModelFileError
from simulator.io.atomic import atomic_write
from simulator.io.model_file import LoadedModel
from simulator.io.onnx.graph import CONVERTERS, GraphBuilder, LayerContext
from simulator.io.stored_preprocessing import affine
from simulator.network import Network
from simulator.spec import INPUT
from simulator.version import __version__

OPSET = 17
_ELEMENT_TYPES = {np.dtype(np.float32): TensorProto.FLOAT,
                  np.dtype(np.float64): TensorProto.DOUBLE}


def build_onnx(model_or_network: LoadedModel | Network, preprocessor: Any = None
               ) -> onnx.ModelProto:
    """The checked ONNX model for a loaded model or a network (see the module docstring)."""
    network, preprocessor, class_names = _unpack(model_or_network, preprocessor)
    spec = network.spec
    builder = GraphBuilder(network.backend.dtype)
    element = _ELEMENT_TYPES[builder.dtype]
    builder.unique("input")
    value = "input"
    stats = affine(preprocessor, spec.input_shape)
    if stats is not None:
        value = builder.node("Sub", [value, builder.constant("preprocess/shift", stats[0])],
                             "preprocess/centered")
        value = builder.node("Mul", [value, builder.constant("preprocess/scale", stats[1])],
                             "preprocess/scaled")
    values = {INPUT: value}
    weights = network.get_weights()
    for index in spec.topological_order():
        layer_spec, info = spec.layers[index], network.infos[index]
        layer = network.layers[layer_spec.name]
        if layer_spec.type not in CONVERTERS:
            raise ModelFileError(f"layer '{layer_spec.name}' ({layer_spec.type}) cannot be "
                                 f"exported to ONNX: there is no converter for "
                                 f"{layer_spec.type}")
        convert = CONVERTERS.get(layer_spec.type)
        keys = (*layer.params, *layer.buffers)
        context = LayerContext(
            layer_spec.name, layer_spec.type, layer.get_config(),
            {k: weights[f"{layer_spec.name}.{k}"] for k in keys},
            [values[s] for s in info.inputs], info.input_shape, tuple(info.output_shape))
        values[layer_spec.name] = convert(builder, context)
    builder.unique("output")
    builder.nodes.append(helper.make_node("Identity", [values[network.output_name]],
                                          ["output"], name="output"))
    graph = helper.make_graph(
        builder.nodes, "backprop_studio",
        [helper.make_tensor_value_info("input", element, ["batch", *spec.input_shape])],
        [helper.make_tensor_value_info("output", element,
                                       ["batch", *network.infos[-1].output_shape])],
        builder.initializers,
    )
    model = helper.make_model_gen_version(
        graph, opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="Backprop Studio", producer_version=__version__,
        doc_string="Exported by Backprop Studio; takes raw inputs (preprocessing included).",
    )
    props = {"input_shape": json.dumps(list(spec.input_shape))}
    if class_names:
        props["class_names"] = json.dumps(list(class_names))
    helper.set_model_props(model, props)
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
        raise ModelFileError(f"the exported ONNX graph failed onnx's checker: {exc}") from None
    return model


def export_onnx(model_or_network: LoadedModel | Network, path: str | os.PathLike[str],
                preprocessor: Any = None) -> Path:
    """Write ``model_or_network`` as an ONNX file at ``path``, atomically."""
    model = build_onnx(model_or_network, preprocessor)
    return atomic_write(path, model.SerializeToString(deterministic=True))


def _unpack(model_or_network: LoadedModel | Network, preprocessor: Any
            ) -> tuple[Network, Any, list[str]]:
    if isinstance(model_or_network, LoadedModel):
        model = model_or_network
        return (model.network, model.preprocessor if preprocessor is None else preprocessor,
                model.class_names)
    if isinstance(model_or_network, Network):
        return model_or_network, preprocessor, []
    raise TypeError(f"export_onnx needs a LoadedModel or a Network, "
                    f"got {type(model_or_network).__name__}")
