"""``backprop-studio train``: train a network JSON or a project headless, with progress on
stderr (one line redrawn in place on a terminal, one line per epoch otherwise)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from simulator.cli.inputs import load_design, open_dataset
from simulator.config import TrainingConfig
from simulator.errors import DataError, TrainingError
from simulator.io import save_model
from simulator.io.model_file import class_names_to_save
from simulator.network import compile_network
from simulator.training.events import BatchEnd, EpochEnd, Failed, Finished, Started
from simulator.training.trainer import Trainer


class Progress:
    """Plain-text progress: ``\\r``-redrawn bar on a terminal, a line per epoch elsewhere."""

    def __init__(self, stream: TextIO, width: int = 24) -> None:
        self.stream = stream
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.width = width
        self.epochs = 0
        self.steps = 1
        self._drawn = 0.0
        self._open_line = False

    def __call__(self, event: Any) -> None:
        if isinstance(event, Started):
            self.epochs, self.steps = event.epochs, max(event.steps_per_epoch, 1)
            self._write(f"training {event.n_train} samples ({event.n_val} for validation), "
                        f"{event.n_params:,} parameters\n")
        elif isinstance(event, BatchEnd) and self.live:
            now = time.monotonic()
            if now - self._drawn >= 0.1 or event.batch == self.steps:
                self._drawn = now
                done = int(self.width * event.batch / self.steps)
                bar = "#" * done + "-" * (self.width - done)
                self._write(f"\repoch {event.epoch}/{self.epochs} [{bar}] "
                            f"{event.batch}/{self.steps}  loss {event.loss:.4f}")
                self._open_line = True
        elif isinstance(event, EpochEnd):
            line = f"epoch {event.epoch}/{self.epochs}  " + format_metrics(event.metrics)
            self._write(("\r\x1b[K" if self.live else "") + line + "\n")
            self._open_line = False
            for note in getattr(event, "notes", ()):
                self._write(f"  {note}\n")

    def close(self) -> None:
        """End a half-drawn bar, so that whatever is printed next starts on its own line."""
        if self._open_line:
            self._write("\n")
            self._open_line = False

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def format_metrics(metrics: dict[str, float]) -> str:
    parts = []
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        if metrics.get(key) is not None:
            parts.append(f"{key} {metrics[key]:.4f}")
    return "  ".join(parts)


def overrides(config: TrainingConfig, args: argparse.Namespace) -> TrainingConfig:
    """The network's training section with the command-line flags applied."""
    optimizer = dict(config.optimizer)
    if args.optimizer is not None and args.optimizer != optimizer.get("type"):
        optimizer = {"type": args.optimizer, "learning_rate": optimizer.get("learning_rate")}
        optimizer = {k: v for k, v in optimizer.items() if v is not None}
    if args.lr is not None:
        optimizer["learning_rate"] = args.lr
    return config.replace(epochs=args.epochs, batch_size=args.batch_size, seed=args.seed,
                          optimizer=optimizer)


def run_train(args: argparse.Namespace, out: TextIO) -> int:
    from simulator.data import prepare  # noqa: PLC0415  (loads on demand)

    spec, project = load_design(args.network)
    config = overrides(spec.training, args)
    spec.set_training(config)
    if args.data is not None:
        dataset = open_dataset(args.data, dict(args.data_options))
    elif project is not None and project.dataset is not None:
        dataset = open_dataset(project.dataset.source, project.dataset.options)
    else:
        raise DataError("no data: give --data (a built-in dataset name or a file)")
    prepared = prepare(dataset, config, spec.input_shape)
    task_names = class_names_to_save(spec, dataset)   # a save that would fail, fails now
    network = compile_network(spec, args.backend)
    resumed = project is not None and project.weights is not None
    if resumed:
        network.set_weights(project.weights)
    trainer = Trainer(network, config, prepared.x_train, prepared.y_train,
                      prepared.x_val, prepared.y_val)
    if resumed and project.restore_trainer(trainer):
        print(f"resuming after epoch {trainer.epoch}", file=sys.stderr)
    progress = Progress(sys.stderr)
    final: dict[str, float] = {}
    try:
        for event in trainer.run():
            progress(event)
            if isinstance(event, EpochEnd):
                final = dict(event.metrics)
            elif isinstance(event, Failed):
                raise TrainingError(event.message)
            elif isinstance(event, Finished) and event.reason != "completed":
                print(f"stopped after epoch {event.epochs_completed} ({event.reason})",
                      file=sys.stderr)
    finally:
        progress.close()
    training = {k: v for k, v in final.items() if k in ("loss", "accuracy")}
    print(f"training:   {format_metrics(training)}", file=out)
    validation = {k[4:]: v for k, v in final.items() if k.startswith("val_")}
    if validation:
        print(f"validation: {format_metrics(validation)}", file=out)
    if args.out:
        save_model(args.out, network, preprocessor=prepared.preprocessor,
                   class_names=task_names, metrics=final)
        print(f"saved {args.out}", file=out)
    return 0
