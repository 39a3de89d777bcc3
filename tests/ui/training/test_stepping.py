"""Step, Step epoch and one instance taken apart: all in the training thread, pausing after."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from simulator.data import load_dataset
from simulator.spec import NetworkSpec
from simulator.training.step_through import Trace, Update
from simulator.training.trainer import BatchEnd, EpochEnd, Snapshot, Trainer
from ui.training.controller import TrainingController
from ui.training.session import TrainingSession, build_session
from ui.training.stepping import Sample, StepControls, StepProblem

XOR = {
    "input_shape": [2],
    "layers": [{"type": "Dense", "name": "hidden", "units": 4, "activation": "tanh"},
               {"type": "Dense", "name": "output", "units": 2},
               {"type": "Softmax", "name": "softmax"}],
    "training": {"loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.5,
                                                        "momentum": 0.9},
                 "batch_size": 8, "epochs": 5, "validation_split": 0.25},
}


@pytest.fixture
def session() -> TrainingSession:
    return build_session(NetworkSpec.from_dict(XOR), load_dataset("xor", n=64))


@pytest.fixture
def rig(qtbot, session, monkeypatch):
    """A controller, the step controls, what the worker sent, and the threads that trained."""
    controller = TrainingController()
    seen: list[Any] = []
    controller.happened.connect(seen.append)
    controller.batches.connect(lambda chunk: seen.append(chunk.last))
    threads: list[int] = []
    real = Trainer.compute_gradient

    def watched(self, *args):
        threads.append(threading.get_ident())
        return real(self, *args)

    monkeypatch.setattr(Trainer, "compute_gradient", watched)
    yield controller, StepControls(controller, lambda: session), seen, threads
    controller.shutdown()


def _wait_state(qtbot, controller: TrainingController, state: str) -> None:
    qtbot.waitUntil(lambda: controller.state == state, timeout=20_000)


def test_step_trains_one_batch_then_pauses_with_a_fresh_snapshot(qtbot, rig, session) -> None:
    controller, controls, seen, threads = rig
    assert controls.step("batch")
    _wait_state(qtbot, controller, "paused")
    qtbot.wait(100)       # nothing more comes while paused
    assert session.trainer.step == 1
    batches = [e for e in seen if isinstance(e, BatchEnd)]
    assert [b.step for b in batches] == [1]
    assert isinstance(seen[-1], Snapshot)
    assert seen[-1].step == 1
    controls.step("batch")
    qtbot.waitUntil(lambda: session.trainer.step == 2, timeout=20_000)
    _wait_state(qtbot, controller, "paused")
    assert isinstance(seen[-1], Snapshot)
    assert seen[-1].step == 2
    assert threads
    assert threading.get_ident() not in threads


def test_step_epoch_runs_to_the_end_of_the_epoch(qtbot, rig, session) -> None:
    controller, controls, seen, _ = rig
    controls.step("batch")
    _wait_state(qtbot, controller, "paused")
    controls.step("epoch")                         # from the middle of epoch 1 to its end
    qtbot.waitUntil(lambda: any(isinstance(e, EpochEnd) for e in seen), timeout=20_000)
    _wait_state(qtbot, controller, "paused")
    qtbot.wait(100)
    assert session.trainer.completed_epochs == 1
    assert session.trainer.step == session.trainer.steps_per_epoch
    assert isinstance(seen[-1], Snapshot)
    controls.step("epoch")
    qtbot.waitUntil(lambda: session.trainer.completed_epochs == 2, timeout=20_000)
    _wait_state(qtbot, controller, "paused")
    assert [e.epoch for e in seen if isinstance(e, EpochEnd)] == [1, 2]


def test_presenting_an_instance_with_no_run_trains_it_in_the_worker(qtbot, rig, session) -> None:
    controller, controls, seen, threads = rig
    before = session.network.get_weights()
    assert controls.present(Sample(index=5))
    qtbot.waitUntil(lambda: any(isinstance(e, Snapshot) for e in seen), timeout=20_000)
    _wait_state(qtbot, controller, "idle")
    trace, update = (next(e for e in seen if isinstance(e, kind)) for kind in (Trace, Update))
    assert trace.label == "training sample 5"
    np.testing.assert_array_equal(trace.x, session.x_train[5])
    assert session.trainer.step == 1
    after = session.network.get_weights()
    change = update.params["hidden"]["W"].change
    np.testing.assert_allclose(change, (after["hidden.W"] - before["hidden.W"]), rtol=1e-6)
    assert set(update.state) == {"velocity"}
    assert threads
    assert threading.get_ident() not in threads


def test_forward_backward_then_update_while_a_run_is_paused(qtbot, rig, session) -> None:
    controller, controls, seen, threads = rig
    controller.set_speed(20.0)
    controller.start(session.trainer)
    qtbot.waitUntil(lambda: session.trainer.step >= 2, timeout=20_000)
    controls.trace()                               # pauses the run, then traces
    qtbot.waitUntil(lambda: any(isinstance(e, Trace) for e in seen), timeout=20_000)
    assert controller.state == "paused"
    qtbot.wait(200)
    step = session.trainer.step
    weights = session.network.get_weights()
    assert all(np.array_equal(weights[k], session.network.get_weights()[k]) for k in weights)
    controls.update()
    qtbot.waitUntil(lambda: any(isinstance(e, Update) for e in seen), timeout=20_000)
    qtbot.wait(100)
    assert session.trainer.step == step + 1         # one update, and the run stays paused
    assert controller.state == "paused"
    controller.resume()
    qtbot.waitUntil(lambda: session.trainer.step > step + 2, timeout=20_000)
    assert threading.get_ident() not in threads


def test_a_stage_that_cannot_run_says_why(qtbot, rig, session) -> None:
    controller, controls, seen, _ = rig
    controls.update()                               # nothing traced yet
    qtbot.waitUntil(lambda: any(isinstance(e, StepProblem) for e in seen), timeout=20_000)
    problem = next(e for e in seen if isinstance(e, StepProblem))
    assert "trace one first" in problem.message
    controls.trace(Sample(index=10_000))
    qtbot.waitUntil(lambda: sum(isinstance(e, StepProblem) for e in seen) == 2, timeout=20_000)
    assert "training split has" in [e for e in seen if isinstance(e, StepProblem)][-1].message
    _wait_state(qtbot, controller, "idle")
    assert session.trainer.step == 0


def test_a_dataset_sample_is_presented_as_the_network_sees_it(qtbot, rig, session) -> None:
    controller, controls, seen, _ = rig
    controls.trace(Sample(index=3, from_dataset=True))
    qtbot.waitUntil(lambda: any(isinstance(e, Trace) for e in seen), timeout=20_000)
    trace = next(e for e in seen if isinstance(e, Trace))
    assert trace.label == "dataset sample 3"
    np.testing.assert_array_equal(trace.x, session.network_input(3)[0])
    assert trace.target == session.dataset.y[3]


def test_work_interjected_as_a_run_ends_still_runs_or_is_refused(qtbot) -> None:
    from simulator.training.trainer import TrainerControl
    from ui.training.worker import TrainingWorker

    ran: list[str] = []

    def work(name: str):
        ran.append(name)
        yield StepProblem(name)

    worker = TrainingWorker(iter(()), TrainerControl())
    assert worker.interject(work("queued before the end"))
    worker.pause()                      # a pause must not hold a finished run
    emitted: list[Any] = []
    worker.sent.connect(emitted.extend)
    worker.run()                        # here, in this thread: nothing to train
    assert ran == ["queued before the end"]
    assert [e.message for e in emitted] == ["queued before the end"]
    assert not worker.interject(work("too late"))     # the controller starts a run for it
    assert ran == ["queued before the end"]
