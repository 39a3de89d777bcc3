"""One run at a time between the main window and the experiments window, and the main window's
close ends an experiment."""

from __future__ import annotations

from tests.ui.experiments.conftest import start_a_long_search


def test_one_run_at_a_time_between_the_main_window_and_experiments(
        experiments, main_window, qtbot) -> None:
    start_a_long_search(experiments)
    assert not main_window.toolbar.run.train.isEnabled()
    assert not main_window.menus.train_or_pause.isEnabled()
    main_window.reset()               # re-enables Train for its own, idle controller...
    assert not main_window.toolbar.run.train.isEnabled()      # ...but the experiment holds it
    main_window.menus.train_or_pause.trigger()
    assert not main_window.controller.running
    experiments.stop()
    qtbot.waitUntil(lambda: not experiments.controller.running, timeout=5_000)
    assert main_window.toolbar.run.train.isEnabled()

    main_window.controller.set_speed(None)
    main_window.train()
    assert main_window.controller.running
    assert not experiments.run_button.isEnabled()
    experiments.run()
    assert not experiments.controller.running
    assert "One run at a time" in experiments.status.text()
    main_window.stop_training()
    assert experiments.run_button.isEnabled()


def test_closing_the_main_window_stops_a_running_experiment(experiments, main_window,
                                                             qtbot) -> None:
    start_a_long_search(experiments)
    with qtbot.waitSignal(experiments.controller.batches, timeout=10_000):
        pass
    main_window.close()
    assert not experiments.controller.running
