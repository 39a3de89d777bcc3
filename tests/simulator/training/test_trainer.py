"""The Trainer: event sequence, metrics, determinism, NaN guard, control, exact resume."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from simulator.errors import ModelFileError
from simulator.io.project_file import join_arrays, split_arrays
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.trainer import (
    BatchEnd,
    EpochEnd,
    Failed,
    Finished,
    Started,
    Trainer,
    TrainerControl,
)

HIDDEN = [{"type": "Dense", "units": 8, "activation": "tanh", "name": "h"},
          {"type": "Dense", "units": 3, "name": "out"}, {"type": "Softmax", "name": "sm"}]


def blobs(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    centres = np.array([[0.0, 1.0], [1.0, -1.0], [-1.0, -0.5]])
    return centres[y] + rng.normal(0, 0.4, (n, 2)), y


def make_trainer(training: dict[str, Any] | None = None, *, layers: list | None = None,
                 seed: int = 0, val: bool = True, n: int = 60, numbers: bool = False,
                 **kwargs: Any) -> Trainer:
    """A trainer on 3 blobs; ``numbers`` gives float targets (one-hot rows, or the label as a
    number for one output), as a regression loss needs."""
    config = {"optimizer": {"type": "sgd", "learning_rate": 0.1}, "epochs": 3,
              "batch_size": 16, "seed": seed, **(training or {})}
    spec = NetworkSpec.from_dict({"input_shape": [2], "layers": layers or HIDDEN,
                                  "training": config})
    x, y = blobs(n)
    if numbers:
        width = spec.infer_shapes()[-1].output_shape[0]
        y = np.eye(3)[y] if width == 3 else y.astype(np.float64)[:, None]
    net = compile_network(spec, seed=seed)
    if val:
        return Trainer(net, spec.training, x[:n - 20], y[:n - 20], x[n - 20:], y[n - 20:],
                       **kwargs)
    return Trainer(net, spec.training, x, y, **kwargs)


def run(trainer: Trainer, **kwargs: Any) -> list[Any]:
    return list(trainer.run(**kwargs))


def test_event_sequence_and_history() -> None:
    trainer = make_trainer()
    events = run(trainer)
    assert isinstance(events[0], Started)
    assert (events[0].epochs, events[0].steps_per_epoch, events[0].n_train, events[0].n_val,
            events[0].n_params) == (3, 3, 40, 20, 2 * 8 + 8 + 8 * 3 + 3)
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert [(b.epoch, b.batch, b.step) for b in batches] == [
        (e, b, 3 * (e - 1) + b) for e in (1, 2, 3) for b in (1, 2, 3)]
    assert all(np.isfinite(b.loss) and b.grad_norm > 0 for b in batches)
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert [e.epoch for e in epochs] == [1, 2, 3]
    assert isinstance(events[-1], Finished)
    assert (events[-1].reason, events[-1].epochs_completed) == ("completed", 3)
    history = events[-1].history
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}
    assert all(len(v) == 3 for v in history.values())
    assert history["val_loss"] == [e.metrics["val_loss"] for e in epochs]
    # the epoch's training loss is the sample-weighted mean of its batch losses (16, 16, 8)
    first = [b.loss for b in batches[:3]]
    assert history["loss"][0] == pytest.approx((16 * first[0] + 16 * first[1] + 8 * first[2])
                                               / 40, rel=1e-12)
    assert history["loss"][-1] < history["loss"][0]


def test_accuracy_and_confusion_matrix_match_predictions() -> None:
    trainer = make_trainer({"epochs": 2})
    events = run(trainer)
    last = [e for e in events if isinstance(e, EpochEnd)][-1]
    pred = trainer.network.predict(trainer.x_val).argmax(axis=1)
    truth = np.asarray(trainer.y_val)
    expected = np.zeros((3, 3), np.int64)
    np.add.at(expected, (truth, pred), 1)
    np.testing.assert_array_equal(last.confusion, expected)
    assert last.metrics["val_accuracy"] == pytest.approx(np.mean(pred == truth))
    loss, acc, confusion = trainer.evaluate(*blobs(60)[:2])
    assert np.isfinite(loss)
    assert 0 <= acc <= 1
    assert confusion.sum() == 60


def test_without_validation_the_confusion_matrix_is_on_the_training_set() -> None:
    events = run(make_trainer({"epochs": 1}, val=False))
    epoch = next(e for e in events if isinstance(e, EpochEnd))
    assert epoch.confusion.sum() == 60
    assert "val_loss" not in epoch.metrics


def test_regression_has_no_accuracy() -> None:
    layers = [{"type": "Dense", "units": 4, "activation": "tanh"}, {"type": "Dense", "units": 1}]
    trainer = make_trainer({"loss": "mse", "epochs": 1}, layers=layers, numbers=True)
    epoch = next(e for e in run(trainer) if isinstance(e, EpochEnd))
    assert set(epoch.metrics) == {"loss", "val_loss", "learning_rate"}
    assert epoch.confusion is None


def weights_and_losses(seed: int, **training: Any) -> tuple[np.ndarray, list[float]]:
    trainer = make_trainer({"optimizer": {"type": "adam", "learning_rate": 0.01}, **training},
                           seed=seed)
    losses = [e.loss for e in trainer.run() if isinstance(e, BatchEnd)]
    return trainer.network.flat_params.copy(), losses


def test_same_seed_is_bitwise_identical_and_different_seeds_differ() -> None:
    w1, l1 = weights_and_losses(5)
    w2, l2 = weights_and_losses(5)
    assert l1 == l2
    assert np.array_equal(w1, w2)
    w3, l3 = weights_and_losses(6)
    assert l1 != l3
    assert not np.array_equal(w1, w3)


def test_huge_learning_rate_fails_within_one_batch_with_last_good_weights() -> None:
    layers = [{"type": "Dense", "units": 8, "activation": "relu"}, {"type": "Dense", "units": 3}]
    trainer = make_trainer({"optimizer": {"type": "sgd", "learning_rate": 1e6}, "epochs": 50,
                            "loss": "mse"}, layers=layers, numbers=True)
    history = [trainer.network.flat_params.copy()]
    for event in trainer.run():
        if isinstance(event, BatchEnd):
            history.append(trainer.network.flat_params.copy())
        last = event
    assert isinstance(last, Failed)
    assert last.reason == "diverged"
    assert f"epoch {last.epoch}, batch {last.batch}" in last.message
    failed_step = (last.epoch - 1) * trainer.steps_per_epoch + last.batch
    assert len(history) == failed_step          # no BatchEnd for the failed batch
    weights = trainer.network.flat_params
    assert np.all(np.isfinite(weights))
    np.testing.assert_array_equal(weights, history[max(failed_step - 2, 0)])


def test_nan_features_stop_at_their_batch() -> None:
    trainer = make_trainer({"shuffle": False, "batch_size": 8})
    x = np.asarray(trainer.x_train).copy()
    x[17, 0] = np.nan                            # sample 17 is in batch 3
    trainer.x_train = trainer.network.backend.asarray(x)
    events = run(trainer)
    assert isinstance(events[-1], Failed)
    assert (events[-1].epoch, events[-1].batch) == (1, 3)
    assert "loss became nan" in events[-1].message
    assert np.all(np.isfinite(trainer.network.flat_params))
    assert sum(isinstance(e, BatchEnd) for e in events) == 2


@pytest.mark.parametrize("clip", [None, 1.0])
def test_a_nan_gradient_stops_the_run_instead_of_spreading(clip: float | None) -> None:
    trainer = make_trainer({"gradient_clip": clip})
    net, original, calls = trainer.network, trainer.network.backward, []

    def backward(grad: Any, fused: bool = False) -> None:
        original(grad, fused)
        calls.append(1)
        if len(calls) == 4:
            net.flat_grads[3] = np.nan

    net.backward = backward
    events = run(trainer)
    assert isinstance(events[-1], Failed)
    assert (events[-1].epoch, events[-1].batch) == (2, 1)
    assert "gradient" in events[-1].message
    assert np.all(np.isfinite(net.flat_params))


def test_gradient_clipping_limits_the_update() -> None:
    free = make_trainer({"optimizer": {"type": "sgd", "learning_rate": 1.0}, "epochs": 1})
    clipped = make_trainer({"optimizer": {"type": "sgd", "learning_rate": 1.0}, "epochs": 1,
                            "gradient_clip": 0.01})
    start = clipped.network.flat_params.copy()
    batch = (clipped.x_train[:16], clipped.y_train[:16])
    _, _, _, norm, problem = clipped._train_step(*batch, 1.0)
    assert problem is None
    assert norm > 0.01
    assert np.linalg.norm(clipped.network.flat_params - start) == pytest.approx(0.01, rel=1e-4)
    free._train_step(*batch, 1.0)
    assert np.linalg.norm(free.network.flat_params - start) == pytest.approx(norm, rel=1e-4)


def test_stop_is_honoured_within_one_batch() -> None:
    control = TrainerControl()
    trainer = make_trainer({"epochs": 5}, control=control)
    events = []
    for event in trainer.run():
        events.append(event)
        if isinstance(event, BatchEnd) and event.step == 4:
            control.stop()
    assert isinstance(events[-1], Finished)
    assert events[-1].reason == "stopped"
    assert isinstance(events[-2], BatchEnd)
    assert events[-2].step == 4
    assert events[-1].epochs_completed == 1
    assert trainer.epoch == 1
    assert not control.stop_requested                  # consumed: a new run() can start
    assert isinstance(next(iter(trainer.run())), Started)


def test_live_learning_rate_change_keeps_the_schedule_shape() -> None:
    control = TrainerControl()
    schedule = {"type": "exponential", "decay_rate": 0.5, "decay_steps": 1}
    trainer = make_trainer({"schedule": schedule}, control=control)
    rates = []
    for event in trainer.run():
        if isinstance(event, BatchEnd):
            rates.append(event.learning_rate)
            if event.step == 2:
                control.set_learning_rate(0.8)
    assert rates[:2] == [0.1, 0.05]
    assert rates[2:5] == pytest.approx([0.8 * 0.25, 0.8 * 0.125, 0.8 * 0.0625], rel=1e-12)
    assert trainer.base_learning_rate == 0.8
    with pytest.raises(ValueError):
        control.set_learning_rate(float("nan"))


def test_run_continues_from_where_it_stopped() -> None:
    trainer = make_trainer({"epochs": 2})
    run(trainer)
    events = run(trainer)
    assert (events[0].initial_epoch, events[0].epochs) == (2, 4)
    assert [e.epoch for e in events if isinstance(e, EpochEnd)] == [3, 4]
    assert len(events[-1].history["loss"]) == 4
    assert [e.epoch for e in run(trainer, epochs=1) if isinstance(e, EpochEnd)] == [5]


RESUME = {"optimizer": {"type": "adam", "learning_rate": 0.02}, "epochs": 6, "batch_size": 8,
          "schedule": {"type": "warmup", "warmup_steps": 4, "then": {"type": "cosine"}},
          "early_stopping": {"patience": 100},
          "reduce_on_plateau": {"patience": 1, "factor": 0.5, "min_delta": 0.5}}
DROPOUT = [{"type": "Dense", "units": 8, "activation": "relu", "name": "h"},
           {"type": "Dropout", "rate": 0.3, "name": "drop"},
           {"type": "Dense", "units": 3, "name": "out"}, {"type": "Softmax", "name": "sm"}]


def test_resume_from_state_is_bitwise_identical_to_training_straight() -> None:
    straight = make_trainer(RESUME, layers=DROPOUT)
    run(straight)
    first = make_trainer(RESUME, layers=DROPOUT)
    run(first, epochs=2)
    tree, arrays = split_arrays(first.state_dict())
    text = json.dumps(tree, allow_nan=False)
    weights = first.network.get_weights()
    del first                                               # rebuild everything from scratch
    resumed = make_trainer(RESUME, layers=DROPOUT)
    resumed.network.set_weights(weights)
    resumed.load_state_dict(join_arrays(json.loads(text), arrays))
    events = run(resumed)
    assert (events[0].initial_epoch, events[0].epochs) == (2, 6)
    assert np.array_equal(resumed.network.flat_params, straight.network.flat_params)
    assert resumed.history == straight.history
    a, b = resumed.state_dict(), straight.state_dict()
    assert a["rng"] == b["rng"]
    assert a["layer_rngs"] == b["layer_rngs"]
    assert a["step"] == b["step"]
    assert all(np.array_equal(a["optimizer"]["slots"][k], b["optimizer"]["slots"][k])
               for k in ("m", "v"))
    assert a["base_learning_rate"] == b["base_learning_rate"] < 0.02   # the plateau acted
    assert json.dumps(split_arrays(a)[0]) == json.dumps(split_arrays(b)[0])


def test_state_dict_layout() -> None:
    trainer = make_trainer(RESUME, layers=DROPOUT)
    run(trainer, epochs=1)
    state = trainer.state_dict()
    assert set(state) == {"format", "epoch", "step", "base_learning_rate", "optimizer", "rng",
                          "layer_rngs", "history", "callbacks"}
    assert (state["epoch"], state["step"]) == (1, 5)
    assert state["optimizer"]["iterations"] == 5
    assert set(state["layer_rngs"]) == {"drop"}
    assert [c["type"] for c in state["callbacks"]] == ["ReduceLROnPlateau", "EarlyStopping"]
    assert state["callbacks"][1]["state"]["best_weights"]["h.W"].shape == (8, 2)


@pytest.mark.parametrize("damage", [
    lambda s: s.update(format=9), lambda s: s.update(epoch=-1),
    lambda s: s["optimizer"]["slots"].update(m=np.zeros(3)),
    lambda s: s.update(rng={"bit_generator": "MT19937"}), lambda s: s.update(layer_rngs={}),
    lambda s: s.update(callbacks=[]), lambda s: s.update(history={"loss": ["x"]}),
    lambda s: s.update(base_learning_rate=float("inf")),
])
def test_a_bad_state_changes_nothing(damage: Any) -> None:
    trainer = make_trainer(RESUME, layers=DROPOUT)
    run(trainer, epochs=1)
    good = trainer.state_dict()
    bad = trainer.state_dict()
    damage(bad)
    with pytest.raises(ModelFileError):
        trainer.load_state_dict(bad)
    after = trainer.state_dict()
    assert json.dumps(split_arrays(after)[0]) == json.dumps(split_arrays(good)[0])
    assert np.array_equal(after["optimizer"]["slots"]["m"], good["optimizer"]["slots"]["m"])


def test_state_taken_mid_epoch_counts_completed_epochs_only() -> None:
    trainer = make_trainer({"epochs": 3})
    events = trainer.run()
    for event in events:
        if isinstance(event, BatchEnd) and event.step == 5:       # epoch 2, batch 2
            break
    state = trainer.state_dict()
    assert (state["epoch"], state["step"], len(state["history"]["loss"])) == (1, 5, 1)
    events.close()                                  # the generator is abandoned mid-epoch
    restarted = run(trainer)
    assert restarted[0].initial_epoch == 1
    assert [e.epoch for e in restarted if isinstance(e, EpochEnd)] == [2, 3]


def test_binary_cross_entropy_fused_with_sigmoid_is_exact_when_saturated() -> None:
    """Outputs that round to 0 or 1 still give the true loss (from the logits), not a clip."""
    spec = NetworkSpec.from_dict({
        "input_shape": [1],
        "layers": [{"type": "Dense", "units": 1, "activation": "sigmoid",
                    "weights": [[100.0]], "bias": [0.0]}],
        "training": {"loss": "binary_cross_entropy", "epochs": 1, "batch_size": 2,
                     "validation_split": 0, "dtype": "float64",
                     "optimizer": {"type": "sgd", "learning_rate": 0.0}},
    })
    trainer = Trainer(compile_network(spec), spec.training, np.array([[1.0], [-1.0]]),
                      np.array([0, 1]))
    epoch = next(e for e in trainer.run() if isinstance(e, EpochEnd))
    assert epoch.metrics["loss"] == pytest.approx(100.0, rel=1e-12)


@pytest.mark.parametrize(("layers", "loss", "y", "says"), [
    ([{"type": "Dense", "units": 2}, {"type": "Softmax"}], "cross_entropy",
     np.array([0, 1, 2, 1]), "set the last layer's units to 3"),
    ([{"type": "Dense", "units": 1, "activation": "sigmoid"}], "binary_cross_entropy",
     np.array([0, 1, 2, 1]), "set the last layer's units to 3"),
    ([{"type": "Dense", "units": 2}], "mse", np.zeros((4, 3)), "make the last layer's units 3"),
    ([{"type": "Dense", "units": 2}], "mse", np.zeros(4), "use 1 unit for regression"),
])
def test_targets_that_do_not_fit_the_output_are_refused_up_front(layers, loss, y, says) -> None:
    from simulator.errors import DataError

    spec = NetworkSpec.from_dict({"input_shape": [2], "layers": layers,
                                  "training": {"loss": loss}})
    with pytest.raises(DataError, match=says):
        Trainer(compile_network(spec), spec.training, np.zeros((4, 2)), y)


def test_shuffle_false_presents_the_file_order_sample_by_sample() -> None:
    """The slides' loop: present each training instance in turn and adjust the weights.
    One sigmoid unit, batch size 1, plain SGD on MSE: the trainer must take exactly the steps
    of a hand-written loop over the rows in file order."""
    from simulator.data import Dataset, prepare

    x = np.array([[1.4, 2.7, 1.9], [3.8, 3.4, 3.2], [6.4, 2.8, 1.7], [4.1, 0.1, 0.2]])
    y = np.array([[0.0], [0.0], [1.0], [0.0]])
    spec = NetworkSpec.from_dict({
        "input_shape": [3],
        "layers": [{"type": "Dense", "units": 1, "activation": "sigmoid", "name": "unit",
                    "weights": [[0.1, -0.2, 0.05]], "bias": [0.0]}],
        "training": {"loss": "mse", "optimizer": {"type": "sgd", "learning_rate": 0.5},
                     "batch_size": 1, "epochs": 2, "shuffle": False, "validation_split": 0,
                     "preprocessing": "none", "dtype": "float64"}})
    prepared = prepare(Dataset("table", x, y, task="regression"), spec.training, [3])
    net = compile_network(spec, seed=0)
    run(Trainer(net, spec.training, prepared.x_train, prepared.y_train))
    w, b = np.array([[0.1, -0.2, 0.05]]), np.zeros(1)
    for _ in range(2):
        for row, target in zip(x, y, strict=True):
            out = 1 / (1 + np.exp(-(w @ row + b)))
            grad_z = 2 * (out - target) * out * (1 - out)
            w, b = w - 0.5 * np.outer(grad_z, row), b - 0.5 * grad_z
    np.testing.assert_allclose(net.layers["unit"].params["W"], w, rtol=1e-12)
    np.testing.assert_allclose(net.layers["unit"].params["b"], b, rtol=1e-12)


@pytest.mark.parametrize(("rate", "dtype", "val", "says"), [
    (1e150, "float64", True, "the validation loss became inf at epoch 1"),
    (1e300, "float32", False, "a weight became NaN or infinite at epoch 1"),
])
def test_an_update_that_overflows_fails_with_the_weights_from_before_it(rate, dtype, val,
                                                                         says) -> None:
    """One batch per epoch: the loss and gradient of the batch are finite, the update is not
    (or makes the validation loss overflow); nothing non-finite may be kept."""
    layers = [{"type": "Dense", "units": 4}, {"type": "Dense", "units": 1}]
    trainer = make_trainer({"loss": "mse", "batch_size": 100, "epochs": 2, "dtype": dtype,
                            "optimizer": {"type": "sgd", "learning_rate": rate}},
                           layers=layers, numbers=True, val=val)
    before = trainer.network.flat_params.copy()
    events = run(trainer)
    assert isinstance(events[-1], Failed)
    assert says in events[-1].message
    assert not any(isinstance(e, EpochEnd) for e in events)
    np.testing.assert_array_equal(trainer.network.flat_params, before)
