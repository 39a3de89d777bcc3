"""Atomic saves: a failed write leaves the previous file byte-identical and no temp file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from simulator.io import atomic, atomic_write, save_model, save_project
from simulator.io.project_file import Project
from tests.simulator.io.builders import MLP, build


class Boom(Exception):
    pass


def half_then_fail(handle) -> None:
    handle.write(b"new content, half of it")
    raise Boom("disk full")


def test_failing_writer_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "model.bpmodel"
    target.write_bytes(b"previous version")
    with pytest.raises(Boom):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.bpmodel"]


def test_failing_replace_keeps_previous_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "model.bpmodel"
    target.write_bytes(b"previous version")

    def no_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", no_replace)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["model.bpmodel"]


def test_save_model_failing_half_way(tmp_path: Path, monkeypatch) -> None:
    target = save_model(tmp_path / "m.bpmodel", build(MLP, seed=1))
    before = target.read_bytes()
    real_fsync = os.fsync

    def fail_fsync(fd: int) -> None:
        real_fsync(fd)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "fsync", fail_fsync)
    with pytest.raises(OSError, match="Input/output"):
        save_model(target, build(MLP, seed=2))
    with pytest.raises(OSError, match="Input/output"):
        save_project(tmp_path / "m.bpmodel", Project(build(MLP).spec))
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.bpmodel"]


def test_new_file_mode_and_existing_mode_kept(tmp_path: Path) -> None:
    fresh = atomic_write(tmp_path / "fresh", b"x")
    assert fresh.stat().st_mode & 0o777 == atomic.NEW_FILE_MODE
    kept = tmp_path / "kept"
    kept.write_bytes(b"old")
    kept.chmod(0o600)
    atomic_write(kept, b"new")
    assert kept.read_bytes() == b"new"
    assert kept.stat().st_mode & 0o777 == 0o600


def test_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        save_model(tmp_path / "nowhere" / "m.bpmodel", build(MLP))
    assert np.all([p.name != "nowhere" for p in tmp_path.iterdir()])
