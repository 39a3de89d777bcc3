"""Layer families, one per module. Importing this package registers every layer type.

Each module in this package registers its classes with :func:`register_layer`; the modules
are imported here by scanning the package, so adding a family means adding one file.
"""

from __future__ import annotations

import importlib
import pkgutil

from simulator.layers.base import LAYERS, Layer, get_layer, layer_names, register_layer

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "base" and not _module.startswith("_"):
        importlib.import_module(f"{__name__}.{_module}")

__all__ = ["LAYERS", "Layer", "get_layer", "layer_names", "register_layer"]
