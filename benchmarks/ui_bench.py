"""How the interface holds up while a lesson trains: event-loop lateness, panel cost, throughput.

    python benchmarks/ui_bench.py                                 # spiral + digits CNN, ~5 min
    python benchmarks/ui_bench.py --lessons spiral --epochs 2000 --neighbours 1
    python benchmarks/ui_bench.py --lessons all --epochs 60 --neighbours 1 --no-controls
    python benchmarks/ui_bench.py --lessons all --panels "" --repeats 5 --no-controls
    python benchmarks/ui_bench.py --startup-only

It opens the real main window (offscreen), and for every lesson asked for:

* **headless**: the same design on the same data trained with the engine alone (no probes, no
  Qt: what ``backprop-studio train`` does), one BLAS thread like the app's worker, for a few
  seconds before and after every app run; their steps per second are that run's reference
  (a shared machine's load changes from minute to minute).
* **one run per view**: Reset, then train the lesson for ``--epochs`` epochs at Full speed with
  one panel in view (the other tab stack hidden), panel after panel, and once with the lesson's
  own default view. A 20 ms precise ``QTimer`` records how late the event loop answers
  (p50/p95/max, and p95 in the first and last third of the run: the growth with history).
  Each panel's ``on_batches``/``on_event``/``on_done``/``redraw`` and the painting of its
  plots are timed: ``ms/s`` is the interface thread's time spent on that panel per second of
  training. The throughput ratio is the run's steps per second over the headless rate.
  ``interface CPU`` is the interface thread's CPU time over the run's (``time.thread_time``):
  the two threads take turns at the interpreter lock, so it is about what the training lost to
  the interface, and unlike the ratio it hardly depends on what else the machine runs. The
  redraw stretch is how far apart :data:`ui.training.pacing.PACE` spaced the panels' redraws.
* **the default view without instruments** (``default view, no meter``; skip with
  ``--no-plain``): the same run with no lateness meter and no panel timing, the throughput a
  user gets. Every call into Python on the interface thread takes the interpreter lock from the
  training, and on the project's 2-core machine each costs it about 0.8 ms: the meter's 50
  a second cost about 5 % of the training's speed. ``--repeats N`` runs it N times, each
  between two headless blocks, and prints their median ratio and range: on a shared machine
  one run's ratio varies by 0.05 and more, so that median is the throughput to quote
  (``--panels ""`` leaves out the instrumented runs: only these).
* **controls**: a long run at Full speed builds up history, then at each speed (Full, Normal,
  Slow) a click on a panel tab is posted into the event queue (time until the panel painted),
  Pause (time until no more batches reach the panels), Resume, and Stop (time until the
  window has handled the end of the run).

``--neighbours 0,1`` repeats everything without and with one CPU-bound neighbour process (a
busy loop, killed at the end), the normal state of a classroom laptop. ``--startup`` measures
the time from starting a fresh process to the first paint of the main window (median of 3),
on the machine as it is (run it with no neighbour), and which heavy modules were loaded.

Targets (checked here, never by timed tests): Stop, Pause and tab switches within 100 ms;
p95 lateness < 50 ms per panel with one neighbour; last third no worse than the first;
throughput at Full speed >= 0.85x headless; first window within 2 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

TICK_MS = 20.0
DEFAULT_EPOCHS = {"spiral": 2000, "digits_cnn": 150}
TIMED_METHODS = ("on_batches", "on_event", "on_done", "redraw")
SPEEDS = ("Full speed", "Normal", "Slow (class demo)")
HEAVY_MODULES = ("sklearn", "onnx", "scipy", "ui.experiments.window")


# ----- measuring ---------------------------------------------------------------------------
def percentiles(values: list[float] | np.ndarray) -> dict[str, float]:
    a = np.asarray(values, dtype=float)
    if a.size == 0:
        return {"p50": float("nan"), "p95": float("nan"), "max": float("nan"), "n": 0}
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)),
            "max": float(a.max()), "n": int(a.size)}


class Lateness:
    """A 20 ms precise timer: how late each tick comes, in ms, with the time it came."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(int(TICK_MS))
        self.timer.timeout.connect(self._tick)
        self.ticks: list[float] = []

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def samples(self) -> tuple[np.ndarray, np.ndarray]:
        """(tick times, lateness in ms) for every tick after the first."""
        t = np.asarray(self.ticks)
        if t.size < 2:
            return np.empty(0), np.empty(0)
        return t[1:], np.maximum(np.diff(t) * 1000.0 - TICK_MS, 0.0)


class PanelTimes:
    """Times every panel's update methods and the painting of the plots inside it."""

    def __init__(self, panels: list[Any]) -> None:
        import pyqtgraph as pg

        self.busy: dict[str, float] = defaultdict(float)
        self.calls: dict[str, list[float]] = defaultdict(list)
        self.paints: dict[str, list[float]] = defaultdict(list)
        self.enabled = False
        for panel in panels:
            for name in TIMED_METHODS:
                if hasattr(panel, name):
                    setattr(panel, name, self._timed(panel.title, getattr(panel, name)))
        self._owner: dict[int, str | None] = {}
        self._panels = panels
        original = pg.GraphicsView.paintEvent
        times = self

        def paint(view: Any, event: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(view, event)
            finally:
                times._painted(view, time.perf_counter() - start)

        pg.GraphicsView.paintEvent = paint

    def _timed(self, title: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                if self.enabled:
                    elapsed = time.perf_counter() - start
                    self.calls[title].append(elapsed)
                    self.busy[title] += elapsed
        return timed

    def _painted(self, view: Any, elapsed: float) -> None:
        if not self.enabled:
            return
        key = id(view)
        if key not in self._owner:
            self._owner[key] = next((p.title for p in self._panels if p.isAncestorOf(view)),
                                    None)
        title = self._owner[key]
        if title is not None:
            self.paints[title].append(elapsed)
            self.busy[title] += elapsed

    def clear(self) -> None:
        self.busy.clear()
        self.calls.clear()
        self.paints.clear()


@contextmanager
def neighbours(count: int) -> Iterator[None]:
    """``count`` CPU-bound processes beside the benchmark, killed at the end (also when the
    benchmark is stopped with SIGTERM or Ctrl+C)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
             for _ in range(count)]
    try:
        time.sleep(0.3 if procs else 0.0)
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def wait_until(app: Any, done: Callable[[], bool], timeout: float, poll_ms: int = 10) -> bool:
    """Run the event loop (as the app does) until ``done()`` or ``timeout`` seconds, looking
    every ``poll_ms``."""
    from PySide6.QtCore import QEventLoop, QTimer

    end = time.perf_counter() + timeout
    if done():
        return True
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(poll_ms)
    poll.timeout.connect(lambda: loop.quit() if done() or time.perf_counter() > end else None)
    poll.start()
    loop.exec()
    poll.stop()
    return done()


def wait_for(signal: Any, timeout: float) -> None:
    """Run the event loop until ``signal`` is emitted or ``timeout`` seconds have passed. A
    training run measured is waited for this way, not by looking every few ms: each look is
    a call into Python on the interface thread, which takes the interpreter lock from the
    training (an empty 20 ms timer cost the spiral lesson about 4 % of its speed: so does
    the lateness meter, hence the run without it)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(1000 * timeout), loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def spin(app: Any, seconds: float) -> None:
    wait_until(app, lambda: False, seconds)


# ----- the app and the headless reference ----------------------------------------------------
def lesson_preset(key: str, epochs: int) -> Any:
    from ui.shell.presets import load_preset

    preset = load_preset(key)
    network = json.loads(json.dumps(preset.network))
    network.setdefault("training", {})["epochs"] = int(epochs)
    return dataclasses.replace(preset, network=network)


def headless_rate(key: str, epochs: int, seconds: float) -> tuple[float, int]:
    """(steps per second, steps per epoch) of the lesson trained by the engine alone, as the
    command line does: in a process of its own (no Qt, nothing left over from the app's runs:
    in the app's process the same loop ran 2-3x slower after a run, with a busy neighbour)."""
    out = subprocess.run([sys.executable, __file__, "--headless-child", key, str(epochs),
                          str(seconds)], capture_output=True, text=True, cwd=ROOT,
                         check=True).stdout.split()
    return float(out[0]), int(out[1])


def _headless_here(preset: Any, seconds: float) -> tuple[float, int]:
    from threadpoolctl import threadpool_limits

    from simulator.data import load_dataset
    from simulator.training.trainer import BatchEnd, Trainer
    from ui.training.session import build_session

    session = build_session(preset.spec(), load_dataset(preset.dataset_source,
                                                        **preset.dataset_options))
    trainer = Trainer(session.network, session.spec.training, session.x_train,
                      session.y_train, session.x_val, session.y_val)
    steps, start = 0, time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        for event in trainer.run():
            if isinstance(event, BatchEnd):
                steps += 1
                if time.perf_counter() - start > seconds:
                    trainer.control.stop()
    return steps / (time.perf_counter() - start), trainer.steps_per_epoch


class WorkerTime:
    """Where the worker thread's time went during one run: training (its CPU time less the
    probes'), the probes (snapshots and epoch probes: the timeline, the autosave's
    checkpoint), held (waiting for the interface's turn, :data:`ui.training.pacing.HOLD`) and
    the rest (off the CPU, not held: waiting for the interpreter lock while the interface
    runs). Read in the worker thread itself (``time.thread_time``), so unlike the throughput
    ratio it does not move with the machine's speed from one second to the next; ``training``
    is about the throughput the interface leaves (what it cannot see: the two threads
    slowing each other down through the caches and cores they share)."""

    def __init__(self) -> None:
        self.wall = self.cpu = self.probes = self.held = 0.0

    @contextmanager
    def watching(self) -> Iterator[None]:
        from ui.training import controller
        from ui.training.pacing import HOLD

        original = controller.paced_run

        def paced(trainer: Any, **options: Any) -> Iterator[Any]:
            trainer.snapshot = self._timed(trainer.snapshot)
            for name, probe in trainer.epoch_probes.items():
                trainer.epoch_probes[name] = self._timed(probe)
            return self._clocked(original(trainer, **options))

        controller.paced_run = paced
        held = HOLD.waited_seconds
        try:
            yield
        finally:
            controller.paced_run = original
            self.held = HOLD.waited_seconds - held

    def _clocked(self, events: Iterator[Any]) -> Iterator[Any]:
        wall, cpu = time.perf_counter(), time.thread_time()    # in the worker thread
        try:
            yield from events
        finally:
            self.wall, self.cpu = time.perf_counter() - wall, time.thread_time() - cpu

    def _timed(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args)
            finally:
                self.probes += time.perf_counter() - start
        return timed

    def shares(self) -> dict[str, float]:
        """Fractions of the run's time in the worker thread."""
        if self.wall <= 0:
            return {}
        return {"training": (self.cpu - self.probes) / self.wall,
                "probes": self.probes / self.wall, "held": self.held / self.wall,
                "lock": max(0.0, 1.0 - self.cpu / self.wall - self.held / self.wall)}


@dataclass
class RunResult:
    view: str
    epochs: int
    seconds: float
    steps_per_s: float
    lateness: dict[str, float]
    first_third_p95: float
    last_third_p95: float
    panels: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Headless steps per second, measured just before and after this run (their mean).
    headless: float = float("nan")
    #: The BLAS thread counts seen while the run trained (the app means to use one).
    blas_threads: list[int] = field(default_factory=list)
    #: The interface thread's CPU time over the run's time (it shares the interpreter lock
    #: with the training, so this is about what the training loses to it).
    interface_cpu: float = float("nan")
    #: The redraw pace's stretch (ui.training.pacing.PACE) over the run: median, largest.
    stretch: tuple[float, float] = (float("nan"), float("nan"))
    #: Where the worker thread's time went (:class:`WorkerTime`).
    worker: dict[str, float] = field(default_factory=dict)


def arrange(window: Any, panel: Any | None) -> Callable[[], None]:
    """Put ``panel`` alone in view (None: the lesson's default view); returns the undo."""
    if panel is None:
        return lambda: None
    window.panel_tabs.show_panel(panel)
    hidden = [tabs for tabs in window.panel_tabs.stacks
              if panel not in window.panel_tabs.panels_of(tabs)]
    for tabs in hidden:
        tabs.hide()

    def undo() -> None:
        for tabs in hidden:
            tabs.show()
    return undo


def train_once(app: Any, window: Any, preset: Any, panel: Any | None, times: PanelTimes,
               timeout: float, instruments: bool = True) -> RunResult:
    """One run at Full speed with ``panel`` alone in view (None: the default view). Without
    ``instruments``, no lateness meter and no panel timing: the run as a user has it, for
    its throughput (the meter's 50 calls a second into Python cost the training ~5 %)."""
    for tabs in window.panel_tabs.stacks:   # as a fresh window shows them
        tabs.setCurrentIndex(0)
    window.open_preset(preset)
    window.toolbar.speed.setCurrentText("Full speed")
    undo = arrange(window, panel)
    spin(app, 0.3)
    finished: list[Any] = []
    window.training_finished.connect(finished.append)
    arrivals: list[tuple[float, int]] = []     # (when, step) of every batch chunk shown

    def arrived(chunk: Any) -> None:
        arrivals.append((time.perf_counter(), int(chunk.last.step)))

    window.controller.batches.connect(arrived)
    from threadpoolctl import ThreadpoolController

    blas = [lib for lib in ThreadpoolController().lib_controllers if lib.user_api == "blas"]
    threads: list[tuple[int, ...]] = []

    from ui.training.pacing import PACE

    stretches: list[float] = []

    def sample_blas(_chunk: Any) -> None:     # a cheap call: the libraries are found already
        threads.append(tuple(lib.get_num_threads() for lib in blas))
        stretches.append(PACE.stretch)

    window.controller.batches.connect(sample_blas)
    meter = Lateness()
    times.clear()
    times.enabled = instruments
    if instruments:
        meter.start()
    start = time.perf_counter()
    cpu_start = time.thread_time()
    worker = WorkerTime()
    with worker.watching():
        window.train()
        if not finished:
            wait_for(window.training_finished, timeout)
        if not finished:
            window.controller.stop()
            wait_until(app, lambda: bool(finished), 60)
    seconds = time.perf_counter() - start
    interface_cpu = (time.thread_time() - cpu_start) / seconds
    meter.stop()
    times.enabled = False
    window.training_finished.disconnect(finished.append)
    window.controller.batches.disconnect(arrived)
    window.controller.batches.disconnect(sample_blas)
    wait_until(app, lambda: not window.controller.running, 10)
    undo()
    tick_times, late = meter.samples()
    third = seconds / 3
    first = late[tick_times < start + third]
    last = late[tick_times >= start + 2 * third]
    session = window.session
    # Training steps per second from the first batches shown to the last: the run's start
    # and end (a thread, the first and last snapshots) are not training, headless or not.
    (t0, s0), (t1, s1) = arrivals[0], arrivals[-1]
    rate = (s1 - s0) / (t1 - t0) if t1 > t0 else float("nan")
    panels = {}
    for title in sorted(set(times.busy)):
        calls, paints = times.calls[title], times.paints[title]
        panels[title] = {
            "ms_per_s": 1000.0 * times.busy[title] / seconds,
            "calls": len(calls), "ms_per_call": 1000.0 * float(np.mean(calls)) if calls else 0,
            "paints": len(paints),
            "ms_per_paint": 1000.0 * float(np.mean(paints)) if paints else 0.0,
        }
    view = "default view" if panel is None else panel.title
    return RunResult(view if instruments else f"{view}, no meter",
                     session.trainer.epoch if session else 0, seconds, rate,
                     percentiles(late), percentiles(first)["p95"], percentiles(last)["p95"],
                     panels,   # (the last chunks may be shown after the run lifted its limit)
                     blas_threads=sorted({n for sample in threads[:-2] for n in sample}),
                     interface_cpu=interface_cpu,
                     stretch=(float(np.median(stretches)), float(max(stretches)))
                     if stretches else (float("nan"), float("nan")),
                     worker=worker.shares())


# ----- the controls: tab switch, pause, stop -------------------------------------------------
class FirstPaint:
    """Records the first paint of a widget (or of any widget inside it) after ``arm()``."""

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QWidget

        class Filter(QObject):
            def eventFilter(inner, obj: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint and self.at is None and self.armed:
                    self.at = time.perf_counter()
                return False

        self.filter = Filter()
        self.armed, self.at = False, None
        for target in [widget, *widget.findChildren(QWidget)]:
            target.installEventFilter(self.filter)

    def arm(self) -> None:
        self.armed, self.at = True, None


def post_click(widget: Any, point: Any) -> None:
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    local = QPointF(point)
    global_ = QPointF(widget.mapToGlobal(point))
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        buttons = Qt.MouseButton.LeftButton if kind == QEvent.Type.MouseButtonPress \
            else Qt.MouseButton.NoButton
        QApplication.postEvent(widget, QMouseEvent(kind, local, global_, Qt.MouseButton.LeftButton,
                                                   buttons, Qt.KeyboardModifier.NoModifier))


def post_call(function: Callable[[], None]) -> None:
    """Queue ``function`` behind everything already waiting in the event loop."""
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, function)


def controls(app: Any, window: Any, key: str, warmup: float) -> dict[str, dict[str, float]]:
    """Tab switch, Pause and Stop latencies (ms) at every speed, after ``warmup`` s of history."""
    window.open_preset(lesson_preset(key, 20_000))
    window.toolbar.speed.setCurrentText("Full speed")
    spin(app, 0.3)
    window.train()
    spin(app, warmup)
    tabs = window.panel_tabs.stacks[0]
    watchers = [FirstPaint(tabs.widget(i)) for i in range(tabs.count())]
    finished: list[Any] = []
    window.training_finished.connect(finished.append)
    batches: list[float] = []
    window.controller.batches.connect(lambda _chunk: batches.append(time.perf_counter()))
    result: dict[str, dict[str, float]] = {}
    for speed in SPEEDS:
        window.toolbar.speed.setCurrentText(speed)
        spin(app, 0.5)
        switches = []
        for _ in range(3):
            target = (tabs.currentIndex() + 1) % tabs.count()
            watchers[target].arm()
            start = time.perf_counter()
            post_click(tabs.tabBar(), tabs.tabBar().tabRect(target).center())
            wait_until(app, lambda w=watchers[target]: w.at is not None, 10)
            switches.append(1000 * ((watchers[target].at or time.perf_counter()) - start))
            spin(app, 0.3)
        handled: list[float] = []
        start = time.perf_counter()
        post_call(lambda h=handled: (h.append(time.perf_counter()),
                                     window.toolbar.run.pause.trigger()))
        spin(app, 0.6)
        after = [t for t in batches if t >= start]
        pause_ms = 1000 * (max([*after, *handled]) - start) if handled else float("inf")
        window.toolbar.run.pause.trigger()   # resume
        spin(app, 0.4)
        finished.clear()
        start = time.perf_counter()
        post_call(window.toolbar.run.stop.trigger)
        wait_until(app, lambda: bool(finished), 30)
        stop_ms = 1000 * (time.perf_counter() - start)
        wait_until(app, lambda: not window.controller.running, 10)
        result[speed] = {"tab_switch_max": max(switches), "pause": pause_ms, "stop": stop_ms}
        window.train()                  # go on with the same run
        spin(app, 0.3)
    window.stop_training()
    window.training_finished.disconnect(finished.append)
    return result


# ----- start-up --------------------------------------------------------------------------------
STARTUP_CHILD = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from ui.style.theme import configure_plots
app = QApplication(sys.argv[:1])
configure_plots()
from ui.shell.main_window import MainWindow
window = MainWindow()

class First(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.monotonic(), flush=True)
            heavy = [m for m in %r if m in sys.modules]
            print(",".join(heavy), flush=True)
            app.exit(0)
        return False

first = First()
window.installEventFilter(first)
window.resize(1280, 720)
window.show()
app.exec()
"""


def startup(repeats: int = 3) -> dict[str, Any]:
    """Seconds from starting a process to the main window's first paint, with the bytecode
    cached as in an installed app (one start first, not counted, fills a private cache)."""
    code = STARTUP_CHILD % (HEAVY_MODULES,)
    seconds, heavy = [], ""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for run in range(repeats + 1):
            start = time.monotonic()
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 cwd=ROOT, env=env, check=True).stdout.split("\n")
            if run:
                seconds.append(float(out[0]) - start)
            heavy = out[1]
    return {"median_s": statistics.median(seconds), "runs_s": seconds,
            "heavy_modules_loaded": heavy or "none"}


# ----- report ---------------------------------------------------------------------------------
def machine() -> str:
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in text.splitlines()
                     if line.startswith("Model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def print_runs(key: str, count: int, headless: float, runs: list[RunResult]) -> None:
    print(f"\n## {key}, {count} neighbour(s): headless {headless:,.0f} steps/s (mean); "
          "throughput: the run's steps/s over the headless blocks just before and after it")
    print("| view | epochs | s | lateness p50 / p95 / max (ms) | p95 first → last third | "
          "throughput | interface CPU · redraw stretch (median, max) | worker thread: "
          "training · probes · held · lock (%) | panel in view: ms/s "
          "(ms per call, ms per paint) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        late = run.lateness
        own = run.panels.get(run.view)
        cost = (f"{own['ms_per_s']:.0f} ({own['ms_per_call']:.2f}, {own['ms_per_paint']:.1f})"
                if own else "–")
        if run.view == "default view":
            cost = ", ".join(f"{t} {p['ms_per_s']:.0f}" for t, p in run.panels.items()
                             if p["ms_per_s"] >= 1)
        lateness = (f"{late['p50']:.1f} / {late['p95']:.1f} / {late['max']:.0f} | "
                    f"{run.first_third_p95:.1f} → {run.last_third_p95:.1f}"
                    if late["n"] else "– | –")          # (a run without the meter)
        print(f"| {run.view} | {run.epochs} | {run.seconds:.1f} | {lateness} | "
              f"{run.steps_per_s / run.headless:.2f}× | "
              f"{100 * run.interface_cpu:.0f} % · {run.stretch[0]:.1f}, {run.stretch[1]:.1f} | "
              f"{worker_shares(run.worker)} | {cost} |")
    many = [f"{run.view} {run.blas_threads}" for run in runs
            if max(run.blas_threads, default=1) > 1]
    if many:
        print("WARNING: more than one BLAS thread while training: " + ", ".join(many))
    others = defaultdict(float)
    for run in runs:
        for title, p in run.panels.items():
            if title != run.view and run.view != "default view":
                others[title] = max(others[title], p["ms_per_s"])
    if others:
        print("Most ms/s spent on a panel while it was *not* in view: " + ", ".join(
            f"{t} {v:.0f}" for t, v in sorted(others.items(), key=lambda kv: -kv[1])))


def worker_shares(shares: dict[str, float]) -> str:
    if not shares:
        return "–"
    return " · ".join(f"{100 * shares[k]:.1f}" for k in ("training", "probes", "held", "lock"))


def _epochs(text: str) -> dict[str, int]:
    try:
        if "=" not in text:
            return {"*": int(text)}
        return {k.strip(): int(v) for k, v in (part.split("=") for part in text.split(","))}
    except ValueError:
        raise argparse.ArgumentTypeError(f"--epochs takes N or lesson=N,...; got {text!r}") \
            from None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--headless-child"]:
        rate, per_epoch = _headless_here(lesson_preset(argv[1], int(argv[2])), float(argv[3]))
        print(rate, per_epoch)
        return 0
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lessons", default="spiral,digits_cnn",
                        help="comma-separated lesson keys, or 'all'")
    parser.add_argument("--epochs", type=_epochs, default={},
                        help="epochs per run: N for every lesson, or spiral=2000,digits_cnn=150 "
                             "(default: spiral 2000, digits_cnn 150, others 100)")
    parser.add_argument("--panels", help="comma-separated panel titles (default: every panel "
                        "and the default view)")
    parser.add_argument("--run-seconds", type=float, metavar="S",
                        help="instead of --epochs: as many epochs as the engine alone trains "
                             "in about S seconds (every lesson gets a run of some length)")
    parser.add_argument("--neighbours", default="0,1", help="busy neighbour counts to try")
    parser.add_argument("--headless-seconds", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=8.0,
                        help="seconds of Full-speed history before the controls are timed")
    parser.add_argument("--no-controls", action="store_true")
    parser.add_argument("--no-plain", action="store_true",
                        help="skip the run of the default view without the lateness meter "
                             "(the throughput a user gets)")
    parser.add_argument("--repeats", type=int, default=1, metavar="N",
                        help="runs of the default view without the meter, each between two "
                             "headless blocks: their median throughput is the figure to quote "
                             "(one run varies by +-0.05 and more on a shared machine)")
    parser.add_argument("--startup", action="store_true", help="also time the start-up")
    parser.add_argument("--startup-only", action="store_true")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)

    report: dict[str, Any] = {"machine": machine(), "lessons": {}}
    print(f"Machine: {report['machine']}")
    if args.startup or args.startup_only:
        report["startup"] = startup()
        s = report["startup"]
        print(f"Start-up to first paint: median {s['median_s']:.2f} s "
              f"({', '.join(f'{x:.2f}' for x in s['runs_s'])}); heavy modules loaded: "
              f"{s['heavy_modules_loaded']}")
        if args.startup_only:
            return _write(args.json, report)

    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.shell.main_window import MainWindow
    from ui.shell.presets import available_presets
    from ui.style.theme import configure_plots
    from ui.training.pacing import settle_heap

    configure_plots()
    QMessageBox.question = staticmethod(lambda *_a: QMessageBox.StandardButton.Discard)
    window = MainWindow()
    window.resize(1280, 720)
    window.show()
    settle_heap()                    # as the app does once its window is built
    times = PanelTimes(window.panels)
    keys = [p.key for p in available_presets()] if args.lessons == "all" \
        else args.lessons.split(",")
    wanted = None if args.panels is None else set(args.panels.split(","))
    views = [None, *window.panels] if wanted is None else \
        [p for p in [None, *window.panels]
         if (p.title if p is not None else "default view") in wanted]
    for count in (int(n) for n in args.neighbours.split(",")):
        with neighbours(count):
            for key in keys:
                epochs = args.epochs.get(key, args.epochs.get("*", DEFAULT_EPOCHS.get(key, 100)))
                rate, per_epoch = headless_rate(key, epochs, args.headless_seconds)
                if args.run_seconds:
                    epochs = max(2, round(args.run_seconds * rate / per_epoch))
                preset = lesson_preset(key, epochs)
                rates = [rate]
                timeout = 30 * epochs * per_epoch / rate + 60
                runs = []
                plain = [] if args.no_plain else [(None, False)] * args.repeats
                for panel, instruments in [*((p, True) for p in views), *plain]:
                    # (headless blocks before and after every app run)
                    runs.append(train_once(app, window, preset, panel, times, timeout,
                                           instruments))
                    rates.append(headless_rate(key, epochs, args.headless_seconds)[0])
                    runs[-1].headless = float(np.mean(rates[-2:]))
                headless = float(np.mean(rates))
                print_runs(key, count, headless, runs)
                entry: dict[str, Any] = {"headless_steps_per_s": rates,
                                         "runs": [r.__dict__ for r in runs]}
                plain_runs = [r for r in runs if r.view.endswith("no meter")]
                ratios = [r.steps_per_s / r.headless for r in plain_runs]
                if len(ratios) > 1:
                    training = [r.worker["training"] for r in plain_runs if r.worker]
                    entry["plain_throughput"] = {"median": statistics.median(ratios),
                                                 "runs": ratios, "training_share": training}
                    print(f"throughput a user gets (default view, no meter), {len(ratios)} runs: "
                          f"median {statistics.median(ratios):.2f}× "
                          f"({min(ratios):.2f}–{max(ratios):.2f}); the worker thread training "
                          f"{100 * statistics.median(training):.1f} % of the time (median)")
                if not args.no_controls:
                    entry["controls_ms"] = controls(app, window, key, args.warmup)
                    print("controls (ms): " + "; ".join(
                        f"{speed}: tab {c['tab_switch_max']:.0f}, pause {c['pause']:.0f}, "
                        f"stop {c['stop']:.0f}" for speed, c in entry["controls_ms"].items()))
                report["lessons"][f"{key}/{count}"] = entry
    window.stop_training()
    window.stack.clear()
    window.close()
    return _write(args.json, report)


def _write(path: Path | None, report: dict[str, Any]) -> int:
    if path is not None:
        path.write_text(json.dumps(report, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
