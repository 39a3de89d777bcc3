"""The command line's syntax: the subcommands, their options and the argument types.

:data:`COMMANDS` is the one list of subcommands; the ``backprop-studio`` launcher hands a
command line that starts with one of them to :func:`simulator.cli.main`.
"""

from __future__ import annotations

import argparse
import json
import math
import textwrap
from collections.abc import Callable

from simulator.version import __version__

PROG = "backprop-studio"
SPLITS = ("train", "val", "test", "all")
#: Deepest JSON accepted in a ``--data-option`` value.
MAX_OPTION_DEPTH = 8


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


def data_option(text: str) -> tuple[str, object]:
    """Parse ``KEY=VALUE`` for ``--data-option``; numbers, true/false and null are JSON."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE (for example nan=drop), got "
                                         f"{text!r}")
    if _depth(value) > MAX_OPTION_DEPTH:
        raise argparse.ArgumentTypeError(f"the value of '{key.strip()}' is nested more than "
                                         f"{MAX_OPTION_DEPTH} levels deep")
    try:
        parsed: object = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    from simulator.data.stored_options import check_option_values  # loads on use
    from simulator.errors import DataError

    try:
        check_option_values({key.strip(): parsed}, "--data-option")
    except DataError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return key.strip(), parsed


def _depth(text: str) -> int:
    """How deeply ``[`` and ``{`` nest in ``text`` (an upper bound, strings not excluded)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _common() -> argparse.ArgumentParser:
    """The options every subcommand takes."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("-q", "--quiet", action="store_true",
                        help="print only the results (no progress, no warnings)")
    return parent


def _data_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--data-option", dest="data_options", action="append", default=[],
                         type=data_option, metavar="KEY=VALUE",
                         help="a loader option, repeatable: nan=drop, label_column=species, "
                              "task=regression, n=500, noise=0.2 ...")


def _force(command: argparse.ArgumentParser) -> None:
    command.add_argument("--force", action="store_true",
                         help="allow the output to replace one of this run's own input files")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train, evaluate, run and export Backprop Studio networks without the app.",
        epilog="syntax of the commands:\n" + "\n".join(
            textwrap.fill(line, 100, initial_indent="  ", subsequent_indent=" " * 8)
            for line in command_lines()) +
        f"\n\n'{PROG} COMMAND --help' explains a command's options.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (build, summary) in _COMMAND_PARSERS.items():
        build(commands.add_parser(name, help=summary, description=summary,
                                  parents=[_common()]))
    return parser


def _train(train: argparse.ArgumentParser) -> None:
    train.add_argument("network", metavar="DESIGN",
                       help="network or lesson JSON file, .bpproj project, or a lesson name "
                            "such as xor")
    train.add_argument("--data", metavar="DATA",
                       help="built-in dataset name or data file (default: the lesson's or "
                            "project's own dataset)")
    _data_options(train)
    train.add_argument("--epochs", type=_positive_int, metavar="N")
    train.add_argument("--batch-size", type=_positive_int, metavar="B")
    train.add_argument("--lr", type=_learning_rate, metavar="X", help="learning rate")
    train.add_argument("--optimizer", metavar="NAME", help="optimizer, e.g. sgd or adam")
    train.add_argument("--seed", type=_seed, metavar="S")
    train.add_argument("--backend", choices=("numpy", "cupy"), default="numpy")
    train.add_argument("--out", metavar="MODEL.bpmodel",
                       help="save the trained model here ('-': standard output)")
    _force(train)
    train.add_argument("--json", action="store_true",
                       help="print the result as one JSON object")


def _evaluate(evaluate: argparse.ArgumentParser) -> None:
    evaluate.add_argument("model", metavar="MODEL", help=".bpmodel file or network JSON")
    evaluate.add_argument("--data", metavar="DATA", required=True,
                          help="built-in dataset name or data file (labels are matched to "
                               "the model's classes by name)")
    _data_options(evaluate)
    evaluate.add_argument("--split", choices=SPLITS,
                          help="which rows to score: the training or validation part of the "
                               "training's split (same data and seed, same rows), the data's "
                               "own test part, or all. Default: test if the data has one, "
                               "else val for a built-in dataset, else all")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")


def _predict(predict: argparse.ArgumentParser) -> None:
    predict.add_argument("model", metavar="MODEL", help=".bpmodel file or network JSON")
    predict.add_argument("--input", metavar="FILE", required=True,
                         help="CSV of features (no label column; header optional) or .npz "
                              "with X ('-': standard input)")
    predict.add_argument("--output", metavar="FILE",
                         help="write here instead of standard output")
    _force(predict)
    predict.add_argument("--json", action="store_true",
                         help="one JSON object per input row instead of CSV")


def _export(export: argparse.ArgumentParser) -> None:
    export.add_argument("model", metavar="MODEL", help=".bpmodel file or network JSON")
    export.add_argument("--onnx", metavar="OUT.onnx", required=True,
                        help="the ONNX file to write ('-': standard output)")
    _force(export)


_COMMAND_PARSERS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], str]] = {
    "train": (_train, "train a network, lesson or project"),
    "evaluate": (_evaluate, "loss, accuracy and confusion matrix of a model on data"),
    "predict": (_predict, "the model's prediction for each input row"),
    "export": (_export, "export a model to ONNX (opset 17)"),
}
#: The subcommands, in the order ``--help`` lists them.
COMMANDS = tuple(_COMMAND_PARSERS)


def command_lines() -> list[str]:
    """One usage line per subcommand (``backprop-studio train DESIGN [--data DATA] ...``)."""
    lines = []
    for name, (build, _summary) in _COMMAND_PARSERS.items():
        sub = argparse.ArgumentParser(prog=f"{PROG} {name}", parents=[_common()],
                                      add_help=False)
        build(sub)
        lines.append(" ".join(sub.format_usage().split())[len("usage: "):])
    return lines
