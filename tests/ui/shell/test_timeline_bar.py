"""The timeline bar scrubs a run (every panel shows that step) and forks it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from simulator.training.fork import ForkSettings
from simulator.training.trainer import Kept
from tests.ui.shell.test_file_menu import train_a_little
from ui.panels.boundary_panel import BoundaryPanel
from ui.panels.catalog import find_panel
from ui.panels.loss_panel import LossPanel
from ui.shell.timeline_bar import FORK_SHORT, FORK_TEXT, SLIDER_LEAST, TimelineBar
from ui.training.timeline import ForkEnded, ForkEpoch


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@pytest.fixture
def trained(main_window, qtbot):
    train_a_little(main_window, qtbot, epochs=3)
    return main_window


def test_hidden_while_there_is_no_run(main_window) -> None:
    assert main_window.timeline.bar.isHidden()


def test_the_panels_keep_their_height_when_the_bar_appears(main_window, qtbot) -> None:
    """The bar's row is kept while it is hidden: a run starting does not shrink the panels
    (which would lay every plot out again, and jump in front of the class)."""
    window = main_window
    window.show()
    qtbot.waitExposed(window)
    before = window.panel_tabs.height()
    train_a_little(window, qtbot, epochs=2)
    QApplication.processEvents()
    assert not window.timeline.bar.isHidden()
    assert window.panel_tabs.height() == before


def test_the_slider_moved_to_a_frame_puts_the_session_there(trained) -> None:
    window = trained
    bar, timeline = window.timeline.bar, window.session.timeline
    assert not bar.isHidden()
    assert bar.slider.isEnabled()
    assert bar.slider.maximum() >= 3
    live = window.session.network.get_weights()
    bar.slider.setValue(2)
    frame = timeline.frames[2]
    assert _same(window.session.network.get_weights(), timeline.checkpoint(2).weights)
    assert window.session.trainer.step == frame.step
    loss = find_panel(window.panels, LossPanel)
    assert len(loss.validation_losses) == frame.epoch == 2      # the curve up to that step
    assert f"step {frame.step}" in bar.label.text()
    bar.slider.setValue(bar.slider.maximum())                    # back to the live run
    assert _same(window.session.network.get_weights(), live)
    assert "(live)" in bar.label.text()
    bar.slider.setValue(0)
    assert window.session.trainer.step == 0
    assert loss.validation_losses.size == 0
    boundary = find_panel(window.panels, BoundaryPanel)   # the untrained network's boundary
    boundary.catch_up()                  # (drawn when in view; the window is not shown here)
    assert boundary.image.image is not None


def test_the_slider_cannot_move_while_training(main_window, qtbot) -> None:
    window = main_window
    window.controller.set_speed(None)
    window.train()
    with qtbot.waitSignal(window.controller.happened, timeout=30_000,
                          check_params_cb=lambda e: isinstance(e, Kept)
                          and "timeline" in e.data):
        pass
    assert not window.timeline.bar.isHidden()
    assert not window.timeline.bar.slider.isEnabled()
    assert not window.timeline.bar.fork_button.isEnabled()
    window.controller.pause()
    assert window.timeline.bar.slider.isEnabled()
    window.timeline.bar.slider.setValue(1)        # stops the paused run, then shows frame 1
    assert not window.controller.running
    assert window.session.trainer.step == window.session.timeline.frames[1].step
    assert "stopped" in window.status_label.text()


def test_a_fork_trains_beside_the_run_and_is_kept(trained, qtbot) -> None:
    window = trained
    session = window.session
    parent = session.network.get_weights()
    with qtbot.waitSignal(window.controller.happened, timeout=30_000,
                          check_params_cb=lambda e: isinstance(e, ForkEpoch)):
        assert window.timeline.start_fork(1, ForkSettings(learning_rate=0.001))
    assert not window.timeline.bar.slider.isEnabled()
    during, left_out = window._project_to_save()   # a fork trains its own network: the run
    assert not left_out                              # itself can be saved meanwhile
    assert _same(during.weights, parent)
    assert window.trained_session() is session
    with qtbot.waitSignal(window.controller.happened, timeout=30_000,
                          check_params_cb=lambda e: isinstance(e, ForkEnded)) as ended:
        window.controller.stop()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=10_000)
    record = ended.args[0].record
    assert session.forks == [record]
    assert record.parent_epoch == 1
    assert record.settings.learning_rate == 0.001
    assert _same(session.network.get_weights(), parent)        # the run itself is untouched
    loss = find_panel(window.panels, LossPanel)
    assert len(loss._forks) == 1
    x, y = loss._forks[0].getData()
    assert x[0] == 1.0
    np.testing.assert_allclose(y, record.history["loss"])      # from the fork's epoch on
    project, _ = window._project_to_save()
    assert len(project.forks) == 1
    assert "fork 1" in window.status_label.text().lower()


def test_saving_while_scrubbed_back_keeps_the_whole_run(trained, dialogs, tmp_path) -> None:
    from simulator.io import load_project

    window = trained
    live_step, live = window.session.trainer.step, window.session.network.get_weights()
    history = dict(window.session.trainer.history)
    window.timeline.bar.slider.setValue(1)
    dialogs.paths = [str(tmp_path / "run.bpproj")]
    assert window.file_menu.save_as()
    project = load_project(tmp_path / "run.bpproj")
    assert project.trainer_state["step"] == live_step
    assert _same(project.weights, live)
    assert project.history == history
    assert len(history["loss"]) >= 3
    assert window.session.trainer.step == window.session.timeline.frames[1].step  # still shown


def test_a_reopened_project_draws_its_forks_beside_the_run(main_window, tmp_path) -> None:
    from simulator.io import save_project
    from tests.simulator.io.test_project_forks import _project_with_a_fork

    project, record = _project_with_a_fork()
    path = save_project(tmp_path / "forked.bpproj", project)
    window = main_window
    assert window.open_path(str(path))
    assert len(window.session.forks) == 2
    loss = find_panel(window.panels, LossPanel)
    assert len(loss._forks) == 2
    x, y = loss._forks[0].getData()
    assert x[0] == record.parent_epoch
    np.testing.assert_allclose(y, record.history["loss"][record.parent_epoch - 1:])
    assert not window.timeline.bar.isHidden()          # the reopened run is the first frame
    assert window.session.timeline.steps == [window.session.trainer.step]


def test_a_scrubbed_run_s_gradients_panel_says_why_it_is_empty(trained) -> None:
    from ui.panels.gradients_panel import GradientsPanel

    window = trained
    gradients = find_panel(window.panels, GradientsPanel)
    window.timeline.bar.slider.setValue(1)
    gradients.catch_up()
    assert "measured while training" in gradients.notice.text()


def test_a_narrow_bar_keeps_the_frame_text_whole_and_the_slider_usable(qtbot) -> None:
    bar = TimelineBar()
    qtbot.addWidget(bar)
    font = bar.font()
    font.setPointSize(font.pointSize() + 4)              # presentation mode's larger text
    bar.setFont(font)
    bar.show_range(301, 300, "epoch 300 · step 6000 (live)", True)
    bar.resize(1200, 40)
    bar.show()
    QApplication.processEvents()
    assert bar.caption.isVisible()
    assert bar.fork_button.text() == FORK_TEXT
    for width, caption, button in ((480, False, FORK_TEXT), (380, False, FORK_SHORT)):
        bar.resize(width, 40)                  # 480: a 1280×720 window's panel column
        QApplication.processEvents()
        assert bar.label.width() >= bar.label.sizeHint().width()      # the text whole
        assert bar.slider.width() >= SLIDER_LEAST
        assert bar.fork_button.geometry().right() <= bar.width()
        assert bar.caption.isVisible() == caption
        assert bar.fork_button.text() == button
    assert bar.fork_button.toolTip()                       # still says what it does
