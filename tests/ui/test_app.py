"""``backprop-studio [PROJECT] --screenshot``: open a lesson or file and take a picture."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

from PySide6.QtGui import QImage

from ui import app as app_module
from ui.app import run_gui
from ui.shell.presets import load_preset
from ui.training.pacing import settle_heap


def test_a_lesson_name_opens_and_is_pictured(qapp, tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    assert run_gui(["digits_cnn", "--screenshot", str(out), "--size", "1100x760"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1100, 760)


def test_a_network_file_opens_from_the_command_line(qapp, tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    path.write_text(json.dumps(load_preset("xor").network), encoding="utf-8")
    assert run_gui([str(path), "--screenshot", str(tmp_path / "shot.png")]) == 0


def test_a_bad_project_argument_fails_with_a_message(qapp, tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    assert run_gui([str(path), "--screenshot", str(tmp_path / "shot.png")]) == 1
    assert "cannot open" in capsys.readouterr().err
    assert run_gui(["no_such_lesson", "--screenshot", str(tmp_path / "shot.png")]) == 1
    assert not (tmp_path / "shot.png").exists()


def test_a_picture_can_show_the_run_scrubbed_back(qapp, tmp_path: Path, monkeypatch) -> None:
    from ui.shell.timeline_bar import TimelineHookup

    shown: list[int] = []
    scrub = TimelineHookup.scrub
    monkeypatch.setattr(TimelineHookup, "scrub",
                        lambda self, position: shown.append(position) or scrub(self, position))
    out = tmp_path / "shot.png"
    assert run_gui(["xor", "--screenshot", str(out), "--train-seconds", "1.5",
                    "--scrub", "0"]) == 0
    assert shown == [0]
    assert QImage(str(out)).width() > 0


def test_a_panel_and_presentation_mode_can_be_chosen(qapp, tmp_path: Path, capsys,
                                                     monkeypatch) -> None:
    import ui.app

    seen: list[tuple[list[str], bool]] = []
    original = ui.app._screenshot

    def record(app, window, *args):     # what the window showed when the picture was taken
        seen.append(([p.title for p in window.panel_tabs.in_view()],
                     window.presentation.active))
        return original(app, window, *args)

    monkeypatch.setattr(ui.app, "_screenshot", record)
    out = tmp_path / "shot.png"
    assert run_gui(["digits_cnn", "--screenshot", str(out), "--panel", "weights",
                    "--presentation"]) == 0
    assert len(seen) == 1
    assert "Weights" in seen[0][0]
    assert seen[0][1]
    assert run_gui(["xor", "--screenshot", str(out), "--panel", "Nope"]) == 2
    assert "no panel is called 'Nope'" in capsys.readouterr().err


def test_the_heap_is_settled_once_the_window_is_up(qapp, tmp_path: Path, monkeypatch) -> None:
    settled: list[bool] = []
    monkeypatch.setattr(app_module, "settle_heap", lambda: settled.append(True))
    assert run_gui(["xor", "--screenshot", str(tmp_path / "shot.png")]) == 0
    assert settled == [True]


def test_settling_the_heap_collects_the_garbage_then_freezes_what_lives_once() -> None:
    class Node:
        me: object

    gc.unfreeze()               # (as a fresh process: nothing frozen yet)
    try:
        cycle = Node()
        cycle.me = cycle
        gone = weakref.ref(cycle)
        del cycle
        assert gone() is not None          # a cycle: only the collector frees it
        settle_heap()
        assert gone() is None
        frozen = gc.get_freeze_count()
        assert frozen > 1000               # the modules, the test session's objects
        kept = [Node() for _ in range(10)]
        settle_heap()                      # once in a process: this one does nothing
        assert gc.get_freeze_count() == frozen
        assert len(kept) == 10
    finally:
        gc.unfreeze()
