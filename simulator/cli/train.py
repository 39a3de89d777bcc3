"""``backprop-studio train``: train a network, a lesson or a project headless, with progress
on stderr (one line redrawn in place on a terminal, one line per epoch otherwise).

Everything that can be checked is checked before the first epoch: the output path, the
design, the data, and whether the network's output and loss fit the data's targets. A run
that fails (the loss or the weights become NaN or infinite) keeps the last good weights and,
with ``--out``, writes them; Ctrl-C writes the model as of the last finished epoch.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from simulator.cli.inputs import input_path, open_dataset
from simulator.cli.outputs import Output, check_output, messages
from simulator.config import TrainingConfig
from simulator.data import Dataset, Prepared, prepare
from simulator.data.prepare import check_fit
from simulator.errors import DataError, TrainingError
from simulator.io import save_model
from simulator.io.designs import Design, read_design
from simulator.io.model_file import class_names_to_save
from simulator.network import Network, compile_network
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


@dataclass
class Outcome:
    """How a run ended, for the summary."""

    epochs: int = 0
    reason: str = "completed"
    metrics: dict[str, float] = field(default_factory=dict)
    failure: str | None = None
    #: The preprocessing that ran, in words (the summary says it).
    preprocessing: str = ""
    #: (epoch, weights, metrics) as of the last finished epoch (kept only with --out), set
    #: in one assignment so that Ctrl-C never sees half of it.
    checkpoint: tuple[int, dict[str, np.ndarray], dict[str, float]] | None = None


def run_train(args: argparse.Namespace, out: TextIO) -> int:
    log = messages(args)
    output = None
    if args.out:
        output = check_output(args.out, "--out", [("design file", input_path(args.network)),
                                                  ("data file", input_path(args.data))],
                              args.force)
    report = sys.stderr if output is not None and output.kind == "stdout" else out
    design = read_design(args.network)
    spec = design.spec
    config = overrides(spec.training, args)
    spec.set_training(config)
    dataset = _dataset(design, args, log)
    prepared = prepare(dataset, config, spec.input_shape)   # the samples' shape first
    check_fit(spec, dataset)                                 # then the targets
    names = class_names_to_save(spec, dataset)              # a save that would fail, fails now
    network = compile_network(spec, args.backend)
    project = design.project
    if project is not None and project.weights is not None:
        network.set_weights(project.weights)
    trainer = Trainer(network, config, prepared.x_train, prepared.y_train,
                      prepared.x_val, prepared.y_val)
    if project is not None and project.weights is not None and project.restore_trainer(trainer):
        print(f"resuming after epoch {trainer.epoch}", file=log)
    outcome = Outcome(epochs=trainer.epoch, preprocessing=prepared.preprocessor.describe())
    progress = Progress(log)
    try:
        _train(trainer, progress, outcome, keep=output is not None)
    except KeyboardInterrupt:
        progress.close()
        return _interrupted(output, network, prepared, names, outcome)
    finally:
        progress.close()
    if output is not None:
        _save(output, network, prepared, names, outcome.metrics)
    _summary(report, args, outcome, output)
    if outcome.failure is not None:
        kept = f" The last good weights were saved to {output.shown}." if output else ""
        raise TrainingError(outcome.failure + kept)
    return 0


def _dataset(design: Design, args: argparse.Namespace, log: TextIO) -> Dataset:
    """``--data``, else the lesson's or project's own dataset (``--data-option`` applies)."""
    options = dict(args.data_options)
    if args.data is not None:
        return open_dataset(args.data, options, log)
    if design.dataset is not None:
        return open_dataset(design.dataset.source, {**design.dataset.options, **options}, log,
                            design.dataset.edits)
    raise DataError("no data: give --data (a built-in dataset name or a file)")


def _train(trainer: Trainer, progress: Progress, outcome: Outcome, keep: bool) -> None:
    for event in trainer.run():
        if isinstance(event, EpochEnd):
            if keep:   # for Ctrl-C: the model as of this finished epoch
                weights = trainer.network.get_weights()
                outcome.checkpoint = (event.epoch, weights, dict(event.metrics))
            outcome.epochs, outcome.metrics = event.epoch, dict(event.metrics)
        progress(event)
        if isinstance(event, Failed):
            outcome.failure, outcome.reason = event.message, event.reason
        elif isinstance(event, Finished):
            outcome.epochs, outcome.reason = event.epochs_completed, event.reason
            if event.reason != "completed":
                progress.close()
                progress.stream.write(f"stopped after epoch {event.epochs_completed} "
                                      f"({event.reason})\n")


def _interrupted(output: Output | None, network: Network, prepared: Prepared,
                 names: list[str], outcome: Outcome) -> int:
    if output is None:
        print("backprop-studio: interrupted; nothing was saved (no --out given)",
              file=sys.stderr)
    elif outcome.checkpoint is None:
        print("backprop-studio: interrupted before the first epoch finished; nothing was "
              "saved", file=sys.stderr)
    else:
        epoch, weights, metrics = outcome.checkpoint
        network.set_weights(weights)
        _save(output, network, prepared, names, metrics)
        print(f"backprop-studio: interrupted; saved the model as of epoch {epoch} "
              f"(the last finished one) to {output.shown}", file=sys.stderr)
    return 130


def _save(output: Output, network: Network, prepared: Prepared, names: list[str],
          metrics: dict[str, float]) -> None:
    output.save(lambda path: save_model(path, network, preprocessor=prepared.preprocessor,
                                        class_names=names or None, metrics=metrics))


def _summary(report: TextIO, args: argparse.Namespace, outcome: Outcome,
             output: Output | None) -> None:
    final = outcome.metrics
    training = {k: v for k, v in final.items() if k in ("loss", "accuracy")}
    validation = {k[4:]: v for k, v in final.items() if k.startswith("val_")}
    if args.json:
        result: dict[str, Any] = {"epochs": outcome.epochs, "stopped": outcome.reason,
                                  "training": training, "validation": validation or None,
                                  "preprocessing": outcome.preprocessing,
                                  "model": None if output is None else output.shown}
        if outcome.failure is not None:
            result["failure"] = outcome.failure
        print(json.dumps(result, allow_nan=False), file=report)
        return
    if outcome.failure is not None:
        return
    print(f"training:   {format_metrics(training)}", file=report)
    if validation:
        print(f"validation: {format_metrics(validation)}", file=report)
    print(f"preprocessing: {outcome.preprocessing}", file=report)
    if output is not None and output.kind != "stdout":
        print(f"saved {output.shown}", file=report)
