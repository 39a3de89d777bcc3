"""Running one command: parse the command line, call the command, and turn whatever goes
wrong into one line on stderr and an exit status.

Exit status: 0 done, 1 failed (the message says why), 2 a malformed command line, 130
interrupted (Ctrl-C). Errors the engine raises on purpose print their own message; anything
else (``MemoryError``, ``RecursionError``, a bug) prints one line naming a log file that holds
the details (:mod:`simulator.io.error_log`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from simulator.cli.evaluate import run_evaluate
from simulator.cli.parser import PROG, build_parser
from simulator.cli.predict import run_export, run_predict
from simulator.cli.train import run_train
from simulator.errors import BackpropError
from simulator.io.error_log import write_error_log

Handler = Callable[[argparse.Namespace, TextIO], int]
HANDLERS: dict[str, Handler] = {"train": run_train, "evaluate": run_evaluate,
                                "predict": run_predict, "export": run_export}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (see the module docstring)."""
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(words)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return int(HANDLERS[args.command](args, sys.stdout))
    except BackpropError as exc:
        return _fail(_one_line(str(exc)) or type(exc).__name__)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:   # the reader went away (``predict ... | head``): stop quietly
        _silence_stdout()
        return 1
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        return _fail(f"{exc.strerror or type(exc).__name__}{where}")
    except MemoryError as exc:
        return _fail("ran out of memory; try a smaller --batch-size, fewer samples or a "
                     "smaller network", _logged(exc, words))
    except RecursionError as exc:
        return _fail("a file or option is nested too deeply to read", _logged(exc, words))
    except Exception as exc:
        return _fail(f"internal error ({type(exc).__name__}: {_one_line(str(exc))})",
                     _logged(exc, words))


def _fail(message: str, log: str = "") -> int:
    print(f"{PROG}: error: {message}{log}", file=sys.stderr)
    return 1


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _logged(error: BaseException, words: list[str]) -> str:
    path = write_error_log(error, f"{PROG} {shlex.join(words)}")
    return f"; the details are in {path}" if path else ""


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
