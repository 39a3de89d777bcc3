"""Backprop Studio's command line: train, evaluate, predict and export without Qt.

    backprop-studio train resources/examples/spiral_mlp.json --data spiral --out spiral.bpmodel
    backprop-studio evaluate spiral.bpmodel --data spiral --json
    backprop-studio predict spiral.bpmodel --input points.csv --output predictions.csv
    backprop-studio export spiral.bpmodel --onnx spiral.onnx

(``python -m simulator.cli ...`` works the same.) Problems with the user's files or settings
print one line, ``backprop-studio: error: <message>``, and exit with status 1; a malformed
command line exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import numpy as np

from simulator.cli.inputs import data_option, format_rows, load_runnable, open_dataset, read_inputs
from simulator.cli.train import run_train
from simulator.errors import BackpropError, DataError
from simulator.io import LoadedModel, atomic_write_text, export_onnx
from simulator.training.metrics import n_classes_of
from simulator.training.trainer import Trainer

PROG = "backprop-studio"
COMMANDS = ("train", "evaluate", "predict", "export")


def _int_at_least(low: int, wording: str) -> Callable[[str], int]:
    """An argparse type for whole numbers >= ``low``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low:
            raise argparse.ArgumentTypeError(f"expected {wording}, got {text!r}")
        return value

    return parse


_positive_int = _int_at_least(1, "a positive integer")
_seed = _int_at_least(0, "an integer >= 0")


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _data_option(text: str) -> tuple[str, object]:
    try:
        return data_option(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_data_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--data-option", dest="data_options", action="append", default=[],
                         type=_data_option, metavar="KEY=VALUE",
                         help="a loader option, repeatable: nan=drop, label_column=species, "
                              "size=16, n=500, noise=0.2 ...")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Train, evaluate, run and export "
                                     "Backprop Studio networks without the app.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser("train", help="train a network JSON file or a .bpproj project")
    train.add_argument("network", metavar="NETWORK", help="network JSON or .bpproj project")
    train.add_argument("--data", metavar="DATA", help="built-in dataset name or data file")
    _add_data_options(train)
    train.add_argument("--epochs", type=_positive_int, metavar="N")
    train.add_argument("--batch-size", type=_positive_int, metavar="B")
    train.add_argument("--lr", type=_learning_rate, metavar="X", help="learning rate")
    train.add_argument("--optimizer", metavar="NAME", help="optimizer, e.g. sgd or adam")
    train.add_argument("--seed", type=_seed, metavar="S")
    train.add_argument("--backend", choices=("numpy", "cupy"), default="numpy")
    train.add_argument("--out", metavar="MODEL.bpmodel", help="save the trained model here")
    train.set_defaults(handler=run_train)
    evaluate = commands.add_parser("evaluate", help="loss, accuracy and confusion matrix")
    evaluate.add_argument("model", metavar="MODEL", help=".bpmodel file or network JSON")
    evaluate.add_argument("--data", metavar="DATA", required=True)
    _add_data_options(evaluate)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(handler=run_evaluate)
    predict = commands.add_parser("predict", help="one output row per input row")
    predict.add_argument("model", metavar="MODEL", help=".bpmodel file or network JSON")
    predict.add_argument("--input", metavar="FILE", required=True,
                         help="CSV of features (no label column) or .npz with X")
    predict.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    predict.set_defaults(handler=run_predict)
    export = commands.add_parser("export", help="export to ONNX (opset 17)")
    export.add_argument("model", metavar="MODEL", help=".bpmodel file or network JSON")
    export.add_argument("--onnx", metavar="OUT.onnx", required=True)
    export.set_defaults(handler=run_export)
    return parser


def evaluate_model(model: LoadedModel, x: Any, y: Any) -> dict[str, Any]:
    """Loss (and accuracy, confusion matrix) of ``model`` on RAW samples ``x``."""
    network = model.network
    inputs = model.preprocess(x)
    targets = _check_targets(model, np.asarray(y), len(inputs))
    trainer = Trainer(network, network.spec.training, inputs, targets)
    loss, accuracy, confusion = trainer.evaluate(inputs, targets)
    result: dict[str, Any] = {"samples": len(inputs),
                              "loss": loss if math.isfinite(loss) else None}
    if accuracy is not None and confusion is not None:
        result["accuracy"] = accuracy
        result["confusion_matrix"] = confusion.tolist()
        result["class_names"] = model.class_names or [str(i) for i in range(len(confusion))]
    return result


def _check_targets(model: LoadedModel, y: np.ndarray, n: int) -> np.ndarray:
    out_shape = model.network.infos[-1].output_shape
    if len(y) != n:
        raise DataError(f"{n} samples but {len(y)} targets")
    if model.task != "classification":
        if y.reshape(n, -1).shape[1] != math.prod(out_shape):
            raise DataError(f"targets have {y.reshape(n, -1).shape[1]} values per sample, the "
                            f"model outputs {list(out_shape)}")
        return y
    classes = n_classes_of(out_shape)
    if y.ndim == 2 and y.shape[1] == classes and classes > 1:
        return y
    if y.ndim != 1 or y.dtype.kind not in "iub" or (n and not 0 <= y.min() <= y.max() < classes):
        raise DataError(f"the data's labels do not fit this model, which has {classes} "
                        f"classes (labels must be whole numbers 0..{classes - 1})")
    return y


def run_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    model = load_runnable(args.model)
    dataset = open_dataset(args.data, dict(args.data_options))
    if dataset.x_test is not None and dataset.y_test is not None:
        result = {"split": "test", **evaluate_model(model, dataset.x_test, dataset.y_test)}
    else:
        result = {"split": "all", **evaluate_model(model, dataset.x, dataset.y)}
    if args.json:
        print(json.dumps(result, allow_nan=False), file=out)
        return 0
    loss = "n/a" if result["loss"] is None else f"{result['loss']:.4f}"
    print(f"samples   {result['samples']} ({result['split']})\nloss      {loss}", file=out)
    if "accuracy" in result:
        print(f"accuracy  {result['accuracy']:.4f}", file=out)
        print(_confusion_table(result["confusion_matrix"], result["class_names"]), file=out)
    return 0


def _confusion_table(matrix: list[list[int]], names: list[str]) -> str:
    labels = [str(n) for n in names]
    width = max([len(s) for s in labels] + [len(str(v)) for row in matrix for v in row]) + 2
    lines = ["confusion matrix (rows: true class, columns: predicted class)",
             " " * width + "".join(s.rjust(width) for s in labels)]
    lines += [label.rjust(width) + "".join(str(v).rjust(width) for v in row)
              for label, row in zip(labels, matrix, strict=True)]
    return "\n".join(lines)


def run_predict(args: argparse.Namespace, out: TextIO) -> int:
    model = load_runnable(args.model)
    text = format_rows(model.predict(read_inputs(args.input)))
    if args.output:
        atomic_write_text(args.output, text)
    else:
        out.write(text)
    return 0


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    export_onnx(load_runnable(args.model), args.onnx)
    print(f"wrote {args.onnx} (ONNX opset 17)", file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 failed, 2 bad command line)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return int(args.handler(args, sys.stdout))
    except (BackpropError, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130

