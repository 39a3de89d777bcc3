"""Forks are saved in the project: small (settings, history, final weights), checked on load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator.errors import ModelFileError
from simulator.io import Project, load_project, save_project
from simulator.io.safe_npz import write_npz
from simulator.spec import NetworkSpec
from simulator.training.fork import ForkRun, ForkSettings, fork_trainer
from simulator.training.timeline import Timeline
from tests.simulator.io.builders import members_of
from tests.simulator.io.test_project_file import CHOICE, DESIGN, make_trainer, rewrite, run


def _project_with_a_fork() -> tuple[Project, ForkRun]:
    trainer = make_trainer(NetworkSpec.from_dict(DESIGN))
    timeline = Timeline(trainer)
    trainer.probes["timeline"] = timeline
    run(trainer, 3)
    settings = ForkSettings(learning_rate=0.001, l2=0.01)
    fork = fork_trainer(trainer, timeline.checkpoint(1), settings)
    run(fork, 2)
    record = ForkRun.of(timeline.checkpoint(1), settings, fork)
    project = Project.capture(trainer.network.spec, dataset=CHOICE, trainer=trainer)
    project.forks = [record, ForkRun(0, 0, ForkSettings(optimizer="sgd"), {"loss": [1.0]})]
    return project, record


@pytest.fixture
def forked(tmp_path: Path) -> Path:
    return save_project(tmp_path / "forked.bpproj", _project_with_a_fork()[0])


def test_forks_round_trip(forked: Path) -> None:
    project, record = _project_with_a_fork()
    back = load_project(forked)
    assert json.loads(members_of(forked)["project.json"])["format_version"] == 3
    assert "forks.npz" in members_of(forked)
    assert len(back.forks) == 2
    first = back.forks[0]
    assert (first.parent_step, first.parent_epoch, first.settings, first.history) == (
        record.parent_step, 1, record.settings, record.history)
    assert first.weights is not None
    assert all(np.array_equal(first.weights[k], v) for k, v in record.weights.items())
    assert back.forks[1].weights is None
    assert back.forks[1].history == {"loss": [1.0]}


def test_a_project_without_forks_stays_format_2(tmp_path: Path) -> None:
    path = save_project(tmp_path / "p.bpproj", Project(NetworkSpec.from_dict(DESIGN)))
    assert json.loads(members_of(path)["project.json"])["format_version"] == 2
    assert load_project(path).forks == []


def _edit_forks(path: Path, edit) -> Path:
    document = json.loads(members_of(path)["project.json"])
    edit(document)
    return rewrite(path, "project.json", json.dumps(document).encode())


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.update(forks={}), "'forks' must be a list"),
    (lambda d: d.update(forks=[{}] * 33), "at most 32 forks"),
    (lambda d: d["forks"][1].update(parent_step=-1), "fork 2: 'parent_step'"),
    (lambda d: d["forks"][1].update(parent_step=True), "fork 2: 'parent_step'"),
    (lambda d: d["forks"][0].pop("parent_epoch"), "fork 1: 'parent_epoch'"),
    (lambda d: d["forks"][0].update(extra=1), "fork 1: unknown keys \\['extra'\\]"),
    (lambda d: d["forks"][0].update(settings={"optimizer": "magic"}), "fork 1: settings"),
    (lambda d: d["forks"][0].update(settings={"dropout": 0.5}), "no Dropout layer"),
    (lambda d: d["forks"][0].update(history={"loss": "x"}), "fork 1: history 'loss'"),
    (lambda d: d.update(format_version=2), "unknown keys \\['forks'\\]"),
])
def test_a_damaged_fork_entry_is_refused(forked: Path, edit, message: str) -> None:
    _edit_forks(forked, edit)
    with pytest.raises(ModelFileError, match=message):
        load_project(forked)


def test_fork_weights_must_fit_the_forked_design_and_belong_to_a_fork(forked: Path) -> None:
    rewrite(forked, "forks.npz", write_npz({"0/hidden.W": np.zeros((2, 3))}))
    with pytest.raises(ModelFileError, match="fork 1: weights"):
        load_project(forked)
    rewrite(forked, "forks.npz", write_npz({"7/hidden.W": np.zeros((2, 3))}))
    with pytest.raises(ModelFileError, match="belongs to no fork"):
        load_project(forked)
