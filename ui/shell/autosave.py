"""Autosave and crash recovery: work is never lost to a crash, a kill or a power cut.

Each running app owns one recovery file, ``session-<id>.bpproj`` in the recovery folder (see
:mod:`ui.shell.user_dirs`), guarded by a ``QLockFile`` beside it. The open project (design,
settings, data choice and, once trained, the weights, optimizer state and history) is written
to it atomically every minute and after each run ends. While a run goes on, the weights are
never read from the GUI thread: the autosave asks the session's checkpoint probe
(:mod:`simulator.training.checkpoint`) for a copy at the next epoch end and writes that. A clean
exit removes the file; nothing worth saving (an untouched lesson) removes it too.

At the next start, a recovery file whose lock is stale (its app died) is offered for restoring,
with the time it was saved; a second app running at the same time keeps its own file. The file
is read by the same hostile-safe loader as File ▸ Open; one that cannot be read is moved aside
to ``damaged/`` and the window stays as it was.
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QMessageBox, QWidget

from simulator.errors import BackpropError
from simulator.io import DatasetChoice, Project, load_project, save_project
from simulator.spec import NetworkSpec
from simulator.training.checkpoint import Checkpoint
from simulator.training.events import Kept
from ui.shell.errors import describe
from ui.shell.files import capture_project
from ui.training.resume_prompt import answer_of
from ui.training.session import TrainingSession

INTERVAL_ENV = "BACKPROP_STUDIO_AUTOSAVE_SECONDS"
DEFAULT_INTERVAL_S = 60.0
#: Key of the recovery details in the saved project's free ``settings``.
RECOVERY_KEY = "recovery"
PATTERN = "session-*.bpproj"
#: A live app's lock never goes stale by age (only when its process is gone), within reason.
STALE_LOCK_MS = 2**31 - 1
MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class RecoveryInfo:
    """What the restore offer shows: the project's title, where it came from and when."""

    title: str
    saved_at: datetime
    origin: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "saved_at": self.saved_at.isoformat(timespec="seconds"),
                "origin": None if self.origin is None else str(self.origin)}

    @classmethod
    def read(cls, project: Project, fallback: datetime) -> RecoveryInfo:
        """From a loaded recovery file's settings; anything odd falls back to plain values."""
        data = project.settings.get(RECOVERY_KEY)
        data = data if isinstance(data, dict) else {}
        title = data.get("title")
        title = title[:MAX_TITLE_CHARS] if isinstance(title, str) and title else "Untitled"
        saved_at = fallback
        with contextlib.suppress(TypeError, ValueError):
            saved_at = datetime.fromisoformat(str(data.get("saved_at")))
        origin = data.get("origin")
        path = Path(origin) if isinstance(origin, str) and 0 < len(origin) < 4096 else None
        return cls(title, saved_at, path)


def interval_seconds() -> float:
    """The autosave interval: a minute, or ``$BACKPROP_STUDIO_AUTOSAVE_SECONDS``."""
    text = os.environ.get(INTERVAL_ENV)
    if not text:
        return DEFAULT_INTERVAL_S
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.05 <= value <= 86_400:
        print(f"backprop-studio: {INTERVAL_ENV}={text!r} is not a number of seconds between "
              f"0.05 and 86400; autosaving every {DEFAULT_INTERVAL_S:g} s", file=sys.stderr)
        return DEFAULT_INTERVAL_S
    return value


def _lock(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    lock.setStaleLockTime(STALE_LOCK_MS)
    return lock


class Orphan:
    """A recovery file left by an app that is no longer running, claimed by this one."""

    def __init__(self, path: Path, lock: QLockFile) -> None:
        self.path, self._lock = path, lock

    def load(self) -> tuple[Project, RecoveryInfo]:
        """Read it (a :class:`BackpropError` or ``OSError`` when it is damaged or hostile)."""
        project = load_project(self.path)
        saved = datetime.fromtimestamp(self.path.stat().st_mtime)
        return project, RecoveryInfo.read(project, saved)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self._lock.unlock()

    def release(self) -> None:
        """Leave it for the next start."""
        self._lock.unlock()

    def move_aside(self) -> Path:
        """Move the file to ``damaged/`` (never offered again, kept for a look)."""
        folder = self.path.parent / "damaged"
        folder.mkdir(exist_ok=True)
        target = folder / f"{self.path.stem}-{datetime.now():%Y%m%d-%H%M%S}{self.path.suffix}"
        os.replace(self.path, target)
        self._lock.unlock()
        return target


class RecoveryStore:
    """This app's recovery file in ``directory``, and the ones crashed apps left there."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        name = f"session-{uuid.uuid4().hex}"
        self.path = directory / f"{name}.bpproj"
        self._lock = _lock(directory / f"{name}.lock")
        self._lock.tryLock(0)

    def write(self, project: Project) -> Path:
        return save_project(self.path, project)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """A clean exit: the recovery file and its lock go."""
        self.discard()
        self._lock.unlock()

    def orphans(self) -> list[Orphan]:
        """Recovery files of apps that died, newest first, each claimed by this app."""
        found = []
        files = [p for p in self.directory.glob(PATTERN) if p != self.path]
        for path in sorted(files, key=lambda p: p.stat().st_mtime, reverse=True):
            lock = _lock(path.with_suffix(".lock"))
            if lock.tryLock(0):      # no live owner: its lock was stale or missing
                found.append(Orphan(path, lock))
        return found


def recovery_project(spec: NetworkSpec, choice: DatasetChoice | None,
                     session: TrainingSession | None, *, running: bool, stale: bool,
                     modified: bool, checkpoint: Checkpoint | None) -> Project | None:
    """What to autosave now, or None when there is nothing to lose.

    While a run goes on only a ``checkpoint`` (taken in the training thread) carries the run;
    otherwise the live session is read, as File ▸ Save does.
    """
    trained = session is not None and session.trainer.step > 0
    if not modified and not trained:
        return None
    if running and checkpoint is not None and not stale:
        history: dict[str, list[float | None]] = {k: list(v) for k, v in checkpoint.history.items()}
        return Project(spec.copy(), choice, checkpoint.weights, checkpoint.state, history,
                       forks=list(session.forks) if session is not None else [])
    return capture_project(spec, choice, session, include_run=not running and not stale)


class Autosaver(QObject):
    """Writes the recovery file on a timer, at requested checkpoints and when a run ends."""

    saved = Signal(object)      # the recovery file's Path
    failed = Signal(str)        # why a write failed (the previous file is intact)

    def __init__(self, store: RecoveryStore, capture: Callable[[Checkpoint | None],
                 Project | None], session: Callable[[], TrainingSession | None],
                 running: Callable[[], bool], describe_title: Callable[[], tuple[str,
                 Path | None]], parent: QObject | None = None,
                 interval_s: float | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._capture, self._session, self._running = capture, session, running
        self._title = describe_title
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 * (interval_s or interval_seconds())))
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def watch(self, events: SignalInstance, state_changed: SignalInstance) -> None:
        """Training events (checkpoints arrive in Kept events) and state changes (run ended)."""
        events.connect(self._on_event)
        state_changed.connect(self._on_state)

    def tick(self) -> None:
        session = self._session()
        if self._running() and session is not None and session.checkpoints is not None:
            session.checkpoints.request()     # written when it arrives, at the epoch end
            return
        self.save_now()

    def _on_event(self, event: object) -> None:
        if isinstance(event, Kept):
            checkpoint = event.data.get("checkpoint")
            if isinstance(checkpoint, Checkpoint):
                self.save_now(checkpoint)

    def _on_state(self, state: str) -> None:
        if state == "idle":
            self.save_now()

    def save_now(self, checkpoint: Checkpoint | None = None) -> Path | None:
        """Write the recovery file now (or remove it when there is nothing to lose)."""
        try:
            project = self._capture(checkpoint)
            if project is None:
                self.store.discard()
                return None
            title, origin = self._title()
            project.settings[RECOVERY_KEY] = RecoveryInfo(title, datetime.now(),
                                                          origin).to_dict()
            path = self.store.write(project)
        except (BackpropError, OSError) as exc:
            self.failed.emit(f"Autosave failed: {describe(exc)}")
            return None
        self.saved.emit(path)
        return path

    def close(self) -> None:
        self.timer.stop()
        self.store.close()


# ----- the offer at start ------------------------------------------------------------------
RESTORE, DISCARD, LATER = "restore", "discard", "later"


def restore_dialog(parent: QWidget | None, info: RecoveryInfo, project: Project) -> QMessageBox:
    """The question asked at start (built apart from :func:`ask_restore` for pictures)."""
    epochs = 0
    if project.trainer_state is not None:
        epochs = int(project.trainer_state.get("epoch", 0) or 0)
    trained = f", trained for {epochs} epoch{'s' if epochs != 1 else ''}" if epochs else ""
    origin = f" (from {info.origin.name})" if info.origin is not None else ""
    box = QMessageBox(QMessageBox.Icon.Question, "Restore unsaved work?",
                      f"Backprop Studio did not close normally last time.\n\n"
                      f"'{info.title}'{origin}{trained} was saved automatically on "
                      f"{info.saved_at:%A %d %B %Y at %H:%M:%S}.",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText("Restore it, or discard it for good? (Later keeps it for the next "
                           "start.)")
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    later = box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.setEscapeButton(later)
    return box


def ask_restore(parent: QWidget | None, info: RecoveryInfo, project: Project) -> str:
    """RESTORE, DISCARD or LATER (the tests replace this function)."""
    return answer_of(restore_dialog(parent, info, project),
                     {QMessageBox.ButtonRole.AcceptRole: RESTORE,
                      QMessageBox.ButtonRole.DestructiveRole: DISCARD}) or LATER


def offer_recovery(parent: QWidget | None, store: RecoveryStore,
                   restore: Callable[[Project, RecoveryInfo], bool]) -> bool:
    """Offer what crashed apps left, newest first, until one is restored; True if one was.

    A file that cannot be read is reported, moved aside, and the window is left alone.
    """
    orphans = store.orphans()
    restored = False
    for orphan in orphans:
        if restored:
            orphan.release()
            continue
        try:
            project, info = orphan.load()
        except (BackpropError, OSError) as exc:
            moved = orphan.move_aside()
            QMessageBox.warning(parent, "A recovery file cannot be read",
                                f"Autosaved work from an earlier session cannot be restored: "
                                f"{describe(exc)}\n\nNothing was changed. The file was moved "
                                f"to {moved}.")
            continue
        answer = ask_restore(parent, info, project)
        if answer == RESTORE and restore(project, info):
            orphan.discard()
            restored = True
        elif answer == DISCARD:
            orphan.discard()
        else:
            orphan.release()
    return restored


def install_autosave(parent: QObject, capture: Callable[[Checkpoint | None], Project | None],
                     session: Callable[[], TrainingSession | None], running: Callable[[], bool],
                     title: Callable[[], tuple[str, Path | None]], events: SignalInstance,
                     state_changed: SignalInstance, directory: Path | None = None) -> Autosaver:
    """The window's autosave, watching its training signals."""
    from ui.shell.user_dirs import recovery_dir

    saver = Autosaver(RecoveryStore(directory or recovery_dir()), capture, session, running,
                      title, parent)
    saver.watch(events, state_changed)
    return saver
