"""Start the app: ``backprop-studio [PROJECT] [--screenshot OUT.png [--train-seconds S]]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from ui.style.theme import configure_plots

DEFAULT_SIZE = (1280, 800)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, got {text!r}") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"size {text!r} is out of range (200..8000 each way)")
    return width, height


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="backprop-studio",
        description="Build a neural network, train it live and watch it learn. "
                    "Subcommands train/evaluate/predict/export run headless.",
    )
    parser.add_argument("project", nargs="?",
                        help="a project (.bpproj) or network/lesson (.json) file, or a lesson "
                             "name such as spiral or digits_cnn")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="save a picture of the main window and exit")
    parser.add_argument("--train-seconds", type=float, default=0.0, metavar="S",
                        help="with --screenshot: train for S seconds first")
    parser.add_argument("--size", type=_size, default=DEFAULT_SIZE, metavar="WxH",
                        help="window size (default 1280x800)")
    return parser.parse_args(argv)


def run_gui(argv: list[str]) -> int:
    args = parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backprop Studio")
    app.setOrganizationName("Backprop Studio")
    configure_plots()
    from simulator.errors import BackpropError
    from ui.shell.autosave import offer_recovery
    from ui.shell.files import describe, read_design
    from ui.shell.main_window import MainWindow

    window = MainWindow()
    if args.project:
        try:
            opened = read_design(args.project)
        except (BackpropError, OSError) as exc:
            print(f"backprop-studio: error: cannot open '{args.project}': {describe(exc)}",
                  file=sys.stderr)
            return 1
        window.install(opened)
    window.resize(*args.size)
    window.show()
    if args.screenshot:
        return _screenshot(app, window, Path(args.screenshot), args.train_seconds)
    offer_recovery(window, window.autosave.store, window.restore_recovery)
    return app.exec()


def _screenshot(app: QApplication, window, out: Path, train_seconds: float) -> int:
    """Optionally train for a while, then save ``window.grab()`` and return.

    A local event loop (not ``app.exec``/``app.quit``) so that the application can go on
    running other event loops afterwards (the tests call this several times in one process).
    """
    result = {"code": 0}
    loop = QEventLoop()

    def save() -> None:
        app.processEvents()
        if not window.grab().save(str(out)):
            print(f"backprop-studio: error: could not write {out}", file=sys.stderr)
            result["code"] = 1
        loop.quit()

    def stop_then_save() -> None:
        if window.controller.running:
            window.training_finished.connect(lambda _event: QTimer.singleShot(200, save))
            window.controller.stop()
        else:
            QTimer.singleShot(200, save)

    if train_seconds > 0:
        QTimer.singleShot(300, window.train)
        QTimer.singleShot(int(300 + train_seconds * 1000), stop_then_save)
    else:
        QTimer.singleShot(300, save)
    loop.exec()
    window.stop_training()
    window.stack.clear()   # a picture was taken: nothing to save
    window.close()
    window.deleteLater()
    return result["code"]


def main() -> int:
    """Entry point kept for ``python -m ui.app``; the console script is ``ui.launch:main``."""
    return run_gui(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
