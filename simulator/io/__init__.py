"""Files: trained models (``.bpmodel``), projects (``.bpproj``) and ONNX export; designs
(network, lesson and project files) are read by :mod:`simulator.io.designs`, the one reader
for the app and the command line.

Every loader treats its file as hostile (no pickle, closed layer registry, sizes checked before
anything is allocated) and raises :class:`simulator.errors.ModelFileError` with a readable
message; every writer is atomic. :mod:`simulator.io.error_log` keeps the details of an
unexpected error in a log file. Nothing here imports Qt.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from simulator.io.atomic import atomic_write, atomic_write_text
from simulator.io.model_file import LoadedModel, load_model, save_model
from simulator.io.project_file import DatasetChoice, Project, load_project, save_project


def export_onnx(model_or_network: Any, path: str | os.PathLike[str],
                preprocessor: Any = None) -> Path:
    """Write an ONNX file (opset 17) taking raw inputs; see :mod:`simulator.io.onnx`.

    ``onnx`` is imported only when exporting, so loading models stays light.
    """
    from simulator.io.onnx import export_onnx as export

    return export(model_or_network, path, preprocessor)


__all__ = [
    "DatasetChoice",
    "LoadedModel",
    "Project",
    "atomic_write",
    "atomic_write_text",
    "export_onnx",
    "load_model",
    "load_project",
    "save_model",
    "save_project",
]
