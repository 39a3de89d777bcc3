"""The ``.bpproj`` project file: a design, its data and (optionally) a run to resume.

A zip archive, written reproducibly and atomically like the model file:

``project.json`` (always)
    ``format_version``, ``app_version``, ``network`` (the design: layers, connections, canvas
    positions and the ``training`` section, as :meth:`NetworkSpec.to_dict` writes it),
    ``dataset`` (``{"source": name or path, "options": {...}}``, plus ``"edits"`` when
    points were added or removed by hand, :mod:`simulator.data.edits`; or null), ``history`` (metric
    curves, ``{name: [number or null, ...]}``) and ``settings`` (free JSON for the app).
``weights.npz`` (when the network was trained)
    As in a model file, keys ``"layer.key"``, a Dense ``W`` ``[units][inputs]``.
``trainer.json`` + ``trainer.npz`` (when a run can be resumed)
    ``Trainer.state_dict()`` with every array replaced by ``{"__array__": key}`` and stored
    in ``trainer.npz`` (optimizer slots, random generator states, epoch, step, callbacks).
``forks`` in ``project.json`` + ``forks.npz`` (format 3, when the run was forked)
    One entry per fork (:class:`~simulator.training.fork.ForkRun`, at most
    :data:`MAX_FORKS`): ``{"parent_step", "parent_epoch", "settings", "history"}``, and its
    weights in ``forks.npz`` keyed ``"<fork index>/layer.key"``. Each fork's weights must fit
    the design with its settings applied. A project without forks is written as format 2, as before.

Loading checks everything, including that the weights fit the design and that the dataset
options are ones a file may choose (:mod:`simulator.data.stored_options`: never a safety
limit, never a reader the app does not run in-process), before returning; the trainer state is
checked again by ``Trainer.load_state_dict`` when a run is resumed. Saving loads the bytes back
in memory the same way before they replace anything, so a saved project always opens. Format 1
projects (Dense weights stored ``[inputs][units]``) are read by transposing them, in the
design, the weights and the training state (:mod:`simulator.io.older_formats`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from simulator.data.dataset import Dataset
from simulator.data.edits import PointEdits
from simulator.errors import BackpropError, DataError, ModelFileError
from simulator.io import older_formats, safe_npz, safe_zip
from simulator.io.atomic import atomic_write
from simulator.io.common import (
    check_format_version,
    clean_metrics,
    compile_checked,
    compile_for_weights,
    dump_json,
    join_arrays,
    open_checked,
    parse_json,
    parse_spec,
    require_dict,
    split_arrays,
)
from simulator.network import Network
from simulator.spec import MAX_JSON_BYTES, NetworkSpec
from simulator.training.fork import ForkRun, ForkSettings
from simulator.version import __version__

__all__ = ["DatasetChoice", "Project", "join_arrays", "load_project", "save_project",
           "split_arrays"]

#: 3: forks; 2: Dense weights ``[units][inputs]``; 1: ``[inputs][units]`` (read by
#: transposing).
FORMAT_VERSION = 3
#: The format of a project that has no forks (readable by the versions before forks).
WITHOUT_FORKS = 2
FORKS_SINCE = 3
MAX_FORKS = 32
MEMBERS = ("project.json", "trainer.json", "trainer.npz", "weights.npz", "forks.npz")
JSON_LIMITS = {"project.json": MAX_JSON_BYTES, "trainer.json": MAX_JSON_BYTES}
MAX_SOURCE_CHARS = 4096


@dataclass
class DatasetChoice:
    """Which data the project trains on: a built-in name or a file path, loader options, and
    the points edited by hand (:class:`~simulator.data.edits.PointEdits`; stored as
    ``"edits"`` only when there are some, so files without edits read as before)."""

    source: str
    options: dict[str, Any] = field(default_factory=dict)
    edits: PointEdits = field(default_factory=PointEdits)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source, "options": dict(self.options)}
        if not self.edits.empty:
            data["edits"] = self.edits.to_dict()
        return data

    def load(self) -> Dataset:
        """The data, loaded and edited; a DataError says what is wrong."""
        from simulator.data import load_dataset

        return self.edits.apply(load_dataset(self.source, **self.options))

    @classmethod
    def from_dict(cls, data: Any, what: str = "dataset") -> DatasetChoice:
        data = require_dict(data, what)
        source, options = data.get("source"), data.get("options", {})
        if not isinstance(source, str) or not source or len(source) > MAX_SOURCE_CHARS:
            raise ModelFileError(f"{what}: 'source' must be a dataset name or path")
        unknown = sorted(set(data) - {"source", "options", "edits"})
        if unknown:
            raise ModelFileError(f"{what}: unknown keys {unknown}")
        from simulator.data.stored_options import check_stored_options

        edits = PointEdits.from_dict(data.get("edits", {}), f"{what}: 'edits'", ModelFileError)
        try:
            return cls(source, check_stored_options(source, options, what), edits)
        except DataError as exc:
            raise ModelFileError(str(exc)) from None


@dataclass
class Project:
    """Everything a saved project holds. Only ``spec`` is required."""

    spec: NetworkSpec
    dataset: DatasetChoice | None = None
    weights: dict[str, np.ndarray] | None = None
    trainer_state: dict[str, Any] | None = None
    history: dict[str, list[float | None]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    #: Runs forked from this one (:mod:`simulator.training.fork`).
    forks: list[ForkRun] = field(default_factory=list)

    @classmethod
    def capture(cls, spec: NetworkSpec, *, dataset: DatasetChoice | None = None,
                network: Network | None = None, trainer: Any = None,
                settings: dict[str, Any] | None = None) -> Project:
        """A project from the live objects: weights from ``network``, state from ``trainer``."""
        if trainer is not None and network is None:
            network = trainer.network
        return cls(spec.copy(), dataset,
                   None if network is None else network.get_weights(),
                   None if trainer is None else trainer.state_dict(),
                   {} if trainer is None else {k: list(v) for k, v in trainer.history.items()},
                   dict(settings or {}))

    def build_network(self, backend: str = "numpy") -> Network:
        """Compile the design, with the saved weights when there are any."""
        network = compile_checked(self.spec, backend, "project")
        if self.weights is not None:
            network.set_weights(self.weights)
        return network

    def restore_trainer(self, trainer: Any) -> bool:
        """Resume ``trainer`` from the saved state; False when the project has none."""
        if self.trainer_state is None:
            return False
        trainer.load_state_dict(self.trainer_state)
        return True


def save_project(path: str | os.PathLike[str], project: Project) -> Path:
    """Write ``project`` to a ``.bpproj`` file, atomically, after loading it back in memory."""
    if len(project.forks) > MAX_FORKS:
        raise ModelFileError(f"a project keeps at most {MAX_FORKS} forks, this one has "
                             f"{len(project.forks)}; remove some before saving")
    data = {
        "format_version": FORMAT_VERSION if project.forks else WITHOUT_FORKS,
        "app_version": __version__,
        "network": project.spec.to_dict(),
        "dataset": None if project.dataset is None else project.dataset.to_dict(),
        "history": {k: [_number(v) for v in values] for k, values in project.history.items()},
        "settings": project.settings,
    }
    if project.forks:
        data["forks"] = [{"parent_step": fork.parent_step, "parent_epoch": fork.parent_epoch,
                          "settings": fork.settings.to_dict(),
                          "history": {k: [_number(v) for v in values]
                                      for k, values in fork.history.items()}}
                         for fork in project.forks]
    members = {"project.json": _dump(data, "project")}
    fork_weights = {f"{i}/{key}": value for i, fork in enumerate(project.forks)
                    for key, value in (fork.weights or {}).items()}
    if fork_weights:
        members["forks.npz"] = safe_npz.write_npz(fork_weights)
    if project.weights is not None:
        members["weights.npz"] = safe_npz.write_npz(project.weights)
    if project.trainer_state is not None:
        tree, arrays = split_arrays(project.trainer_state)
        members["trainer.json"] = _dump(tree, "training state")
        members["trainer.npz"] = safe_npz.write_npz(arrays, safe_npz.NUMERIC_DTYPES)
    stored = {"weights.npz", "trainer.npz", "forks.npz"}
    blob = safe_zip.write_zip(members, stored=stored)
    name = Path(path).name
    try:
        _read(blob, f"project file '{name}'")
    except ModelFileError as exc:
        raise ModelFileError(f"cannot save '{name}': the file would not open again ({exc}); "
                             "nothing was written") from None
    return atomic_write(path, blob)


def load_project(path: str | os.PathLike[str]) -> Project:
    """Read a ``.bpproj`` file; any problem raises :class:`ModelFileError`."""
    what = f"project file '{Path(path).name}'"
    with open_checked(path, what) as handle:
        return _read(handle, what)


def _read(source: bytes | BinaryIO, what: str) -> Project:
    members = safe_zip.read_zip(source, what, allowed=MEMBERS, member_limits=JSON_LIMITS)
    if "project.json" not in members:
        raise ModelFileError(f"{what} lacks project.json; it is not a Backprop Studio project")
    if ("trainer.json" in members) != ("trainer.npz" in members):
        raise ModelFileError(f"{what} holds only half of the training state")
    data = require_dict(parse_json(members["project.json"], f"{what}: project.json"), what)
    version = check_format_version(data.get("format_version"), what, FORMAT_VERSION)
    known = {"format_version", "app_version", "network", "dataset", "history", "settings"}
    unknown = sorted(set(data) - known - ({"forks"} if version >= FORKS_SINCE else set()))
    if unknown:
        raise ModelFileError(f"{what}: unknown keys {unknown} in project.json")
    spec = parse_spec(older_formats.mark_design_version(data.get("network"), version),
                      f"{what}: network")
    dataset = data.get("dataset")
    choice = None if dataset is None else DatasetChoice.from_dict(dataset, f"{what}: dataset")
    project = Project(spec, choice, history=_history(data.get("history", {}), what),
                      settings=require_dict(data.get("settings", {}), f"{what}: settings"))
    network = None
    if "weights.npz" in members:
        project.weights = safe_npz.read_npz(members["weights.npz"], f"{what}: weights.npz")
        if version < older_formats.ROWS_SINCE:
            project.weights = older_formats.weights_as_rows(project.weights, spec)
        network = compile_for_weights(spec, project.weights, "numpy", what)
    if "trainer.json" in members:
        tree = parse_json(members["trainer.json"], f"{what}: trainer.json")
        arrays = safe_npz.read_npz(members["trainer.npz"], f"{what}: trainer.npz",
                                   safe_npz.NUMERIC_DTYPES)
        try:
            project.trainer_state = require_dict(join_arrays(tree, arrays), "training state")
        except (BackpropError, TypeError, RecursionError) as exc:
            raise ModelFileError(f"{what}: {exc}") from None
        if version < older_formats.ROWS_SINCE:
            network = network or compile_checked(spec, "numpy", what)
            project.trainer_state = older_formats.trainer_state_as_rows(project.trainer_state,
                                                                        network)
    if "forks" in data or "forks.npz" in members:
        fork_weights = (safe_npz.read_npz(members["forks.npz"], f"{what}: forks.npz")
                        if "forks.npz" in members else {})
        project.forks = _forks(data.get("forks", []), fork_weights, spec, what)
    return project


def _forks(value: Any, weights: dict[str, np.ndarray], spec: NetworkSpec, what: str
           ) -> list[ForkRun]:
    """The forks of ``project.json`` with their weights from ``forks.npz``, each checked."""
    if not isinstance(value, list) or len(value) > MAX_FORKS:
        raise ModelFileError(f"{what}: 'forks' must be a list of at most {MAX_FORKS} forks")
    by_fork: dict[int, dict[str, np.ndarray]] = {}
    for key, array in weights.items():
        index, _, name = key.partition("/")
        if not index.isdigit() or int(index) >= len(value) or not name:
            raise ModelFileError(f"{what}: forks.npz holds '{key}', which belongs to no fork")
        by_fork.setdefault(int(index), {})[name] = array
    forks = []
    for i, entry in enumerate(value):
        where = f"{what}: fork {i + 1}"
        entry = require_dict(entry, where)
        unknown = sorted(set(entry) - {"parent_step", "parent_epoch", "settings", "history"})
        if unknown:
            raise ModelFileError(f"{where}: unknown keys {unknown}")
        step, epoch = (_whole(entry.get(key), f"{where}: '{key}'")
                       for key in ("parent_step", "parent_epoch"))
        settings = ForkSettings.from_dict(entry.get("settings"), f"{where}: settings")
        fork = ForkRun(step, epoch, settings, _history(entry.get("history", {}), where),
                       by_fork.get(i))
        if fork.weights is not None:
            try:
                design = settings.apply(spec)
            except BackpropError as exc:
                raise ModelFileError(f"{where}: {exc}") from None
            compile_for_weights(design, fork.weights, "numpy", f"{where}: weights")
        forks.append(fork)
    return forks


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelFileError(f"{what} must be a whole number, 0 or more")
    return value


def _history(value: Any, what: str) -> dict[str, list[float | None]]:
    history: dict[str, list[float | None]] = {}
    for key, values in require_dict(value, f"{what}: history").items():
        if not isinstance(values, list):
            raise ModelFileError(f"{what}: history '{key}' must be a list of numbers")
        cleaned = clean_metrics(dict(enumerate(values)), f"{what}: history '{key}'")
        history[key] = list(cleaned.values())
    return history


def _number(value: Any) -> float | None:
    return clean_metrics({"v": value}, "history")["v"]


def _dump(data: Any, what: str) -> bytes:
    try:
        return dump_json(data)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"the {what} cannot be saved as JSON ({exc})") from None
