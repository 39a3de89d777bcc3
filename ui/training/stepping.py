"""Step controls: one batch, one epoch, or one instance taken apart, all in the training thread.

"Step" and "Step epoch" run the session's trainer to the end of the next batch or epoch and
pause there (:meth:`TrainingController.step`), so every panel shows that moment and stays live.
"Present one instance" is the course's story for one sample, in three stages: forward and
backward (:meth:`StepControls.trace`) and the update (:meth:`StepControls.update`), computed
by :class:`simulator.training.step_through.StepThrough` between the batches of the run (which
pauses for it) or as a short run of its own. The results reach the panels as events of the
training bridge: a :class:`~simulator.training.step_through.Trace`, an
:class:`~simulator.training.step_through.Update` followed by a fresh Snapshot, or a
:class:`StepProblem` saying why a stage could not run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.errors import BackpropError, DataError
from simulator.training.step_through import StepThrough, Trace
from ui.training.controller import TrainingController
from ui.training.session import TrainingSession


@dataclass(frozen=True)
class StepProblem:
    """A stage that could not run, and why (shown by the step-through panel)."""

    message: str


@dataclass(frozen=True)
class Sample:
    """Which sample to present: the next training sample (``index`` None), a training sample
    by ``index``, a dataset sample by ``index`` when ``from_dataset``, or a typed input
    ``values`` (in the data's units) with its ``target``."""

    index: int | None = None
    from_dataset: bool = False
    values: tuple[float, ...] | None = None
    target: int | tuple[float, ...] | None = None


NEXT = Sample()


def _numbers(text: str, what: str, example: str) -> list[float]:
    parts = [p for p in text.replace(",", " ").replace(";", " ").split() if p]
    try:
        values = [float(p.replace("−", "-")) for p in parts]
    except ValueError:
        raise DataError(f"type the {what} as numbers separated by commas, e.g. {example}; "
                        f"got '{text}'") from None
    if not values or not all(np.isfinite(values)):
        raise DataError(f"type the {what} as finite numbers separated by commas, e.g. "
                        f"{example}")
    return values


def typed_sample(session: TrainingSession, inputs: str, target: str) -> Sample:
    """A typed input and target, checked against the session's network and data (a
    DataError says what to type instead)."""
    width = int(np.prod(session.spec.input_shape))
    example = ", ".join(["1", "-1", "0.5", "2"][:min(width, 4)]) + (", …" if width > 4 else "")
    values = _numbers(inputs, "input", example)
    if len(values) != width:
        raise DataError(f"the network takes {width} input value(s), you typed {len(values)}")
    output = int(np.prod(session.network.infos[-1].output_shape))
    if session.trainer.loss.classification:
        classes = max(len(session.dataset.class_names), 2 if output == 1 else output)
        text = target.strip()
        if not text.isdigit() or int(text) >= classes:
            raise DataError(f"type the target class as a whole number from 0 to {classes - 1}"
                            + (f", got '{target}'" if text else ""))
        return Sample(values=tuple(values), target=int(text))
    wanted = _numbers(target, "target", ", ".join(["0.5"] * min(output, 3)))
    if len(wanted) != output:
        raise DataError(f"the network has {output} output(s), the target has {len(wanted)} "
                        "value(s)")
    return Sample(values=tuple(values), target=tuple(wanted))


def _trace_events(stepper: StepThrough, work: Callable[[], Trace]) -> Iterator[Any]:
    try:
        yield work()
    except BackpropError as exc:
        yield StepProblem(str(exc))


def _update_events(stepper: StepThrough) -> Iterator[Any]:
    try:
        update = stepper.update()
    except BackpropError as exc:
        yield StepProblem(str(exc))
        return
    yield update
    if stepper.trainer.probes:
        yield stepper.trainer.snapshot()


class StepControls:
    """What the step buttons do, for whichever session the window has now."""

    def __init__(self, controller: TrainingController,
                 session: Callable[[], TrainingSession | None]) -> None:
        self.controller = controller
        self._session = session
        self._stepper: StepThrough | None = None

    def stepper(self) -> StepThrough | None:
        """The session's step-through (a new one for each new session)."""
        session = self._session()
        if session is None:
            self._stepper = None
            return None
        if self._stepper is None or self._stepper.trainer is not session.trainer:
            self._stepper = StepThrough(session.trainer)
        return self._stepper

    def step(self, until: str) -> bool:
        """Train to the end of the next ``"batch"`` or ``"epoch"`` and pause (False: no
        session to train)."""
        session = self._session()
        if session is None:
            return False
        self.controller.step(session.trainer, until)
        return True

    def trace(self, sample: Sample = NEXT) -> bool:
        """Forward and backward of one sample in the training thread (False: no session).
        A dataset or typed sample that does not fit raises a DataError here, before any
        work."""
        session, stepper = self._session(), self.stepper()
        if session is None or stepper is None:
            return False
        work = self._work(session, stepper, sample)
        self.controller.run_in_worker(_trace_events(stepper, work), session.trainer.control)
        return True

    def update(self) -> bool:
        """Apply the traced sample's gradient with one optimizer step (False: no session)."""
        session, stepper = self._session(), self.stepper()
        if session is None or stepper is None:
            return False
        self.controller.run_in_worker(_update_events(stepper), session.trainer.control)
        return True

    def present(self, sample: Sample = NEXT) -> bool:
        """Train on one sample with the run's optimizer: trace it, then update at once."""
        session, stepper = self._session(), self.stepper()
        if session is None or stepper is None:
            return False
        work = self._work(session, stepper, sample)

        def both() -> Iterator[Any]:
            trace = None
            for event in _trace_events(stepper, work):
                trace = event
                yield event
            if isinstance(trace, Trace) and trace.problem is None:
                yield from _update_events(stepper)

        self.controller.run_in_worker(both(), session.trainer.control)
        return True

    @staticmethod
    def _work(session: TrainingSession, stepper: StepThrough,
              sample: Sample) -> Callable[[], Trace]:
        """The trace to run in the worker; a dataset sample is prepared here, in the GUI
        thread (the run's preprocessing, no training)."""
        if sample.values is not None:
            x = session.as_network_input(np.asarray([sample.values], dtype=float))
            y = np.asarray(sample.target)
            label = "the input (" + ", ".join(f"{v:g}" for v in sample.values) + ")"
            return lambda: stepper.trace(x, y, label)
        if sample.index is None:
            return stepper.trace_next
        index = int(sample.index)
        if not sample.from_dataset:
            return lambda: stepper.trace_index(index)
        x = session.network_input(index)
        y = np.asarray(session.dataset.y[index])
        return lambda: stepper.trace(x, y, f"dataset sample {index}")
