"""Autosave and crash recovery: the app killed mid-run is restored exactly at the next start;
a damaged or hostile recovery file is refused, moved aside, and the window stays as it was."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from simulator.errors import ModelFileError
from simulator.io import load_project
from simulator.training.trainer import EpochEnd
from ui.design.commands import EditLayer
from ui.shell import autosave
from ui.shell.autosave import RESTORE, RecoveryStore, offer_recovery, restore_dialog
from ui.shell.user_dirs import DATA_ENV

ROOT = Path(__file__).resolve().parents[3]


def recovery_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("session-*.bpproj"))


@pytest.fixture
def answers(monkeypatch) -> list:
    """Records each restore offer and answers RESTORE (tests may change ``answers[0]``)."""
    record: list = [RESTORE]

    def ask(_parent, info, project):
        record.append((info, project))
        return record[0]

    monkeypatch.setattr(autosave, "ask_restore", ask)
    return record


def test_an_untouched_lesson_leaves_no_recovery_file(main_window) -> None:
    assert main_window.autosave.save_now() is None
    assert not main_window.autosave.store.path.exists()


def test_an_edit_is_autosaved_and_a_clean_exit_removes_it(main_window) -> None:
    window = main_window
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 11}))
    path = window.autosave.save_now()
    assert path == window.autosave.store.path
    assert path.is_file()
    project = load_project(path)
    assert project.spec.layer("hidden_1").config["units"] == 11
    assert project.settings["recovery"]["title"] == window.title
    window.close()
    assert not path.exists()


def test_a_tick_during_a_run_saves_the_next_epoch_end_checkpoint(main_window, qtbot) -> None:
    window = main_window
    window.controller.set_speed(None)
    window.train()
    with qtbot.waitSignal(window.controller.event, timeout=30_000,
                          check_params_cb=lambda e: isinstance(e, EpochEnd)):
        pass
    with qtbot.waitSignal(window.autosave.saved, timeout=30_000) as saved:
        window.autosave.tick()
    project = load_project(saved.args[0])
    window.stop_training()      # this saves again, the run as stopped
    assert project.trainer_state is not None
    assert project.weights is not None
    epoch = project.trainer_state["epoch"]
    assert epoch >= 1
    assert project.trainer_state["step"] == epoch * window.session.trainer.steps_per_epoch
    assert len(project.history["loss"]) == epoch


def test_a_second_running_app_keeps_its_own_file(tmp_path: Path, qapp) -> None:
    live = RecoveryStore(tmp_path)
    live.path.write_bytes(b"whatever")
    other = RecoveryStore(tmp_path)
    assert other.orphans() == []
    live.close()
    other.close()


def kill_mid_run(data: Path) -> Path:
    """Run the app in a subprocess, let it autosave during a run, then SIGKILL it."""
    env = {**os.environ, DATA_ENV: str(data), autosave.INTERVAL_ENV: "0.3",
           "QT_QPA_PLATFORM": "offscreen"}
    shot, log = data / "never.png", data / "app.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "ui", "spiral", "--screenshot", str(shot),
             "--train-seconds", "300"], cwd=ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT)
    folder = data / "recovery"
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and process.poll() is None:
            files = recovery_files(folder) if folder.exists() else []
            if files:
                state = load_project(files[0]).trainer_state
                if state is not None and state["epoch"] >= 3:
                    break
            time.sleep(0.2)
        assert process.poll() is None, log.read_text()
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(30)
    assert process.returncode == -signal.SIGKILL
    assert not shot.exists()
    (left,) = recovery_files(folder)
    return left


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_mid_run_the_next_start_restores_the_last_autosave_exactly(
        tmp_path: Path, main_window, answers) -> None:
    left = kill_mid_run(tmp_path)
    saved = load_project(left)
    window = main_window
    assert offer_recovery(window, RecoveryStore(left.parent), window.restore_recovery)
    ((info, _project),) = answers[1:]
    assert info.title.startswith("Spiral")
    assert abs(time.time() - info.saved_at.timestamp()) < 600
    restored = window.session.network.get_weights()
    assert set(restored) == set(saved.weights)
    for key, value in saved.weights.items():
        np.testing.assert_array_equal(restored[key], value)
    trainer = window.session.trainer
    assert (trainer.epoch, trainer.step) == (saved.trainer_state["epoch"],
                                              saved.trainer_state["step"])
    assert trainer.history == saved.trainer_state["history"]
    assert window.is_modified()
    assert not left.exists()
    assert window.autosave.store.path.is_file()       # this session's autosave took over


def damaged_files() -> dict[str, bytes]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.json", '{"format_version": 1, "network": '
                         '{"input_shape": [2], "layers": [{"type": "Exec", "code": "rm"}]}}')
    hostile = buffer.getvalue()
    traversal = io.BytesIO()
    with zipfile.ZipFile(traversal, "w") as archive:
        archive.writestr("../../escape.json", "{}")
    return {"garbage": b"\x00not a zip at all" * 10, "truncated": hostile[:40],
            "hostile": hostile, "traversal": traversal.getvalue()}


@pytest.mark.parametrize("kind", sorted(damaged_files()))
def test_a_damaged_recovery_file_is_refused_and_moved_aside(
        tmp_path: Path, main_window, dialogs, answers, kind: str) -> None:
    bad = tmp_path / "session-crashed.bpproj"
    damaged = damaged_files()[kind]        # made once: a zip carries the time it was made
    bad.write_bytes(damaged)
    with pytest.raises(ModelFileError):
        load_project(bad)
    window = main_window
    design = window.spec.to_dict()
    weights = window.session.network.get_weights()
    assert not offer_recovery(window, RecoveryStore(tmp_path), window.restore_recovery)
    assert answers[1:] == []                       # never offered
    ((title, text),) = dialogs.messages
    assert "cannot" in title
    assert "Nothing was changed" in text
    assert window.spec.to_dict() == design
    for key, value in window.session.network.get_weights().items():
        np.testing.assert_array_equal(value, weights[key])
    assert not bad.exists()
    (moved,) = list((tmp_path / "damaged").iterdir())
    assert moved.read_bytes() == damaged
    assert str(moved) in text


def test_later_keeps_the_file_and_discard_removes_it(tmp_path: Path, main_window,
                                                     answers) -> None:
    window = main_window
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 9}))
    crashed = RecoveryStore(tmp_path)
    window.autosave.store, real = crashed, window.autosave.store
    window.autosave.save_now()
    window.autosave.store = real
    crashed._lock.unlock()                  # as a crash would leave it: a stale lock
    answers[0] = autosave.LATER
    assert not offer_recovery(window, RecoveryStore(tmp_path), window.restore_recovery)
    assert crashed.path.exists()
    answers[0] = autosave.DISCARD
    assert not offer_recovery(window, RecoveryStore(tmp_path), window.restore_recovery)
    assert not crashed.path.exists()
    assert len(answers) == 3


def test_the_restore_offer_says_what_and_when(tmp_path: Path, main_window) -> None:
    window = main_window
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": 9}))
    project = load_project(window.autosave.save_now())
    info = autosave.RecoveryInfo.read(project, datetime.now())
    box = restore_dialog(window, info, project)
    assert window.title in box.text()
    assert f"{info.saved_at:%H:%M:%S}" in box.text()
    assert sorted(b.text() for b in box.buttons()) == ["Discard", "Later", "Restore"]
    box.deleteLater()
