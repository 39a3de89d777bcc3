"""A long run at Full speed, every panel fed: Stop ends it, and the interface kept up with it."""

from __future__ import annotations

import dataclasses
import json

from simulator.training.trainer import EpochEnd, Finished
from ui.shell.presets import load_preset
from ui.training.worker import epoch_ends


def test_stop_ends_a_long_full_speed_run(main_window, qtbot) -> None:
    window = main_window
    preset = load_preset("spiral")
    network = json.loads(json.dumps(preset.network))
    network["training"]["epochs"] = 100_000             # hours of training, at full speed
    window.open_preset(dataclasses.replace(preset, network=network))
    window.toolbar.speed.setCurrentText("Full speed")
    assert window.controller.max_steps_per_second is None
    window.show()
    seen: list[int] = []
    window.controller.happened.connect(
        lambda e: seen.extend(x.epoch for x in epoch_ends(e)) if isinstance(e, EpochEnd)
        else None)
    window.train()
    qtbot.waitUntil(lambda: len(seen) >= 150, timeout=120_000)
    with qtbot.waitSignal(window.training_finished, timeout=20_000) as finished:
        window.toolbar.run.stop.trigger()
    event = finished.args[0]
    assert isinstance(event, Finished)
    assert event.reason == "stopped"
    assert 150 <= event.epochs_completed < 100_000
    qtbot.waitUntil(lambda: not window.controller.running, timeout=10_000)
    assert seen == list(range(1, len(seen) + 1))          # every epoch reached the panels
    assert window.toolbar.run.stop.isEnabled() is False
    assert window.toolbar.run.train.isEnabled()
