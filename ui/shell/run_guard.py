"""Asking before a trained run is thrown away: the one place of that question.

Every path that would replace the session of a trained run goes through :meth:`RunGuard.confirm`
first: another lesson, design or project (File ▸ New from lesson / Open / Open Recent, the lesson
box, a dropped file), another dataset, and an undo or redo that changes the design the run was
trained on (:meth:`RunGuard.undo_or_redo`). Nothing is asked when nothing has trained, or when
the run is saved as it is now (just saved, or read from its project file and not trained since).
The question itself is :func:`ui.training.discard_prompt.ask_discard`, which tests replace.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ui.training import discard_prompt
from ui.training.session import TrainingSession


class RunGuard:
    """``session()`` is the window's session; ``can_save()`` whether Save would write its run
    now; ``save()`` saves the project (False when it did not)."""

    def __init__(self, parent: QWidget, session: Callable[[], TrainingSession | None],
                 can_save: Callable[[], bool], save: Callable[[], bool]) -> None:
        self.parent, self.session, self.can_save, self.save = parent, session, can_save, save
        self._kept: tuple[TrainingSession, int] | None = None

    def at_stake(self) -> TrainingSession | None:
        """The session whose training would be lost, or None."""
        session = self.session()
        if session is None or session.trainer.step == 0:
            return None
        if self._kept is not None and self._kept == (session, session.trainer.step):
            return None
        return session

    def mark_kept(self) -> None:
        """The current run is in a file as it is now (saved, or read from its project)."""
        session = self.session()
        self._kept = None if session is None else (session, session.trainer.step)

    def confirm(self) -> bool:
        """Ask whether to discard the trained run, if there is one to lose; False means keep
        it (the user cancelled, or chose Save and the save did not happen)."""
        session = self.at_stake()
        if session is None:
            return True
        can_save = self.can_save()
        answer = discard_prompt.ask_discard(self.parent, session.trainer.completed_epochs,
                                            can_save)
        if answer == discard_prompt.SAVE and can_save:
            return self.save()
        return answer == discard_prompt.DISCARD

    def undo_or_redo(self, step: Callable[[], object], back: Callable[[], object],
                     stale: Callable[[], bool]) -> bool:
        """Run ``step`` (an undo or redo), asking first when it would make the trained run
        stale (``stale()`` after it). The step is tried and taken back (``back``) to find out,
        with the question asked on the design as it is; returns whether the step was taken."""
        if self.at_stake() is not None and not stale():
            step()
            would_discard = stale()
            back()
            if would_discard and not self.confirm():
                return False
        step()
        return True
