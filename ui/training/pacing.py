"""How often the interface shows what a run sends: turns, and a pace that follows the load.

A small network's training yields some 10,000 events a second and the worker sends them on
in bunches (:data:`FRAME_RATE`); every drawing competes with the training for the one
interpreter lock. Two pieces keep it in check:

* :class:`Turns`: an action (a panel's redraw, the status line) run at most once per period,
  the newest state winning: a call before the turn has come is remembered and run, once, when
  it comes.
* :class:`RedrawPace`: while the training thread is busy, spaces the turns further apart as
  long as the interface thread's own CPU time (``time.thread_time``: drawing, painting,
  handling the worker's sends) exceeds a share of the time, and back to their own period when
  it does not. The two threads take turns at the interpreter lock, so the interface's CPU time
  is the training's loss: a redraw plus its paint costs 5-20 ms for a long loss curve, and at
  Full speed the spiral lesson trained at 0.6x its speed alone. With the pace, a paced speed,
  a quiet run or a cheap panel draws at the full rate, and a costly view at Full speed draws
  less often rather than slowing the training.

Beyond its CPU time, every call from Qt into Python on the interface thread (a timer, a
signal from the worker, an event filter, a paint) takes the interpreter lock from the training
thread in the middle of its work and hands it back: on the project's 2-core machine each such
call cost the training about 0.8 ms (an empty 20 ms timer: 4-5 % of the spiral lesson's speed;
a 10 ms one: 8-10 %). So the live view also keeps the number of those calls low: the worker
sends no more often than a panel redraws (:data:`FRAME_RATE`). And a redraw is such calls by
the dozen: PySide lets go of the lock around most Qt calls, and each time the training takes
it and the interface waits for it back (four curves' ``setData`` took 3.4 ms alone, 112 ms
beside a busy Python thread). :data:`HOLD` is the interface's turn: from a send's handling
or a redraw until the event loop has painted what they drew, the worker waits at its next
event, so the interface draws in one go and the training loses only that time.
"""

from __future__ import annotations

import gc
import math
import threading
import time
from collections.abc import Callable
from time import monotonic

from PySide6.QtCore import QObject, QTimer

#: The interface thread's share of the time while a run keeps a core busy. Each point of it
#: costs the training at least one (the training waits while the interface draws: HOLD), and
#: two before the hold (the spiral lesson at Full speed trained at 0.80x its speed alone with
#: the interface near 9 %, 0.83-0.86x near 6 %; measured in benchmarks/ui_bench.py). At 3 %
#: a costly view at Full speed still redraws a few times a second.
SHARE = 0.03


class RedrawPace:
    """How far apart the turns of the interface's drawing are: ``stretch`` times their own
    period, the stretch following the interface thread's CPU use while training competes
    with it.

    Every ``window`` seconds (of the calls, which come from the interface thread; longer while
    the turns are far apart) the share of that time the thread spent on the CPU is compared
    with ``share``: the stretch is multiplied by their ratio, by no more than 2 or 1/2 at a
    time, within 1 and ``most``, and eases back (by :data:`EASE`) while the share is held to
    within a quarter. The drawing is what the stretch spaces out, so a thread kept busy by it
    settles near the share. Only while the process's other threads (the training) are busy,
    more than half of a core: a run at a paced speed, or none, leaves the CPU free, and the
    drawing then takes the time it takes, at the full rate.
    """

    def __init__(self, share: float = SHARE, most: float = 8.0, window: float = 0.5,
                 wall: Callable[[], float] | None = None,
                 cpu: Callable[[], float] = time.thread_time,
                 process: Callable[[], float] = time.process_time) -> None:
        if not (0.0 < share <= 1.0 and most >= 1.0 and window > 0.0):
            raise ValueError(f"a redraw pace needs 0 < share <= 1, most >= 1 and window > 0, "
                             f"got {share!r}, {most!r}, {window!r}")
        self.share, self.most, self.window = share, most, window
        self._wall = wall or (lambda: monotonic())
        self._cpu, self._process = cpu, process
        self._cpu_since = self._process_since = 0.0
        self.restart()

    def restart(self) -> None:
        """Forget what was measured: the full rate again, measured afresh from the next call."""
        self.stretch = 1.0
        self._since: float | None = None
        self._settled = 1.0
        self._resting = False

    def rest(self) -> None:
        """A run is over: the full rate while nothing trains (scrubbing the run just trained
        must not wait for turns a Full-speed run spaced out), the stretch it settled at kept
        for the next run (:meth:`resume`)."""
        if self.stretch > 1.0:     # (a run that drew at the full rate keeps the last one's)
            self._settled = self.stretch
        self.stretch, self._since, self._resting = 1.0, None, True

    def resume(self) -> None:
        """A run starts: at the stretch the last one settled at, not at the full rate (a
        short run at Full speed would spend its first second drawing), measured afresh. Only
        after :meth:`rest` (a run resumed from a pause goes on as it was)."""
        if self._resting:
            self.stretch, self._since, self._resting = self._settled, None, False

    def period(self, base: float) -> float:
        """The wait between two turns of an action whose own period is ``base`` seconds."""
        now = self._wall()
        if self._since is None:
            self._since, self._cpu_since, self._process_since = now, self._cpu(), self._process()
        elif now - self._since >= max(self.window, 2.0 * base * self.stretch):
            # (a window holds two turns at least: one without any would read as idle)
            cpu, process = self._cpu(), self._process()
            elapsed = now - self._since
            used = (cpu - self._cpu_since) / elapsed
            others = (process - self._process_since - (cpu - self._cpu_since)) / elapsed
            # At most twice, or half, a window; back to the full rate while nothing competes.
            # Near the share (up to a quarter above) it eases back a little: the thread's time
            # is not all drawing, and a stretch that only held the share would stay wherever
            # a costly moment had pushed it.
            ratio = used / self.share if others > 0.5 else 0.0
            change = min(2.0, max(0.5, ratio)) if not 1.0 <= ratio <= 1.25 else EASE
            self.stretch = min(self.most, max(1.0, self.stretch * change))
            self._since, self._cpu_since, self._process_since = now, cpu, process
        return base * self.stretch


#: What the stretch is multiplied by in a window where the thread is near its share.
EASE = 0.85

#: Frames a second of a live view at most: a panel redraws this often at most, and the worker
#: sends no more often (a send between two redraws would only wait for the next one, and each
#: is a call into Python on the interface thread: see the module's notes).
FRAME_RATE = 10.0

#: The pace of the interface thread's drawing (the panels, the status line).
PACE = RedrawPace()

#: The longest the training waits for the interface's turn to end (a safeguard: a turn ends
#: when the event loop has handled what was waiting, normally a few ms).
HOLD_MOST = 0.05


def settle_heap() -> None:
    """Collect the garbage once, then leave every object alive now (the window, its widgets,
    the modules: some 90,000) out of the collector's later passes (``gc.freeze``). A full pass
    over them took 50 ms, with the interpreter lock held: a stall of the drawing and of the
    training alike, every few seconds while a small network trains (its events are many small
    objects); the collector's time while the XOR lesson trained at Full speed went from
    12 ms a second to 4. Once in a process (a later call does nothing): what is frozen is
    never collected as a cycle, so only what lives as long as the window belongs there."""
    if gc.get_freeze_count():
        return
    gc.collect()
    gc.freeze()


def after_paint(action: Callable[[], object], parent: QObject | None = None) -> QTimer:
    """A single-shot timer that runs ``action`` once the event loop has handled every event
    waiting when it is started, the paint of what was just drawn among them (a zero timer
    fires only then): ``start()`` it after drawing."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(action)
    return timer


class TrainingHold:
    """The interface thread's turn at the interpreter: the training thread waits at its next
    event (:meth:`wait`) while a turn lasts. :meth:`frame` begins one (or extends it) until
    the event loop has painted (:func:`after_paint`)."""

    def __init__(self, most: float = HOLD_MOST) -> None:
        self.most = most
        self._free = threading.Event()
        self._free.set()
        #: Whether no turn is on: the training thread's look between two events.
        self.is_free = self._free.is_set
        self._end: QTimer | None = None
        #: How many times the training thread found the interface's turn on and waited, and
        #: for how many seconds in all (what the interface cost it: benchmarks/ui_bench.py).
        self.waited = 0
        self.waited_seconds = 0.0

    @property
    def held(self) -> bool:
        return not self.is_free()

    def frame(self) -> None:
        """Hold the training until the event loop is idle again (call it on the interface
        thread, before drawing)."""
        if self._end is None:
            self._end = after_paint(self._free.set)
        self._free.clear()
        self._end.start()

    def release(self) -> None:
        """End the turn now (a run ending, a test)."""
        if self._end is not None:
            self._end.stop()
        self._free.set()

    def wait(self) -> None:
        """On the training thread: wait while the interface has its turn (at most ``most``
        seconds)."""
        if not self.is_free():
            self.waited += 1
            start = monotonic()
            self._free.wait(self.most)
            self.waited_seconds += monotonic() - start


#: The interface's turn, shared by the worker and every live view.
HOLD = TrainingHold()


class Turns(QObject):
    """Runs ``action`` at most once every ``period()`` seconds: :meth:`due` runs it now if its
    turn has come, else once when it comes (however many calls came meanwhile)."""

    def __init__(self, action: Callable[[], None], period: Callable[[], float],
                 parent: QObject | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self._action, self._period = action, period
        self._clock = clock or (lambda: monotonic())
        self._last = -math.inf
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.due)

    @property
    def waiting(self) -> bool:
        """A call is waiting for its turn."""
        return self._timer.isActive()

    def due(self) -> None:
        wait = self._last + self._period() - self._clock()
        if wait > 0:
            if not self._timer.isActive():
                self._timer.start(math.ceil(1000 * wait))
            return
        self.now()

    def now(self) -> None:
        """Run the action now (what waited is in it), the training held until it is painted
        (:data:`HOLD`); the next turn is a period from now."""
        self._timer.stop()
        self._last = self._clock()
        HOLD.frame()
        self._action()

    def cancel(self) -> None:
        """Forget a waiting call (what it would show was overtaken)."""
        self._timer.stop()
