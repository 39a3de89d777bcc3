"""File ▸ Export for slides ▸ Animation of the run: a GIF with a frame per timeline position."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from tests.ui.shell.test_file_menu import train_a_little
from ui.panels.boundary_panel import BoundaryPanel
from ui.panels.catalog import find_panel
from ui.shell.animation import MAX_FRAMES, WIDTH
from ui.training.timeline import positions


def test_the_gif_has_a_frame_per_position_and_the_panel_s_size(main_window, qtbot, dialogs,
                                                                 tmp_path: Path) -> None:
    window = main_window
    window.show()
    qtbot.waitExposed(window)
    train_a_little(window, qtbot, epochs=3)
    live = window.session.network.get_weights()
    window.timeline.bar.slider.setValue(1)
    # A frame per position, or MAX_FRAMES of them spread over a longer run (the first send
    # of a run at full speed may already hold a hundred epochs).
    expected = min(positions(window.session), MAX_FRAMES)
    assert expected >= 4
    boundary = find_panel(window.panels, BoundaryPanel)
    height = round(boundary.height() * WIDTH / boundary.width())
    dialogs.paths = [str(tmp_path / "run")]
    window.animation.action.trigger()
    path = tmp_path / "run.gif"
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == expected
        assert gif.size == (WIDTH, height)
        gif.seek(0)
        first = np.asarray(gif.convert("RGB"))
        gif.seek(expected - 1)
        last = np.asarray(gif.convert("RGB"))
    assert not np.array_equal(first, last)            # the boundary (and the stamp) moved on
    assert window.timeline.bar.slider.value() == 1    # the session is put back where it was
    step = window.session.timeline.frames[1].step
    assert window.session.trainer.step == step
    window.timeline.bar.slider.setValue(window.timeline.bar.slider.maximum())
    assert all(np.array_equal(v, live[k]) for k, v in window.session.network.get_weights().items())
    assert not [m for m in dialogs.messages if "Cannot" in m[0]]


def test_no_animation_before_a_run(main_window, dialogs, tmp_path: Path) -> None:
    assert main_window.animation.export(tmp_path / "x.gif") is None
    assert not (tmp_path / "x.gif").exists()
    assert dialogs.messages


def test_a_long_timeline_is_sampled_evenly() -> None:
    from ui.shell.animation import frame_positions

    assert frame_positions(5, most=10) == [0, 1, 2, 3, 4]
    sampled = frame_positions(1000, most=150)
    assert len(sampled) == 150
    assert (sampled[0], sampled[-1]) == (0, 999)
    assert max(np.diff(sampled)) - min(np.diff(sampled)) <= 1
