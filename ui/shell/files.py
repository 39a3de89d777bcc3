"""Reading designs and projects, and the File menu's dialogs (open, save, export, data).

Everything is read completely before the window changes, so a file that fails to load shows
its typed error's message and leaves the current design as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.data import Dataset, data_file_filter
from simulator.errors import BackpropError, SpecError
from simulator.io import DatasetChoice, Project, load_model, load_project
from simulator.spec import MAX_JSON_BYTES, NetworkSpec, loads_strict
from ui.datasets import load_dataset
from ui.shell.presets import Preset, available_presets, preset_from_dict

PROJECT_SUFFIX = ".bpproj"
MODEL_SUFFIX = ".bpmodel"
ONNX_SUFFIX = ".onnx"
OPEN_FILTER = ("Projects, networks and models (*.bpproj *.json *.bpmodel);;"
               "Backprop Studio project (*.bpproj);;Network or lesson JSON (*.json);;"
               "Trained model (*.bpmodel);;All files (*)")
DATA_FILTER = data_file_filter()


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
    #: Shown as having unsaved changes (a restored autosave).
    modified: bool = False


def open_preset(preset: Preset) -> Opened:
    choice = DatasetChoice(preset.dataset_source, dict(preset.dataset_options))
    return Opened(preset.spec(), preset.title, load_dataset(choice.source, choice.options),
                  choice, preset_key=preset.key, description=preset.description)


def read_design(name: str) -> Opened:
    """A preset (by key), a lesson or network JSON file, a ``.bpproj`` project or a
    ``.bpmodel`` trained model (its design with its weights; the current data is kept).

    Raises a :class:`BackpropError` (or ``OSError``) with a readable message on failure.
    """
    path = Path(name).expanduser()
    if not path.exists():
        presets = {p.key: p for p in available_presets()}
        if name in presets:
            return open_preset(presets[name])
        raise BackpropError(f"no file and no lesson named '{name}'; lessons are: "
                            f"{', '.join(presets)}")
    if path.suffix.lower() == PROJECT_SUFFIX:
        return open_project(load_project(path), path.stem, path)
    if path.suffix.lower() == MODEL_SUFFIX:     # a trained model: its design and weights
        network = load_model(path).network
        return Opened(network.spec, path.stem,
                      project=Project(network.spec, weights=network.get_weights()))
    if path.stat().st_size > MAX_JSON_BYTES:
        raise SpecError(f"'{path.name}' is larger than {MAX_JSON_BYTES // 2**20} MiB")
    try:
        data = loads_strict(path.read_bytes())
    except UnicodeDecodeError:
        raise SpecError(f"'{path.name}' is not a text (JSON) file") from None
    if isinstance(data, dict) and "network" in data:   # a lesson file, as in resources/presets
        return open_preset(preset_from_dict(path.stem, data))
    return Opened(NetworkSpec.from_dict(data), path.stem)


def open_project(project: Project, title: str, path: Path | None) -> Opened:
    """A loaded project, with its data loaded (raises like :func:`read_design`)."""
    dataset = None
    if project.dataset is not None:
        dataset = load_dataset(project.dataset.source, project.dataset.options)
    return Opened(project.spec, title, dataset, project.dataset, project, path)


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
