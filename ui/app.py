"""Start the app: ``backprop-studio [PROJECT] [--theme T] [--presentation] [--panel TITLE]
[--screenshot OUT.png [--train-seconds S] [--scrub STEP]]``.

While the app runs, :mod:`ui.error_log` catches every exception nobody else did: it is logged
with its traceback and shown in one line, and the app stays up. A PROJECT that cannot be opened
is reported the same way and the app opens on the default lesson instead (a screenshot run
exits with status 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ui import error_log
from ui.style.theme import configure_plots
from ui.training.pacing import settle_heap

#: The picture's size when ``--screenshot`` is given without ``--size``.
SCREENSHOT_SIZE = (1280, 800)


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
    parser.add_argument("--theme", choices=["system", "light", "dark"],
                        help="draw in this theme this time (View ▸ Theme keeps a choice "
                             "for every start)")
    parser.add_argument("--presentation", action="store_true",
                        help="start in presentation mode (larger text, for a projector)")
    parser.add_argument("--scrub", type=int, metavar="STEP",
                        help="with --screenshot and --train-seconds: show the run's timeline "
                             "at the last frame at or before STEP")
    parser.add_argument("--size", type=_size, metavar="WxH",
                        help="window size (default: 1280x800, or the whole screen if that is "
                             "smaller; a picture is 1280x800)")
    parser.add_argument("--panel", metavar="TITLE",
                        help="bring this panel to the front, by its tab's title (such as "
                             "Weights or Loss)")
    return parser.parse_args(argv)


def run_gui(argv: list[str]) -> int:
    args = parse_args(argv)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Backprop Studio")
    app.setOrganizationName("Backprop Studio")
    configure_plots()
    restore_hooks = error_log.install()
    try:
        return _run(app, args)
    finally:
        restore_hooks()


def _run(app: QApplication, args: argparse.Namespace) -> int:
    from simulator.errors import BackpropError
    from ui.shell.autosave import offer_recovery
    from ui.shell.errors import describe
    from ui.shell.files import read_design
    from ui.shell.main_window import MainWindow

    window = MainWindow()
    if args.project:
        problem: str | None
        try:
            opened = read_design(args.project)
        except (BackpropError, OSError) as exc:
            problem = describe(exc)
        except Exception as exc:  # anything else: logged, shown in one line
            problem = error_log.unexpected(exc)
        else:
            problem = None
            window.install(opened, args.project)
        if problem is not None:
            message = f"cannot open '{args.project}': {problem}"
            print(f"backprop-studio: error: {message}", file=sys.stderr)
            if args.screenshot:
                window.stack.clear()
                window.close()
                window.deleteLater()
                return 1
            QTimer.singleShot(0, lambda: QMessageBox.warning(window, "Cannot open",
                                                             message[0].upper() + message[1:]))
    if args.theme:
        window.theme.set_choice(args.theme, remember=False)
    if args.panel is not None:
        titles = {panel.title.lower(): panel for panel in window.panels}
        chosen = titles.get(args.panel.strip().lower())
        if chosen is None:
            print(f"backprop-studio: error: no panel is called '{args.panel}'; the panels are: "
                  + ", ".join(panel.title for panel in window.panels), file=sys.stderr)
            window.stack.clear()
            window.close()
            window.deleteLater()
            return 2
        window.panel_tabs.show_panel(chosen)
    size = args.size or (SCREENSHOT_SIZE if args.screenshot else None)
    if size is not None:
        window.resize(*size)
        window.show()
    elif window.fit_to_screen():
        window.show()
    else:
        window.showMaximized()
    if args.presentation:
        window.menus.presentation.setChecked(True)
    QTimer.singleShot(0, settle_heap)      # once the window is up (it takes ~50 ms)
    if args.screenshot:
        return _screenshot(app, window, Path(args.screenshot), args.train_seconds, args.scrub)
    offer_recovery(window, window.autosave.store, window.restore_recovery)
    return app.exec()


def _screenshot(app: QApplication, window, out: Path, train_seconds: float,
                scrub: int | None = None) -> int:
    """Optionally train for a while (and scrub its timeline back to step ``scrub``), then save
    ``window.grab()`` and return.

    A local event loop (not ``app.exec``/``app.quit``) so that the application can go on
    running other event loops afterwards (the tests call this several times in one process).
    """
    result = {"code": 0}
    loop = QEventLoop()

    def save() -> None:
        app.processEvents()
        timeline = window.session.timeline if window.session is not None else None
        if scrub is not None and timeline is not None:
            window.timeline.scrub(timeline.index_at(scrub))
            app.processEvents()
        for panel in window.panel_tabs.in_view():   # a redraw waiting for its turn, now
            panel.catch_up()
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
    window.menus.presentation.setChecked(False)   # the application's font as it was
    window.stack.clear()   # a picture was taken: nothing to save
    window.close()
    window.deleteLater()
    return result["code"]


def main() -> int:
    """Entry point kept for ``python -m ui.app``; the console script is ``ui.launch:main``."""
    return run_gui(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
