"""ONNX export (opset 17): :func:`export_onnx` writes a model whose graph includes the stored
preprocessing. Importing the package registers the converters of :mod:`core` and :mod:`conv`.
"""

from simulator.io.onnx import conv, core
from simulator.io.onnx.export import OPSET, build_onnx, export_onnx

__all__ = ["OPSET", "build_onnx", "conv", "core", "export_onnx"]
