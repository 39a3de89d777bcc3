"""The question asked when Train is pressed on a run that was loaded or has ended."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

CONTINUE, RESTART = "continue", "restart"


def resume_dialog(parent: QWidget | None, epochs_done: int, planned: int) -> QMessageBox:
    more = planned if epochs_done >= planned else planned - epochs_done
    box = QMessageBox(QMessageBox.Icon.Question, "Continue or start again?",
                      f"This network has already trained for {epochs_done} epoch"
                      f"{'s' if epochs_done != 1 else ''}.",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(f"Continue trains {more} more epochs from exactly where it stopped "
                           "(same weights, optimizer state and shuffling). Start again draws "
                           "new random weights and clears the plots.")
    keep = box.addButton("Continue", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Start again", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(keep)
    return box


def answer_of(box: QMessageBox, answers: dict[QMessageBox.ButtonRole, str]) -> str | None:
    """Show ``box`` and return the answer of the role of the button clicked (None for any
    other: Cancel, Escape, closing it)."""
    box.exec()
    clicked = box.clickedButton()
    role = box.buttonRole(clicked) if clicked is not None else None
    box.deleteLater()
    return answers.get(role) if role is not None else None


def ask_resume(parent: QWidget | None, epochs_done: int, planned: int) -> str | None:
    """CONTINUE, RESTART or None (cancelled); the tests replace this function."""
    return answer_of(resume_dialog(parent, epochs_done, planned),
                     {QMessageBox.ButtonRole.AcceptRole: CONTINUE,
                      QMessageBox.ButtonRole.DestructiveRole: RESTART})
