"""Preview the panels on a real, headless training run: ``python -m ui.panels.preview``.

    python -m ui.panels.preview --data shapes --panel "Feature maps"      # a window
    python -m ui.panels.preview --data spiral --seconds 3 --save out/     # PNGs, no window

The trainer runs in the GUI thread in slices of a few milliseconds (a preview only: the app
trains in a worker thread), and its events reach the panels the way the worker sends them:
snapshots paced, batches and epoch ends coalesced.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from simulator.data import load_dataset
from simulator.spec import NetworkSpec
from simulator.training.probes import paced_run
from simulator.training.trainer import Failed, Finished
from ui.panels.base import Panel
from ui.training.session import TrainingSession, build_session
from ui.training.worker import BatchChunk, Coalescer

_TRAINING = {"loss": "cross_entropy", "batch_size": 32, "validation_split": 0.2,
             "optimizer": {"type": "adam", "learning_rate": 0.005}}

#: Small networks for each kind of data (the lessons' presets live in ``resources``).
EXAMPLES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "spiral": ({"n": 400, "noise": 0.1}, {
        "input_shape": [2],
        "layers": [{"type": "Dense", "name": "hidden_1", "units": 16, "activation": "relu"},
                   {"type": "Dense", "name": "hidden_2", "units": 16, "activation": "relu"},
                   {"type": "Dense", "name": "output", "units": 2},
                   {"type": "Softmax", "name": "softmax"}],
        "training": {**_TRAINING, "epochs": 200, "batch_size": 16,
                     "schedule": {"type": "cosine"}}}),
    "shapes": ({"n": 600}, {
        "input_shape": [1, 28, 28],
        "layers": [{"type": "Conv2D", "name": "conv1", "filters": 8, "kernel_size": 3,
                    "activation": "relu"},
                   {"type": "MaxPool2D", "name": "pool1", "pool_size": 2},
                   {"type": "Conv2D", "name": "conv2", "filters": 16, "kernel_size": 3,
                    "activation": "relu"},
                   {"type": "MaxPool2D", "name": "pool2", "pool_size": 2},
                   {"type": "Flatten", "name": "flat"},
                   {"type": "Dense", "name": "output", "units": 4},
                   {"type": "Softmax", "name": "softmax"}],
        "training": {**_TRAINING, "epochs": 15}}),
    "digits": ({}, {
        "input_shape": [1, 8, 8],
        "layers": [{"type": "Conv2D", "name": "conv1", "filters": 8, "kernel_size": 3,
                    "padding": "same", "activation": "relu"},
                   {"type": "MaxPool2D", "name": "pool1", "pool_size": 2},
                   {"type": "Flatten", "name": "flat"},
                   {"type": "Dense", "name": "output", "units": 10},
                   {"type": "Softmax", "name": "softmax"}],
        "training": {**_TRAINING, "epochs": 20, "preprocessing": "minmax"}}),
    "sine": ({}, {
        "input_shape": [1],
        "layers": [{"type": "Dense", "name": "hidden", "units": 32, "activation": "tanh"},
                   {"type": "Dense", "name": "output", "units": 1}],
        "training": {**_TRAINING, "loss": "mse", "epochs": 100, "batch_size": 16}}),
}


def example_session(name: str) -> TrainingSession:
    options, network = EXAMPLES[name]
    return build_session(NetworkSpec.from_dict(network), load_dataset(name, **options))


def feed(session: TrainingSession, panels: list[Panel], seconds: float = np.inf,
         emit_interval: float = 1 / 30) -> Iterator[None]:
    """Train and hand the events to ``panels`` as the worker would (snapshots paced by
    :func:`simulator.training.probes.paced_run`, sends coalesced by
    :class:`ui.training.worker.Coalescer`); yields between slices."""
    waiting = Coalescer()
    last_emit = time.monotonic()
    start = slice_start = last_emit

    def send(events: list[Any]) -> None:
        for event in events:
            for panel in panels:
                if isinstance(event, BatchChunk):
                    panel.on_batches(event)
                elif isinstance(event, Finished | Failed):
                    panel.on_done(event)
                else:
                    panel.on_event(event)

    for event in paced_run(session.trainer):
        now = time.monotonic()
        if not waiting.add(event):
            send([*waiting.take(), event])
            last_emit = now
        elif now - last_emit >= emit_interval:
            last_emit = now
            send(waiting.take())
        if now - start > seconds:
            session.trainer.control.stop()
        if now - slice_start > 0.02:
            yield
            slice_start = time.monotonic()
    send(waiting.take())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.panels.preview", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", choices=sorted(EXAMPLES), default="spiral")
    parser.add_argument("--panel", help="a panel's title (default: all of them)")
    parser.add_argument("--seconds", type=float, default=20.0, help="stop training after S s")
    parser.add_argument("--save", type=Path, metavar="DIR", help="save PNGs here and exit")
    args = parser.parse_args(argv)

    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QTabWidget

    from ui.panels.catalog import default_panels
    from ui.style.theme import configure_plots

    app = pg.mkQApp("Panel preview")
    configure_plots()
    panels = [p for p in default_panels() if args.panel in (None, p.title)]
    if not panels:
        parser.error(f"no panel titled {args.panel!r}")
    session = example_session(args.data)
    tabs = QTabWidget()
    for panel in panels:
        panel.reset(session)
        tabs.addTab(panel, panel.title)
    tabs.resize(720, 520)
    tabs.show()
    steps = feed(session, panels, args.seconds)
    if args.save is not None:       # no event loop of its own: safe inside a running app
        for _ in steps:
            app.processEvents()
        args.save.mkdir(parents=True, exist_ok=True)
        for index, panel in enumerate(panels):
            tabs.setCurrentIndex(index)
            app.processEvents()
            name = panel.title.lower().replace(" ", "_")
            panel.grab().save(str(args.save / f"{args.data}_{name}.png"))
        tabs.close()
        return 0
    timer, finished = QTimer(), object()

    def tick() -> None:
        if next(steps, finished) is finished:
            timer.stop()

    timer.timeout.connect(tick)
    timer.start(0)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
