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


# ----- temporaries of a killed save, and errors that name the target ------------------------
KILLED_SAVE = """
import sys, time
from simulator.io import atomic_write

def slow(handle):
    handle.write(b"x" * 1_000_000)
    handle.flush()
    print("writing", flush=True)
    time.sleep(60)

atomic_write(sys.argv[1], slow)
"""


def test_a_save_killed_half_way_leaves_nothing_after_the_next_save(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    target = tmp_path / "model.bpmodel"
    target.write_bytes(b"previous version")
    root = Path(__file__).resolve().parents[3]
    for _ in range(3):
        with subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(target)], cwd=root,
                              stdout=subprocess.PIPE, text=True) as child:
            assert child.stdout is not None
            assert child.stdout.readline() == "writing\n"
            child.send_signal(signal.SIGKILL)
            child.wait()
    # Each killed save removed the one killed before it; the last one's file is left.
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "model.bpmodel")
    assert len(left) == 1
    assert ".bptmp-" in left[0]
    assert target.read_bytes() == b"previous version"
    atomic_write(target, b"new version")
    assert [p.name for p in tmp_path.iterdir()] == ["model.bpmodel"]
    assert target.read_bytes() == b"new version"


def test_only_our_own_dead_temporaries_are_removed(tmp_path: Path, monkeypatch) -> None:
    import time

    ours_running = tmp_path / f".m.bpmodel.bptmp-{os.getpid()}-abcd1234.tmp"
    someone_else = tmp_path / ".notes.txt.k2j3h4k5.tmp"
    old_style = tmp_path / ".m.bpmodel.k2j3h4k5.tmp"
    young_old_style = tmp_path / ".p.bpproj.a1b2c3d4.tmp"
    for path in (ours_running, someone_else, old_style, young_old_style):
        path.write_bytes(b"half")
    hour_ago = time.time() - 2 * atomic.LEGACY_STALE_SECONDS
    for path in (someone_else, old_style):
        os.utime(path, (hour_ago, hour_ago))
    removed = atomic.remove_stale_temporaries(tmp_path)
    assert removed == [old_style]
    assert {p.name for p in tmp_path.iterdir()} == {
        ours_running.name, someone_else.name, young_old_style.name}


def test_disk_errors_name_the_target_not_our_temporary_file(tmp_path: Path,
                                                            monkeypatch) -> None:
    target = tmp_path / "model.bpmodel"

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left") as caught:
        atomic_write(target, b"new")
    assert caught.value.filename == str(target)
    monkeypatch.undo()

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied",
                              str(tmp_path / ".model.bpmodel.bptmp-1-x.tmp"))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", read_only)
    with pytest.raises(PermissionError) as denied:
        save_model(target, build(MLP))
    assert denied.value.filename == str(target)
    assert ".tmp" not in str(denied.value)
