"""Autosave and crash recovery: the app killed mid-run is restored exactly at the next start;
a damaged or hostile recovery file is refused, moved aside, and the window stays as it was."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from simulator.errors import ModelFileError
from simulator.io import load_project, project_file
from simulator.training.trainer import EpochEnd
from tests.ui.training_runs import train_to_the_end
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
    with qtbot.waitSignal(window.controller.happened, timeout=30_000,
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


# ----- the background writer -----------------------------------------------------------------
class Gate:
    """``save_project`` as the autosave calls it, recording each call's thread and project;
    with ``hold`` the first write waits in its thread until :attr:`release` is set."""

    def __init__(self, hold: bool) -> None:
        self.started, self.release, self.finished = (threading.Event(), threading.Event(),
                                                     threading.Event())
        self.threads: list[threading.Thread] = []
        self.units: list[int] = []
        if not hold:
            self.release.set()

    def __call__(self, path, project):
        self.threads.append(threading.current_thread())
        self.units.append(project.spec.layer("hidden_1").config["units"])
        self.started.set()
        assert self.release.wait(30)
        try:
            return project_file.save_project(path, project)
        finally:
            self.finished.set()


def gate(monkeypatch, hold: bool = False) -> Gate:
    recorder = Gate(hold)
    monkeypatch.setattr(autosave, "save_project", recorder)
    return recorder


def edit(window, units: int) -> None:
    window.stack.push(EditLayer(window.spec, "hidden_1", {"units": units}))


@pytest.fixture
def short_run(main_window):
    """The lesson trained for two epochs only."""
    main_window.spec.training.epochs = 2
    main_window.reset()
    return main_window


def test_the_end_of_a_run_is_written_off_the_gui_thread(short_run, qtbot, monkeypatch) -> None:
    window = short_run
    recorder = gate(monkeypatch)
    with qtbot.waitSignal(window.autosave.saved, timeout=30_000) as saved:
        train_to_the_end(window, qtbot)
    assert recorder.threads
    assert threading.main_thread() not in recorder.threads
    state = load_project(saved.args[0]).trainer_state
    assert state is not None
    assert state["step"] == window.session.trainer.step > 0


def test_the_recovery_capture_shares_nothing_with_the_live_run(short_run, qtbot) -> None:
    window = short_run
    train_to_the_end(window, qtbot)
    project = window._recovery_project(None)
    session = window.session
    live = [value for node in session.network.nodes
            for value in {**node.layer.params, **node.layer.buffers}.values()]
    live += list(session.trainer.optimizer.slots.values())
    copies = list(project.weights.values())
    copies += list(project.trainer_state["optimizer"]["slots"].values())
    assert len(copies) == len(live) > 0
    assert not any(np.shares_memory(a, b) for a in copies for b in live)
    for key, values in session.trainer.history.items():
        assert project.history[key] is not values
        assert project.trainer_state["history"][key] is not values
    assert project.dataset == window.dataset_choice
    assert project.dataset.options is not window.dataset_choice.options
    assert project.forks is not session.forks


def test_captures_during_a_write_in_flight_write_only_the_newest_after_it(
        main_window, qtbot, monkeypatch) -> None:
    window = main_window
    recorder = gate(monkeypatch, hold=True)
    saved: list[Path] = []
    window.autosave.saved.connect(saved.append)
    edit(window, 11)
    window.autosave.save_soon()
    assert recorder.started.wait(30)          # in flight, held in the writer thread
    for units in (12, 13, 14):
        edit(window, units)
        window.autosave.save_soon()
    recorder.release.set()
    window.autosave.writer.wait()
    qtbot.waitUntil(lambda: len(saved) == 2, timeout=10_000)
    assert recorder.units == [11, 14]
    assert load_project(saved[-1]).spec.layer("hidden_1").config["units"] == 14


def test_a_clean_exit_waits_for_the_write_in_flight_then_leaves_no_file(
        main_window, monkeypatch) -> None:
    window = main_window
    store, writer = window.autosave.store, window.autosave.writer
    recorder = gate(monkeypatch, hold=True)
    edit(window, 11)
    window.autosave.save_soon()
    assert recorder.started.wait(30)

    def release_once_closing() -> None:
        deadline = time.monotonic() + 30
        while not writer.closed and time.monotonic() < deadline:
            time.sleep(0.001)
        recorder.release.set()

    releaser = threading.Thread(target=release_once_closing)
    releaser.start()
    window.close()
    releaser.join()
    assert recorder.finished.is_set()         # close returned only after the write ended
    assert not store.path.exists()
    assert not store.path.with_suffix(".lock").exists()
    window.autosave._on_state("idle")         # a late state change writes nothing
    window.autosave.save_soon()
    assert window.autosave.save_now() is None
    writer.wait()
    assert not store.path.exists()
    assert recorder.units == [11]


def test_a_failing_write_reports_and_leaves_the_previous_file_intact(
        main_window, qtbot, monkeypatch) -> None:
    window = main_window
    edit(window, 11)
    path = window.autosave.save_now()
    before = path.read_bytes()

    def full_disk(target, _data):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(project_file, "atomic_write", full_disk)
    edit(window, 12)
    with qtbot.waitSignal(window.autosave.failed, timeout=30_000) as failed:
        window.autosave.save_soon()
    assert failed.args[0].startswith("Autosave failed: No space left on device")
    assert window.status_label.text() == failed.args[0]
    assert path.read_bytes() == before


def test_a_folder_in_the_recovery_file_s_place_is_reported(main_window, qtbot) -> None:
    window = main_window
    store = window.autosave.store
    store.path.mkdir()
    (store.path / "kept").write_text("mine")
    edit(window, 11)
    with qtbot.waitSignal(window.autosave.failed, timeout=30_000) as failed:
        window.autosave.save_soon()
    assert "Autosave failed" in failed.args[0]
    assert str(store.path) in failed.args[0]
    assert (store.path / "kept").read_text() == "mine"
    assert [p.name for p in store.directory.iterdir() if p.name.endswith(".tmp")] == []
    (store.path / "kept").unlink()
    store.path.rmdir()
