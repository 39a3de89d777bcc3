"""ONNX converters for the core layers: Dense, activations, Flatten, Dropout, BatchNorm, merges.

Every converter works in inference form (Dropout is the identity, BatchNorm uses its running
statistics) and reads hyperparameters from ``get_config()``, applying the layer's documented
defaults for keys the config leaves out.
"""

from __future__ import annotations

from typing import Any

from simulator import activations as act
from simulator.errors import ModelFileError
from simulator.io.onnx.graph import GraphBuilder, LayerContext, converter

#: Our activation names -> ONNX operators (Softmax over axis 1: classes or channels).
_ACTIVATION_OPS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}


def activation(builder: GraphBuilder, spec: Any, value: str, name: str) -> str:
    """Append the activation described by ``spec`` (a name, a dict or None) to ``value``."""
    function = act.get_activation(spec)
    kind = function.name
    if kind == "linear":
        return value
    if kind in _ACTIVATION_OPS:
        return builder.node(_ACTIVATION_OPS[kind], [value], f"{name}/{kind}")
    if isinstance(function, act.LeakyReLU):
        return builder.node("LeakyRelu", [value], f"{name}/leaky_relu", alpha=function.alpha)
    if kind == "softmax":
        return builder.node("Softmax", [value], f"{name}/softmax", axis=1)
    raise ModelFileError(f"layer '{name}': the activation '{kind}' has no ONNX converter")


@converter("Dense")
def dense(builder: GraphBuilder, ctx: LayerContext) -> str:
    """Gemm with ``transB``: our W is ``[units][inputs]``, so ``z = x · Wᵀ + b``."""
    inputs = [ctx.inputs[0], builder.constant(f"{ctx.name}/W", ctx.weights["W"])]
    if "b" in ctx.weights:
        inputs.append(builder.constant(f"{ctx.name}/b", ctx.weights["b"]))
    value = builder.node("Gemm", inputs, f"{ctx.name}/gemm", transB=1)
    return activation(builder, ctx.config.get("activation", "linear"), value, ctx.name)


@converter("Linear", "Sigmoid", "Tanh", "ReLU", "Softmax")
def activation_layer(builder: GraphBuilder, ctx: LayerContext) -> str:
    kind = {"ReLU": "relu"}.get(ctx.type, ctx.type.lower())
    if kind == "linear":
        return builder.node("Identity", ctx.inputs, f"{ctx.name}/identity")
    return activation(builder, kind, ctx.inputs[0], ctx.name)


@converter("LeakyReLU")
def leaky_relu(builder: GraphBuilder, ctx: LayerContext) -> str:
    spec = {"type": "leaky_relu", "alpha": ctx.config.get("alpha", 0.01)}
    return activation(builder, spec, ctx.inputs[0], ctx.name)


@converter("Flatten")
def flatten(builder: GraphBuilder, ctx: LayerContext) -> str:
    return builder.node("Flatten", ctx.inputs, f"{ctx.name}/flatten", axis=1)


@converter("Dropout")
def dropout(builder: GraphBuilder, ctx: LayerContext) -> str:
    """Inference: dropout does nothing (the kept activations were scaled while training)."""
    return builder.node("Identity", ctx.inputs, f"{ctx.name}/identity")


@converter("BatchNorm")
def batch_norm(builder: GraphBuilder, ctx: LayerContext) -> str:
    inputs = [ctx.inputs[0]] + [
        builder.constant(f"{ctx.name}/{key}", ctx.weights[key])
        for key in ("gamma", "beta", "running_mean", "running_var")
    ]
    return builder.node("BatchNormalization", inputs, f"{ctx.name}/batch_norm",
                        epsilon=float(ctx.config.get("epsilon", 1e-5)))


@converter("Add")
def add(builder: GraphBuilder, ctx: LayerContext) -> str:
    op = "Add" if len(ctx.inputs) == 2 else "Sum"
    return builder.node(op, ctx.inputs, f"{ctx.name}/{op.lower()}")


@converter("Concatenate")
def concatenate(builder: GraphBuilder, ctx: LayerContext) -> str:
    """``axis`` counts sample axes (0 = features/channels); ONNX counts the batch axis too."""
    ndim = len(ctx.output_shape)
    axis = int(ctx.config.get("axis", 0)) % ndim + 1
    return builder.node("Concat", ctx.inputs, f"{ctx.name}/concat", axis=axis)
