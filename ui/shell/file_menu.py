"""The File menu: new from a lesson, open, save, export, and the user's own data.

The dialogs live here: each asks, then reads or writes through :mod:`ui.shell.files` and the
engine, and every failure shows the error's message in a dialog and leaves the window as it
was. The menu reaches the design it saves only through the callables of a :class:`Document`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QMessageBox, QWidget

from simulator.data import Dataset, load_dataset, prepare
from simulator.errors import BackpropError, MissingValuesError
from simulator.io import DatasetChoice, Project, export_onnx, save_model, save_project
from simulator.io.model_file import class_names_to_save
from ui.shell.errors import describe
from ui.shell.files import (
    DATA_FILTER,
    MODEL_SUFFIX,
    ONNX_SUFFIX,
    OPEN_FILTER,
    PROJECT_SUFFIX,
    with_suffix,
)
from ui.shell.presets import Preset, available_presets
from ui.training.session import TrainingSession


@dataclass(frozen=True)
class Document:
    """What the File menu reads and changes of the design on screen."""

    #: Where Save writes without asking (None: Save asks, as Save As does).
    path: Callable[[], Path | None]
    #: Before another design replaces this one: ask about unsaved changes or a trained run;
    #: False when the user cancelled.
    confirm_discard: Callable[[], bool]
    #: Open a lesson by name or a design file; False (after a dialog) when it failed.
    open_design: Callable[[str], bool]
    new_from_preset: Callable[[Preset], None]
    #: What Save writes, and whether it leaves out a run that could not be saved now.
    project: Callable[[], tuple[Project, bool]]
    #: The design was saved to this path.
    saved: Callable[[Path], None]
    #: The session whose weights can be exported now, or None.
    trained_session: Callable[[], TrainingSession | None]
    #: Train on this data from now on; False when the user kept the trained run instead.
    set_dataset: Callable[[Dataset, DatasetChoice], bool]


class FileMenu:
    def __init__(self, menu: QMenu, document: Document, status: QLabel, parent: QWidget,
                 quit_app: Callable[[], object]) -> None:
        """Fill ``menu``; dialogs open over ``parent``, results are told on ``status``."""
        self.document, self.status, self.dialog_parent = document, status, parent
        new_menu = menu.addMenu("&New from lesson")
        for preset in available_presets():
            action = new_menu.addAction(preset.title)
            action.setToolTip(preset.description)
            action.triggered.connect(lambda _c=False, p=preset: document.new_from_preset(p))
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
        self._add(menu, "&Quit", quit_app, QKeySequence.StandardKey.Quit)
        self.update_enabled()

    @staticmethod
    def _add(menu: QMenu, text: str, slot: Callable[[], object],
             shortcut: QKeySequence.StandardKey | None = None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def update_enabled(self) -> None:
        trained = self.document.trained_session() is not None
        self.export_model_action.setEnabled(trained)
        self.export_onnx_action.setEnabled(trained)

    def _fail(self, title: str, exc: BaseException) -> None:
        QMessageBox.warning(self.dialog_parent, title, describe(exc))

    # ----- designs and projects ---------------------------------------------------------
    def open(self) -> None:
        if not self.document.confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self.dialog_parent, "Open a project or network", "",
                                              OPEN_FILTER)
        if path:
            self.document.open_design(path)

    def save(self) -> bool:
        path = self.document.path()
        if path is None:
            return self.save_as()
        return self.write_project(path)

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self.dialog_parent, "Save the project", "",
                                              f"Backprop Studio project (*{PROJECT_SUFFIX})")
        return bool(path) and self.write_project(with_suffix(path, PROJECT_SUFFIX))

    def write_project(self, path: Path) -> bool:
        project, run_left_out = self.document.project()
        try:
            save_project(path, project)
        except (BackpropError, OSError) as exc:
            self._fail("Cannot save the project", exc)
            return False
        self.document.saved(path)
        note = (" (the design only: pause training to save the trained weights too)"
                if run_left_out else "")
        self.status.setText(f"Saved {path.name}{note}")
        return True

    # ----- exports ----------------------------------------------------------------------
    def _export(self, what: str, suffix: str, file_filter: str) -> None:
        session = self.document.trained_session()
        if session is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.dialog_parent, f"Export the trained model ({what})", "", file_filter)
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
                class_names = class_names_to_save(spec, session.dataset)
                save_model(target, session.network, preprocessor=preprocessor,
                           class_names=class_names, metrics=metrics)
        except (BackpropError, OSError) as exc:
            self._fail("Cannot export the model", exc)
            return
        self.status.setText(f"Exported {target.name}")

    def export_model(self) -> None:
        self._export("Backprop Studio model", MODEL_SUFFIX,
                     f"Backprop Studio model (*{MODEL_SUFFIX})")

    def export_onnx(self) -> None:
        self._export("ONNX", ONNX_SUFFIX, f"ONNX model (*{ONNX_SUFFIX})")

    # ----- data -------------------------------------------------------------------------
    def open_data_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.dialog_parent, "Open a dataset", "", DATA_FILTER)
        if path:
            self.load_data(path)

    def open_image_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self.dialog_parent, "Open a folder of images (one subfolder per class)")
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
                    self.dialog_parent, "Missing values",
                    f"{describe(exc)}\n\nDrop every row with a missing value and load the rest?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
                if answer != QMessageBox.StandardButton.Yes:
                    return False
                options = {"nan": "drop"}
                dataset = load_dataset(source, **options)
        except (BackpropError, OSError) as exc:
            self._fail("Cannot open the dataset", exc)
            return False
        if not self.document.set_dataset(dataset, DatasetChoice(source, options)):
            return False
        if dataset.warnings:
            QMessageBox.information(self.dialog_parent, "Dataset loaded with notes",
                                    "\n".join(f"• {w}" for w in dataset.warnings))
        return True
