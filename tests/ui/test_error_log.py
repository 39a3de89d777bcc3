"""The app's top level: what nobody caught is logged, shown in one line, and the app stays up."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from simulator.io import DatasetChoice, Project, save_project
from simulator.spec import NetworkSpec
from ui import error_log
from ui.app import run_gui
from ui.shell.presets import load_preset


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(error_log, "log_folder", lambda: tmp_path)
    return tmp_path


def raise_and_catch(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def test_an_uncaught_exception_is_logged_and_shown_in_one_line(qapp, log_folder: Path,
                                                              dialogs) -> None:
    restore = error_log.install()
    try:
        exc = raise_and_catch(ZeroDivisionError("division by zero"))
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        restore()
    assert sys.excepthook is not error_log._on_exception
    (title, text), = dialogs.messages
    assert title == "Internal error"
    assert "\n" not in text
    assert "ZeroDivisionError: division by zero" in text
    assert str(log_folder / error_log.LOG_NAME) in text
    log = (log_folder / error_log.LOG_NAME).read_text()
    assert "Traceback (most recent call last)" in log
    assert "raise_and_catch" in log


def test_an_exception_in_a_thread_is_shown_from_the_gui_thread(qapp, qtbot, log_folder: Path,
                                                               dialogs) -> None:
    restore = error_log.install()
    try:
        thread = threading.Thread(target=lambda: [][1])
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(dialogs.messages))
    finally:
        restore()
    assert "IndexError: list index out of range" in dialogs.messages[0][1]


def test_memory_error_is_worded_not_traced(qapp, log_folder: Path, dialogs) -> None:
    exc = raise_and_catch(MemoryError())
    error_log._on_exception(MemoryError, exc, exc.__traceback__)
    assert "ran out of memory" in dialogs.messages[0][1]
    assert "MemoryError" not in dialogs.messages[0][1]


def test_a_project_argument_that_fails_unexpectedly_names_the_log(
        qapp, tmp_path: Path, log_folder: Path, monkeypatch: pytest.MonkeyPatch,
        capsys) -> None:
    import ui.shell.files as files
    import ui.shell.main_window  # noqa: F401  (imported first: it must keep the real reader)

    def broken(name: str):
        raise OverflowError("Python int too large to convert to C long")

    monkeypatch.setattr(files, "read_design", broken)
    path = tmp_path / "p.bpproj"
    path.write_bytes(b"")
    assert run_gui([str(path), "--screenshot", str(tmp_path / "shot.png")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "an internal error (OverflowError: Python int too large" in err[0]
    assert str(log_folder / error_log.LOG_NAME) in err[0]
    assert "broken" in (log_folder / error_log.LOG_NAME).read_text()


def test_file_open_never_silently_opens_nothing(main_window, dialogs, log_folder: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.shell.main_window as module

    before = main_window.spec.to_dict()
    monkeypatch.setattr(module, "read_design", lambda name: {}["missing"])
    assert main_window.open_path("lesson.json") is False
    (title, text), = dialogs.messages
    assert title == "Cannot open"
    assert "KeyError" in text
    assert "lesson.json" in text
    assert main_window.spec.to_dict() == before


def test_a_project_whose_run_cannot_resume_opens_and_says_so(main_window, tmp_path: Path,
                                                             dialogs) -> None:
    from simulator.data import load_dataset, prepare
    from simulator.network import compile_network
    from simulator.training.trainer import Trainer
    from tests.simulator.io.test_project_file import edit_json

    preset = load_preset("xor")
    spec = NetworkSpec.from_dict(preset.network)
    prepared = prepare(load_dataset(preset.dataset_source, **preset.dataset_options),
                       spec.training, spec.input_shape)
    trainer = Trainer(compile_network(spec, seed=0), spec.training, prepared.x_train,
                      prepared.y_train, prepared.x_val, prepared.y_val)
    for _ in trainer.run(1):
        pass
    path = save_project(tmp_path / "p.bpproj", Project.capture(
        spec, dataset=DatasetChoice(preset.dataset_source, preset.dataset_options),
        trainer=trainer))

    def overflow(state: dict) -> None:
        state["rng"]["state"]["state"] = 2**200

    edit_json(path, "trainer.json", overflow)
    assert main_window.open_path(str(path)) is True
    assert "could not be resumed" in main_window.status_label.text()
    assert "training starts afresh" in main_window.status_label.text()
    assert main_window.session is not None
    assert main_window.session.trainer.step == 0


def test_a_lesson_file_cannot_choose_a_safety_limit(main_window, tmp_path: Path,
                                                    dialogs) -> None:
    data = {"title": "x", "network": load_preset("xor").network,
            "dataset": {"source": "xor", "options": {"max_bytes": 10**15}}}
    path = tmp_path / "lesson.json"
    path.write_text(json.dumps(data))
    assert main_window.open_path(str(path)) is False
    assert "max_bytes is a safety limit" in dialogs.messages[0][1]


def test_a_lesson_json_with_a_byte_order_mark_opens(main_window, tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(load_preset("xor").network).encode())
    assert main_window.open_path(str(path)) is True
    assert np.isfinite(main_window.spec.infer_shapes()[-1].param_count)


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_a_fifo_named_like_a_lesson_is_refused_not_waited_on(main_window, tmp_path: Path,
                                                             dialogs) -> None:
    import os

    os.mkfifo(tmp_path / "lesson.json")
    assert main_window.open_path(str(tmp_path / "lesson.json")) is False
    assert "not a regular file" in dialogs.messages[0][1]
