"""The question asked before something would throw a trained run away: another lesson, file or
dataset, or an undo or redo that changes the design the run was trained on."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.training.resume_prompt import answer_of

DISCARD, SAVE = "discard", "save"


def discard_dialog(parent: QWidget | None, epochs_done: int, can_save: bool) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, "Discard the trained run?",
                      f"This network has trained for {epochs_done} epoch"
                      f"{'s' if epochs_done != 1 else ''}. Discard the trained run?",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText("Discard throws its weights and plots away. "
                           + ("Save project… keeps them in a project file first. "
                              if can_save else "")
                           + "Cancel leaves everything as it is.")
    box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    if can_save:
        box.addButton("Save project…", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    return box


def ask_discard(parent: QWidget | None, epochs_done: int, can_save: bool) -> str | None:
    """DISCARD, SAVE (only offered when ``can_save``) or None (cancelled); the tests replace
    this function."""
    return answer_of(discard_dialog(parent, epochs_done, can_save),
                     {QMessageBox.ButtonRole.DestructiveRole: DISCARD,
                      QMessageBox.ButtonRole.AcceptRole: SAVE})
