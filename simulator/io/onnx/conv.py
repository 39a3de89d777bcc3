"""ONNX converters for the image layers: Conv2D, MaxPool2D, AvgPool2D and GlobalAvgPool.

Images are NCHW on both sides. ``pads`` are explicit ``[top, left, bottom, right]``; "same"
padding puts an odd total at the bottom/right, as ONNX ``SAME_UPPER`` does.
"""

from __future__ import annotations

import math
from typing import Any

from simulator.io.onnx.core import activation
from simulator.io.onnx.graph import GraphBuilder, LayerContext, converter


def _pair(value: Any) -> list[int]:
    return [int(v) for v in value] if isinstance(value, list | tuple) else [int(value)] * 2


def conv_pads(padding: Any, image: tuple[int, int], kernel: list[int], stride: list[int]
              ) -> list[int]:
    """``[top, left, bottom, right]`` zero padding for ``padding`` ("valid", "same" or int)."""
    if padding == "valid":
        return [0, 0, 0, 0]
    if padding == "same":
        totals = [max((math.ceil(n / s) - 1) * s + k - n, 0)
                  for n, k, s in zip(image, kernel, stride, strict=True)]
        begin = [t // 2 for t in totals]
        return [*begin, *(t - b for t, b in zip(totals, begin, strict=True))]
    return [int(padding)] * 4


@converter("Conv2D")
def conv2d(builder: GraphBuilder, ctx: LayerContext) -> str:
    kernel = _pair(ctx.config["kernel_size"])
    stride = _pair(ctx.config.get("stride", 1))
    pads = conv_pads(ctx.config.get("padding", "valid"), tuple(ctx.input_shape[1:]), kernel,
                     stride)
    inputs = [ctx.inputs[0], builder.constant(f"{ctx.name}/W", ctx.weights["W"])]
    if "b" in ctx.weights:
        inputs.append(builder.constant(f"{ctx.name}/b", ctx.weights["b"]))
    value = builder.node("Conv", inputs, f"{ctx.name}/conv", kernel_shape=kernel,
                         strides=stride, pads=pads)
    return activation(builder, ctx.config.get("activation", "linear"), value, ctx.name)


@converter("MaxPool2D", "AvgPool2D")
def pool2d(builder: GraphBuilder, ctx: LayerContext) -> str:
    size = _pair(ctx.config.get("pool_size", 2))
    stride = ctx.config.get("stride")
    op = "MaxPool" if ctx.type == "MaxPool2D" else "AveragePool"
    return builder.node(op, ctx.inputs, f"{ctx.name}/{op.lower()}", kernel_shape=size,
                        strides=size if stride is None else _pair(stride))


@converter("GlobalAvgPool")
def global_avg_pool(builder: GraphBuilder, ctx: LayerContext) -> str:
    """(N, C, H, W) -> (N, C, 1, 1) in ONNX, flattened to our (N, C)."""
    value = builder.node("GlobalAveragePool", ctx.inputs, f"{ctx.name}/global_average_pool")
    if len(ctx.output_shape) == 1:
        value = builder.node("Flatten", [value], f"{ctx.name}/flatten", axis=1)
    return value
