"""The ``backprop-studio`` entry point.

``backprop-studio train|evaluate|predict|export ...`` (and ``--version``) runs the headless
command line, :mod:`simulator.cli` (only the engine is imported, never Qt); anything else opens
the app. ``--help`` shows the app's options and the commands' syntax. A first word the app
cannot open (no such file or lesson) that is close to a command, or any such word on a machine
without a display, goes to the command line, which says which commands there are.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import textwrap

from simulator.cli import COMMANDS, PROG, command_lines
from simulator.cli import main as cli_main


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _meant_as_command(word: str) -> bool:
    """``word`` is no file or lesson the app could open, and looks like a (mistyped) command."""
    if word.startswith("-") or os.path.lexists(word):
        return False
    from simulator.io.designs import lesson_names

    if word in lesson_names():
        return False
    return not _has_display() or bool(difflib.get_close_matches(word, COMMANDS, n=1))


def _help() -> int:
    from ui.app import parse_args

    with contextlib.suppress(SystemExit):   # argparse exits after printing the help
        parse_args(["--help"])
    print("\ncommands (headless, no display needed):")
    for line in command_lines():
        print(textwrap.fill(line, 100, initial_indent="  ", subsequent_indent=" " * 8))
    print(f"\n'{PROG} COMMAND --help' explains a command's options.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and (args[0] in COMMANDS or args[0] == "--version" or _meant_as_command(args[0])):
        return cli_main(args)
    if {"-h", "--help"} & set(args):
        return _help()
    if not _has_display():
        if "--screenshot" in args:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        else:
            print(
                "backprop-studio: error: no display found. Run it on a desktop session, "
                "or under a virtual screen: xvfb-run -a backprop-studio, or take a picture "
                "without a screen: backprop-studio --screenshot shot.png",
                file=sys.stderr,
            )
            return 1
    from ui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
