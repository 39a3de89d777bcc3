"""The File menu: new from a lesson, open, save, export, and the user's own data.

Dialogs live here; reading files lives in :mod:`ui.shell.files`. Every failure shows the error's
message in a dialog and leaves the window as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from simulator.data import prepare
from simulator.errors import BackpropError, MissingValuesError
from simulator.io import DatasetChoice, export_onnx, save_model, save_project
from ui.datasets import load_dataset
from ui.shell.files import (
    DATA_FILTER,
    MODEL_SUFFIX,
    ONNX_SUFFIX,
    OPEN_FILTER,
    PROJECT_SUFFIX,
    capture_project,
    describe,
    with_suffix,
)
from ui.shell.presets import available_presets

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow


class FileMenu:
    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        self.window = window
        new_menu = menu.addMenu("&New from lesson")
        for preset in available_presets():
            action = new_menu.addAction(preset.title)
            action.setToolTip(preset.description)
            action.triggered.connect(lambda _c=False, p=preset: window.new_from_preset(p))
        self.open_action = self._add(menu, "&Open…", self.open, QKeySequence.StandardKey.Open)
        self.recent_menu = menu.addMenu("Open &Recent")
        self.save_action = self._add(menu, "&Save", self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = self._add(menu, "Save &As…", self.save_as,
                                        QKeySequence.StandardKey.SaveAs)
        menu.addSeparator()
        self._add(menu, "Open &dataset file…", self.open_data_file)
        self._add(menu, "Open &image folder…", self.open_image_folder)
        menu.addSeparator()
        self.export_model_action = self._add(menu, "Export trained &model…", self.export_model)
        self.export_onnx_action = self._add(menu, "Export trained model as O&NNX…",
                                            self.export_onnx)
        self.slides_menu = menu.addMenu("Export for s&lides")
        menu.addSeparator()
        self._add(menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)
        self.update_enabled()

    def _add(self, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def update_enabled(self) -> None:
        trained = self.window.trained_session() is not None
        self.export_model_action.setEnabled(trained)
        self.export_onnx_action.setEnabled(trained)

    def _fail(self, title: str, exc: BaseException) -> None:
        QMessageBox.warning(self.window, title, describe(exc))

    # ----- designs and projects ---------------------------------------------------------
    def open(self) -> None:
        if not self.window.confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a project or network", "",
                                              OPEN_FILTER)
        if path:
            self.window.open_path(path)

    def save(self) -> bool:
        if self.window.project_path is None:
            return self.save_as()
        return self.write_project(self.window.project_path)

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the project", "",
                                              f"Backprop Studio project (*{PROJECT_SUFFIX})")
        return bool(path) and self.write_project(with_suffix(path, PROJECT_SUFFIX))

    def write_project(self, path: Path) -> bool:
        window = self.window
        include_run = window.controller.state != "running" and not window.session_is_stale()
        project = capture_project(window.spec, window.dataset_choice, window.session,
                                  include_run)
        try:
            save_project(path, project)
        except (BackpropError, OSError) as exc:
            self._fail("Cannot save the project", exc)
            return False
        window.mark_clean(path)
        note = "" if include_run or window.session is None else (
            " (the design only: pause training to save the trained weights too)")
        window.status_label.setText(f"Saved {path.name}{note}")
        return True

    # ----- exports ----------------------------------------------------------------------
    def _export(self, what: str, suffix: str, file_filter: str) -> None:
        session = self.window.trained_session()
        if session is None:
            return
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export the trained model ({what})",
                                              "", file_filter)
        if not path:
            return
        target = with_suffix(path, suffix)
        try:
            spec = session.spec
            preprocessor = prepare(session.dataset, spec.training, spec.input_shape).preprocessor
            if suffix == ONNX_SUFFIX:
                export_onnx(session.network, target, preprocessor)
            else:
                metrics = {k: v[-1] for k, v in session.trainer.history.items() if v}
                class_names = (session.dataset.class_names
                               if session.dataset.task == "classification" else None)
                save_model(target, session.network, preprocessor=preprocessor,
                           class_names=class_names, metrics=metrics)
        except (BackpropError, OSError) as exc:
            self._fail("Cannot export the model", exc)
            return
        self.window.status_label.setText(f"Exported {target.name}")

    def export_model(self) -> None:
        self._export("Backprop Studio model", MODEL_SUFFIX,
                     f"Backprop Studio model (*{MODEL_SUFFIX})")

    def export_onnx(self) -> None:
        self._export("ONNX", ONNX_SUFFIX, f"ONNX model (*{ONNX_SUFFIX})")

    # ----- data -------------------------------------------------------------------------
    def open_data_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a dataset", "", DATA_FILTER)
        if path:
            self.load_data(path)

    def open_image_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self.window, "Open a folder of images (one subfolder per class)")
        if path:
            self.load_data(path)

    def load_data(self, source: str) -> bool:
        """Load a built-in or a file; on failure say why and keep the current data.

        A file with missing cells is offered again with those rows dropped; anything the
        loader skipped or guessed is reported once the data is in.
        """
        options: dict[str, str] = {}
        try:
            try:
                dataset = load_dataset(source)
            except MissingValuesError as exc:
                answer = QMessageBox.question(
                    self.window, "Missing values",
                    f"{describe(exc)}\n\nDrop every row with a missing value and load the rest?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
                if answer != QMessageBox.StandardButton.Yes:
                    return False
                options = {"nan": "drop"}
                dataset = load_dataset(source, options)
        except (BackpropError, OSError) as exc:
            self._fail("Cannot open the dataset", exc)
            return False
        self.window.set_dataset(dataset, DatasetChoice(source, options))
        if dataset.warnings:
            QMessageBox.information(self.window, "Dataset loaded with notes",
                                    "\n".join(f"• {w}" for w in dataset.warnings))
        return True
