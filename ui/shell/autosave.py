"""Autosave and crash recovery: work is never lost to a crash, a kill or a power cut.

Each running app owns one recovery file, ``session-<id>.bpproj`` in the recovery folder (see
:mod:`ui.shell.user_dirs`), guarded by a ``QLockFile`` beside it. The open project (design,
settings, data choice and, once trained, the weights, optimizer state and history) is written
to it atomically every minute and after each run ends. While a run goes on, the weights are
never read from the GUI thread: the autosave asks the session's checkpoint probe
(:mod:`simulator.training.checkpoint`) for a copy at the next epoch end and writes that. A clean
exit removes the file; nothing worth saving (an untouched lesson) removes it too.

Where the work runs: the GUI thread only *captures* the project (a copy that shares no array or
list with the live run, so training may go on meanwhile); serializing it, reading it back and
replacing the file atomically (:func:`simulator.io.save_project`) run in one background writer
thread (:class:`RecoveryWriter`), so the end of a run, a checkpoint or the timer never stalls
the interface. At most one write is in flight; a newer capture replaces one that has not
started, so the file only ever moves forward. ``saved`` and ``failed`` reach the GUI thread
queued. :meth:`Autosaver.save_now` is the one synchronous write, for a caller that needs the
file on disk before it goes on (a restored autosave replaces the orphan it came from). A clean
exit waits for the write in flight, then removes the file and the lock; a crash or kill
mid-write leaves the previous file whole (the replace is atomic).

At the next start, a recovery file whose lock is stale (its app died) is offered for restoring,
with the time it was saved; a second app running at the same time keeps its own file. The file
is read by the same hostile-safe loader as File ▸ Open; one that cannot be read is moved aside
to ``damaged/`` and the window stays as it was.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import os
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QObject, Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QMessageBox, QWidget

from simulator.errors import BackpropError
from simulator.io import DatasetChoice, Project, load_project, save_project
from simulator.spec import NetworkSpec
from simulator.training.checkpoint import Checkpoint
from simulator.training.events import Kept
from ui import error_log
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
    otherwise the live session is read, as File ▸ Save does. What it returns shares nothing
    that the window or a run changes in place (weights, optimizer slots and histories are
    copies, or a checkpoint's, which nobody changes; fork records are never changed either;
    the data choice is copied here), so another thread may write it while training goes on.
    """
    trained = session is not None and session.trainer.step > 0
    if not modified and not trained:
        return None
    if choice is not None:
        choice = dataclasses.replace(choice, options=copy.deepcopy(choice.options))
    if running and checkpoint is not None and not stale:
        history: dict[str, list[float | None]] = {k: list(v) for k, v in checkpoint.history.items()}
        return Project(spec.copy(), choice, checkpoint.weights, checkpoint.state, history,
                       forks=list(session.forks) if session is not None else [])
    return capture_project(spec, choice, session, include_run=not running and not stale)


@dataclass(eq=False)
class RecoveryWrite:
    """One write of a recovery file (``project`` None: remove it, there is nothing to lose),
    and how it went once :attr:`done` is set."""

    store: RecoveryStore
    project: Project | None
    #: Whether the writer tells the GUI thread (a synchronous caller reports it itself).
    announce: bool = True
    done: threading.Event = field(default_factory=threading.Event)
    path: Path | None = None
    error: str | None = None

    def run(self) -> None:
        try:
            if self.project is None:
                self.store.discard()
            else:
                self.path = self.store.write(self.project)
        except (BackpropError, OSError) as exc:
            self.error = f"Autosave failed: {describe(exc)}"
        except Exception as exc:  # a bug: logged, reported in one line, the writer goes on
            self.error = f"Autosave failed with {error_log.unexpected(exc)}"
        finally:
            self.done.set()


class RecoveryWriter:
    """The one background thread that runs :class:`RecoveryWrite` s, newest only.

    :meth:`submit` hands over a write; one that has not started yet is dropped for it (it is
    older). The thread starts with the first write and ends when nothing is left, so an app
    that quits without :meth:`close` still finishes what it was given. ``finished`` is called
    in that thread after each write.
    """

    def __init__(self, finished: Callable[[RecoveryWrite], None]) -> None:
        self._finished = finished
        self._condition = threading.Condition()
        self._pending: RecoveryWrite | None = None
        self._thread: threading.Thread | None = None
        self.closed = False

    def submit(self, write: RecoveryWrite) -> bool:
        """Queue ``write`` (False, and nothing happens, once closed)."""
        with self._condition:
            if self.closed:
                return False
            if self._pending is not None:
                self._pending.done.set()          # superseded: never written
            self._pending = write
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="autosave-writer")
                self._thread.start()
            return True

    def _run(self) -> None:
        while True:
            with self._condition:
                write, self._pending = self._pending, None
                if write is None:
                    self._thread = None
                    self._condition.notify_all()
                    return
            write.run()
            self._finished(write)

    def wait(self) -> None:
        """Until every write handed over is done."""
        with self._condition:
            while self._thread is not None:
                self._condition.wait()

    def close(self) -> None:
        """Take no more writes, drop the one not started, wait for the one in flight."""
        with self._condition:
            self.closed = True
            if self._pending is not None:
                self._pending.done.set()
                self._pending = None
        self.wait()


class Autosaver(QObject):
    """Writes the recovery file on a timer, at requested checkpoints and when a run ends
    (captured here, written by a :class:`RecoveryWriter`)."""

    saved = Signal(object)      # the recovery file's Path
    failed = Signal(str)        # why a write failed (the previous file is intact)
    _written = Signal(object)   # a RecoveryWrite, from the writer thread

    def __init__(self, store: RecoveryStore, capture: Callable[[Checkpoint | None],
                 Project | None], session: Callable[[], TrainingSession | None],
                 running: Callable[[], bool], describe_title: Callable[[], tuple[str,
                 Path | None]], parent: QObject | None = None,
                 interval_s: float | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._capture, self._session, self._running = capture, session, running
        self._title = describe_title
        self._closed = False
        self._written.connect(self._announce, Qt.ConnectionType.QueuedConnection)
        self.writer = RecoveryWriter(self._from_writer)
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
        self.save_soon()

    def _on_event(self, event: object) -> None:
        if isinstance(event, Kept):
            checkpoint = event.data.get("checkpoint")
            if isinstance(checkpoint, Checkpoint):
                self.save_soon(checkpoint)

    def _on_state(self, state: str) -> None:
        if state == "idle":
            self.save_soon()

    def save_soon(self, checkpoint: Checkpoint | None = None) -> None:
        """Capture the project now and write it in the background (``saved`` or ``failed``
        follow, unless a newer capture replaces this one before its write starts)."""
        write = self._capture_write(checkpoint, announce=True)
        if write is not None:
            self.writer.submit(write)

    def save_now(self, checkpoint: Checkpoint | None = None) -> Path | None:
        """Write the recovery file before returning (or remove it when there is nothing to
        lose); its path, or None. Waits for a write in flight; one not started is dropped."""
        write = self._capture_write(checkpoint, announce=False)
        if write is None or not self.writer.submit(write):
            return None
        write.done.wait()
        self._announce(write)
        return write.path

    def _capture_write(self, checkpoint: Checkpoint | None, *,
                       announce: bool) -> RecoveryWrite | None:
        if self._closed:
            return None            # a clean exit removed the file: nothing may bring it back
        try:
            project = self._capture(checkpoint)
        except (BackpropError, OSError) as exc:
            self.failed.emit(f"Autosave failed: {describe(exc)}")
            return None
        if project is not None:
            title, origin = self._title()
            project.settings[RECOVERY_KEY] = RecoveryInfo(title, datetime.now(),
                                                          origin).to_dict()
        return RecoveryWrite(self.store, project, announce)

    def _from_writer(self, write: RecoveryWrite) -> None:
        if write.announce:
            with contextlib.suppress(RuntimeError):     # the window is already gone
                self._written.emit(write)

    def _announce(self, write: RecoveryWrite) -> None:
        if self._closed:
            return
        if write.error is not None:
            self.failed.emit(write.error)
        elif write.path is not None:
            self.saved.emit(write.path)

    def close(self) -> None:
        """A clean exit: the write in flight ends, then the file and its lock go; nothing is
        written after this."""
        self._closed = True
        self.timer.stop()
        self.writer.close()
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
