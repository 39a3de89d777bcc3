"""Train from the main window: the worker's signals reach the panels and the loss falls; Pause,
closing mid-run, and a learning-rate change that reaches the trainer live."""

from __future__ import annotations

import numpy as np

from simulator.training.trainer import BatchEnd, EpochEnd, Finished, Snapshot
from ui.training.bridge import STATUS_PERIOD
from ui.training.pacing import PACE
from ui.training.worker import epoch_ends


def test_training_runs_in_worker_and_updates_panels(main_window, qtbot) -> None:
    window = main_window
    window.controller.set_speed(None)
    seen: list[object] = []
    window.controller.happened.connect(seen.append)
    window.train()
    assert window.controller.running

    def trained_enough(event: object) -> bool:
        return isinstance(event, EpochEnd) and event.epoch >= 30

    with qtbot.waitSignal(window.controller.happened, timeout=60_000,
                          check_params_cb=trained_enough):
        pass
    # The GUI thread stayed free: it processed the events above while training ran.
    with qtbot.waitSignal(window.training_finished, timeout=10_000) as finished:
        window.controller.stop()
    assert isinstance(finished.args[0], Finished)
    assert finished.args[0].reason == "stopped"
    qtbot.waitUntil(lambda: not window.controller.running, timeout=5_000)

    loss_panel, boundary_panel = window.panels[0], window.panels[1]
    losses = loss_panel.batch_losses
    assert losses.size > 100
    assert np.all(np.isfinite(losses))
    assert losses[-50:].mean() < 0.5 * losses[:50].mean()
    assert loss_panel.validation_losses.size >= 30
    assert boundary_panel.last_grid is not None
    assert boundary_panel.last_grid.shape[:2] == (80, 80)
    assert any(isinstance(e, Snapshot) for e in seen)
    # Epoch ends come coalesced, several to a signal at full speed, and none is lost.
    epochs = [end.epoch for e in seen if isinstance(e, EpochEnd) for end in epoch_ends(e)]
    assert epochs == list(range(1, len(epochs) + 1))


def test_pause_halts_training_and_resume_continues(main_window, qtbot) -> None:
    window = main_window
    window.controller.set_speed(None)
    window.train()
    with qtbot.waitSignal(window.controller.batches, timeout=20_000):
        pass
    window.toggle_pause()
    assert window.controller.state == "paused"
    qtbot.wait(300)  # let the worker reach its pause point
    step = window.session.trainer.step
    qtbot.wait(300)
    assert window.session.trainer.step == step
    window.toggle_pause()
    qtbot.waitUntil(lambda: window.session.trainer.step > step, timeout=10_000)
    window.stop_training()
    assert not window.controller.running


def test_closing_the_window_mid_training_stops_the_thread(main_window, qtbot) -> None:
    window = main_window
    window.controller.set_speed(None)
    window.train()
    with qtbot.waitSignal(window.controller.batches, timeout=20_000):
        pass
    window.close()
    assert not window.controller.running


def test_a_learning_rate_edit_reaches_the_running_trainer(main_window, qtbot) -> None:
    window = main_window
    window.controller.set_speed(200.0)
    window.train()
    field = window.training_settings.fields["learning_rate"]
    field.setText("0.0005")
    field.editingFinished.emit()
    assert window.spec.training.optimizer["learning_rate"] == 0.0005

    def uses_new_rate(chunk) -> bool:
        return isinstance(chunk.last, BatchEnd) and abs(chunk.last.learning_rate - 0.0005) < 1e-12

    with qtbot.waitSignal(window.controller.batches, timeout=10_000, check_params_cb=uses_new_rate):
        pass
    window.stop_training()


def test_a_learning_rate_edit_keeps_the_session_and_reaches_its_trainer(main_window,
                                                                        qtbot) -> None:
    window = main_window
    session = window.session
    field = window.training_settings.fields["learning_rate"]
    field.setText("0.02")
    field.editingFinished.emit()
    qtbot.wait(10)
    assert window.session is session
    assert session.trainer.control.new_learning_rate == 0.02
    assert not window.session_is_stale()


def test_the_buttons_follow_the_run(main_window, qtbot) -> None:
    window = main_window
    run = window.toolbar.run
    assert (run.train.isEnabled(), run.pause.isEnabled(), run.stop.isEnabled()) == (
        True, False, False)
    window.controller.set_speed(200.0)
    run.train.trigger()
    assert window.controller.state == "running"
    assert (run.train.isEnabled(), run.pause.isEnabled(), run.stop.isEnabled()) == (
        False, True, True)
    assert not window.lesson_box.isEnabled()         # no other lesson during a run
    run.pause.trigger()
    assert window.controller.state == "paused"
    assert run.pause.text() == "Resume"
    assert run.train.isEnabled()                     # Train resumes too
    run.stop.trigger()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=10_000)
    assert (run.train.isEnabled(), run.pause.isEnabled(), run.pause.text()) == (
        True, False, "Pause")
    assert window.lesson_box.isEnabled()


def test_news_of_a_run_shut_down_is_not_shown_over_what_follows(main_window, qtbot) -> None:
    """A run ended by a shutdown sends no Finished: the status line's news still waiting for
    its turn is dropped, not shown over what the window shows next (a reopened run)."""
    window = main_window
    window.controller.happened.emit(EpochEnd(49, {"loss": 0.5}, 0.1))   # shown: its turn
    window.controller.happened.emit(EpochEnd(50, {"loss": 0.4}, 0.1))   # waits for the next
    window.controller.state_changed.emit("idle")                        # shut down
    window.progress.setMaximum(60)
    window.progress.setValue(52)
    window.status_label.setText("Trained for 52 epochs")
    qtbot.wait(int(1000 * 3 * STATUS_PERIOD))
    assert window.progress.value() == 52
    assert window.status_label.text() == "Trained for 52 epochs"


def test_the_drawing_is_back_at_its_full_rate_once_a_run_is_over(main_window) -> None:
    """A Full-speed run spaces the redraws out; once it is over, scrubbing it draws at once,
    and the next run starts where the last one's pace had settled."""
    PACE.stretch = 6.0
    main_window.controller.state_changed.emit("idle")
    assert PACE.stretch == 1.0
    main_window.controller.state_changed.emit("idle")      # (said twice: still remembered)
    main_window.controller.state_changed.emit("running")
    assert PACE.stretch == 6.0
    main_window.controller.state_changed.emit("paused")
    main_window.controller.state_changed.emit("running")   # a resume: as it was
    assert PACE.stretch == 6.0
