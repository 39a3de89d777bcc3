"""Opening designs and projects for the window, and what the File menu's dialogs share.

Everything is read completely before the window changes, so a file that fails to load shows
its typed error's message and leaves the current design as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.data import Dataset
from simulator.io import DatasetChoice, Project
from simulator.io.designs import MODEL_SUFFIX, ONNX_SUFFIX, PROJECT_SUFFIX, Lesson
from simulator.io.designs import read_design as read_design_file
from simulator.spec import NetworkSpec
from ui.datasets import load_dataset

OPEN_FILTER = ("Projects and networks (*.bpproj *.json);;Backprop Studio project (*.bpproj);;"
               "Network or lesson JSON (*.json);;All files (*)")
DATA_FILTER = ("Data files (*.csv *.tsv *.txt *.npz *idx*);;CSV tables (*.csv *.tsv *.txt);;"
               "NumPy archives (*.npz);;All files (*)")


@dataclass
class Opened:
    """A design read from somewhere, ready to be shown; ``dataset`` None keeps the current one."""

    spec: NetworkSpec
    title: str
    dataset: Dataset | None = None
    choice: DatasetChoice | None = None
    project: Project | None = None
    #: Where Save writes without asking (only for project files).
    path: Path | None = None
    preset_key: str | None = None
    #: The lesson's explanation, shown while no layer is selected.
    description: str = ""


def open_preset(preset: Lesson) -> Opened:
    choice = preset.dataset
    return Opened(preset.spec(), preset.title, load_dataset(choice.source, choice.options),
                  choice, preset_key=preset.key, description=preset.description)


def read_design(name: str) -> Opened:
    """A lesson (by name), a lesson or network JSON file, or a ``.bpproj`` project, read by
    :func:`simulator.io.designs.read_design` (the command line's reader too).

    Raises a :class:`BackpropError` (or ``OSError``) with a readable message on failure.
    """
    design = read_design_file(name)
    if design.lesson is not None:
        return open_preset(design.lesson)
    if design.project is None:
        return Opened(design.spec, design.title, description=design.description)
    choice = design.dataset
    dataset = None if choice is None else load_dataset(choice.source, choice.options)
    return Opened(design.spec, design.title, dataset, choice, design.project, design.path)


def capture_project(spec: NetworkSpec, choice: DatasetChoice | None, session: Any,
                    include_run: bool) -> Project:
    """The project to save: the design, the data choice and, if wanted, the trained run."""
    if include_run and session is not None and session.trainer.step > 0:
        return Project.capture(spec, dataset=choice, network=session.network,
                               trainer=session.trainer)
    return Project.capture(spec, dataset=choice)


def with_suffix(path: str, suffix: str) -> Path:
    result = Path(path)
    return result if result.suffix.lower() == suffix else result.with_name(result.name + suffix)


def describe(exc: BaseException) -> str:
    """The message shown in a dialog for a failed load or save."""
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename or ''}".strip().rstrip(":")
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc}"
    return str(exc)


__all__ = ["DATA_FILTER", "MODEL_SUFFIX", "ONNX_SUFFIX", "OPEN_FILTER", "PROJECT_SUFFIX", "Opened",
           "capture_project", "describe", "open_preset", "read_design", "with_suffix"]
