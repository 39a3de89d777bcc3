"""Reading designs and projects into an :class:`Opened`, and what a project saves.

No dialogs here (they are in :mod:`ui.shell.file_menu`): these functions read a lesson, a
network or lesson JSON file or a project completely before the window changes, so a file that
fails to load raises its typed error and leaves the current design as it was. Also the file
suffixes and the dialogs' file filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.data import Dataset, data_file_filter
from simulator.io import DatasetChoice, Project, load_model
from simulator.io.designs import MODEL_SUFFIX, ONNX_SUFFIX, PROJECT_SUFFIX, Lesson
from simulator.io.designs import read_design as read_design_file
from simulator.spec import NetworkSpec

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


def open_preset(preset: Lesson) -> Opened:
    choice = preset.dataset
    return Opened(preset.spec(), preset.title, choice.load(), choice, preset_key=preset.key,
                  description=preset.description)


def read_design(name: str) -> Opened:
    """A lesson (by name), a lesson or network JSON file, a ``.bpproj`` project (read by
    :func:`simulator.io.designs.read_design`, the command line's reader too) or a ``.bpmodel``
    trained model (its design with its weights; the current data is kept).

    Raises a :class:`BackpropError` (or ``OSError``) with a readable message on failure.
    """
    if Path(name).suffix.lower() == MODEL_SUFFIX:     # a trained model: its design and weights
        network = load_model(Path(name).expanduser()).network
        return Opened(network.spec, Path(name).stem,
                      project=Project(network.spec, weights=network.get_weights()))
    design = read_design_file(name)
    if design.lesson is not None:
        return open_preset(design.lesson)
    if design.project is None:
        return Opened(design.spec, design.title, description=design.description)
    return open_project(design.project, design.title, design.path)


def open_project(project: Project, title: str, path: Path | None) -> Opened:
    """A loaded project, with its data loaded (raises like :func:`read_design`)."""
    choice = project.dataset
    dataset = None if choice is None else choice.load()
    return Opened(project.spec, title, dataset, choice, project, path)


def capture_project(spec: NetworkSpec, choice: DatasetChoice | None, session: Any,
                    include_run: bool) -> Project:
    """The project to save: the design, the data choice and, if wanted, the trained run (the
    live run, with its forks, also while the timeline shows an earlier step)."""
    if include_run and session is not None and session.trainer.step > 0:
        timeline = getattr(session, "timeline", None)
        if timeline is not None and timeline.position is not None:
            live = timeline.live_checkpoint()      # scrubbed back: the whole run is saved
            project = Project(spec.copy(), choice, live.weights, live.state,
                              {k: list(v) for k, v in live.history.items()})
        else:
            project = Project.capture(spec, dataset=choice, network=session.network,
                                      trainer=session.trainer)
        project.forks = list(getattr(session, "forks", []))
        return project
    return Project.capture(spec, dataset=choice)


def with_suffix(path: str, suffix: str) -> Path:
    result = Path(path)
    return result if result.suffix.lower() == suffix else result.with_name(result.name + suffix)


__all__ = ["DATA_FILTER", "MODEL_SUFFIX", "ONNX_SUFFIX", "OPEN_FILTER", "PROJECT_SUFFIX", "Opened",
           "capture_project", "open_preset", "open_project", "read_design", "with_suffix"]
