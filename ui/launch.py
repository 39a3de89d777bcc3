"""The ``backprop-studio`` entry point.

``backprop-studio train|evaluate|predict|export ...`` runs the headless command line (only
the engine is imported, never Qt); anything else opens the app.
"""

from __future__ import annotations

import os
import sys

CLI_COMMANDS = ("train", "evaluate", "predict", "export")


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in CLI_COMMANDS:
        from simulator.cli import main as cli_main

        return cli_main(args)
    if not _has_display() and not {"-h", "--help"} & set(args):
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
