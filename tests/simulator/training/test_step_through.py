"""The step-through of one sample: its numbers are the engine's forward, backward and update."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from resources import resource_path
from simulator.errors import DataError, TrainingError
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.step_through import StepThrough
from simulator.training.trainer import BatchEnd, Trainer

# A softmax output fused with cross-entropy, and a sigmoid output read by MSE (not fused).
SOFTMAX = [{"type": "Dense", "units": 3, "activation": "tanh", "name": "hidden"},
           {"type": "Dense", "units": 2, "name": "logits"}, {"type": "Softmax", "name": "sm"}]
SIGMOID_MSE = [{"type": "Dense", "units": 3, "activation": "relu", "name": "hidden"},
               {"type": "Dense", "units": 1, "activation": "sigmoid", "name": "out"}]


def data(n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.normal(0.0, 1.0, (n, 2))
    return x, (x[:, 0] * x[:, 1] > 0).astype(np.int64)


def trainer_for(layers: list[dict[str, Any]], training: dict[str, Any] | None = None,
                dtype: str = "float64") -> Trainer:
    config = {"loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1},
              "batch_size": 4, "epochs": 1, "shuffle": False, "dtype": dtype,
              **(training or {})}
    spec = NetworkSpec.from_dict({"input_shape": [2], "layers": layers, "training": config})
    x, y = data()
    if config["loss"] == "mse":
        y = y.astype(np.float64)[:, None]
    return Trainer(compile_network(spec, seed=1), spec.training, x, y)


def test_forward_stage_equals_the_networks_forward() -> None:
    trainer = trainer_for(SOFTMAX)
    x, y = data()
    trace = StepThrough(trainer).trace(x[5], y[5])
    values = trainer.network.forward_all(x[5:6], training=False)
    for record, value in zip(trace.forward, values[1:], strict=True):
        np.testing.assert_array_equal(record.a, value[0])
    hidden, logits = trace.layer("hidden"), trace.layer("logits")
    np.testing.assert_array_equal(hidden.inputs[0], x[5])
    np.testing.assert_array_equal(logits.inputs[0], hidden.a)
    # z = W x + b with W laid out [units][inputs], a = f(z)
    np.testing.assert_allclose(hidden.z, hidden.params["W"] @ x[5] + hidden.params["b"],
                               rtol=1e-12)
    np.testing.assert_allclose(hidden.a, np.tanh(hidden.z), rtol=1e-12)
    assert (hidden.activation, logits.activation) == ("tanh", "linear")
    np.testing.assert_array_equal(trace.layer("sm").z, logits.a)
    np.testing.assert_array_equal(trace.output, values[-1][0])
    assert trace.target == y[5]
    assert trace.loss == pytest.approx(-np.log(trace.output[y[5]]), rel=1e-12)
    assert (trace.fused, trace.loss_name, trace.problem) == ("softmax", "cross_entropy", None)


def _finite_difference(trainer: Trainer, x: np.ndarray, y: Any, layer: str, key: str,
                       eps: float = 1e-6) -> np.ndarray:
    """Central differences of the run's loss on one sample w.r.t. one parameter tensor."""
    net, loss = trainer.network, trainer.loss
    array = net.layers[layer].params[key]
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        keep = array[index]
        values = []
        for sign in (1.0, -1.0):
            array[index] = keep + sign * eps
            output = net.forward(x[None], training=False)
            values.append(float(loss.value_and_grad(output, np.asarray([y]), np,
                                                    trainer.fused)[0]))
        array[index] = keep
        grad[index] = (values[0] - values[1]) / (2 * eps)
    return grad


@pytest.mark.parametrize(("layers", "training"), [
    (SOFTMAX, {}),
    (SIGMOID_MSE, {"loss": "mse"}),
])
def test_backward_stage_is_the_engines_gradient_and_passes_a_finite_difference_check(
        layers: list, training: dict) -> None:
    trainer = trainer_for(layers, training)
    x, y = data()
    target = y[7] if training.get("loss") != "mse" else np.array([float(y[7])])
    trace = StepThrough(trainer).trace(x[7], target)
    assert [b.name for b in trace.backward] == [n.name for n in trainer.network.nodes][::-1]
    # the engine's own backward on the same sample, in a second network
    twin = trainer_for(layers, training)
    twin.compute_gradient(*twin.as_batch(x[7:8], np.asarray([target]) if target.ndim == 0
                                         else target[None]))
    for node in twin.network.nodes:
        for key, grad in node.layer.grads.items():
            recorded = trace.gradients(node.name).grads[key]
            np.testing.assert_array_equal(recorded, grad)
            numeric = _finite_difference(trainer, x[7], target, node.name, key)
            np.testing.assert_allclose(recorded, numeric, rtol=1e-6, atol=1e-9)
    for name in ("hidden", trace.backward[0].name):
        record = trace.gradients(name)
        if "b" in record.grads:             # z = W x + b: ∂L/∂b is δ, ∂L/∂W is δ xᵀ
            np.testing.assert_allclose(record.delta, record.grads["b"], rtol=1e-12)
            np.testing.assert_allclose(record.grads["W"],
                                       np.outer(record.delta, trace.layer(name).inputs[0]),
                                       rtol=1e-12, atol=1e-15)


def test_backward_stage_names_what_the_loss_absorbed_and_what_it_did_not() -> None:
    fused = trainer_for(SOFTMAX)
    x, y = data()
    trace = StepThrough(fused).trace(x[2], y[2])
    softmax = trace.gradients("sm")
    assert softmax.grad_output is None            # the engine never forms ∂L/∂p
    np.testing.assert_allclose(softmax.delta, trace.output - np.eye(2)[y[2]], rtol=1e-12)
    np.testing.assert_array_equal(trace.gradients("logits").grad_output, softmax.delta)
    plain = trainer_for(SIGMOID_MSE, {"loss": "mse"})
    out = StepThrough(plain).trace(x[2], np.array([1.0])).gradients("out")
    a = StepThrough(plain).trace(x[2], np.array([1.0])).output
    np.testing.assert_allclose(out.grad_output, 2 * (a - 1.0), rtol=1e-12)   # d(a-y)²/da
    np.testing.assert_allclose(out.delta, out.grad_output * a * (1 - a), rtol=1e-12)


@pytest.mark.parametrize("optimizer", [
    {"type": "sgd", "learning_rate": 0.3},
    {"type": "sgd", "learning_rate": 0.3, "momentum": 0.9},
    {"type": "adam", "learning_rate": 0.05},
])
def test_update_stage_is_one_step_of_the_runs_optimizer(optimizer: dict) -> None:
    layers, x, y = SOFTMAX, *data()
    trainer = trainer_for(layers, {"optimizer": optimizer})
    stepper = StepThrough(trainer)
    stepper.trace(x[0], y[0])
    stepper.update()          # a second update, so momentum and Adam carry state into it
    stepper.trace(x[3], y[3])
    update = stepper.update()
    # the Trainer's own loop, one sample per batch, on the same two samples
    spec = trainer.network.spec
    twin_net = compile_network(spec, seed=1)
    twin = Trainer(twin_net, spec.training.replace(batch_size=1), x[[0, 3]], y[[0, 3]])
    events = list(twin.run(1))
    assert sum(isinstance(e, BatchEnd) for e in events) == 2
    for node in twin_net.nodes:
        for key, value in node.layer.params.items():
            expected = np.asarray(value)
            np.testing.assert_array_equal(update.params[node.name][key].after, expected)
            np.testing.assert_array_equal(update.params[node.name][key].change,
                                          expected - update.params[node.name][key].before)
    assert (update.optimizer, update.t, update.step) == (optimizer["type"], 2, 2)
    assert update.learning_rate == optimizer["learning_rate"]
    slots = twin.optimizer.state_dict()["slots"]
    assert set(update.state) == set(slots)
    for slot, flat in slots.items():
        for node in twin_net.nodes:
            for key, value in node.layer.params.items():
                part = flat[twin_net.param_slices[f"{node.name}.{key}"]].reshape(value.shape)
                np.testing.assert_array_equal(update.state[slot][node.name][key], part)
    if optimizer.get("momentum"):
        assert set(update.state) == {"velocity"}
    if optimizer["type"] == "adam":
        assert set(update.state) == {"m", "v"}


def test_worked_example_shows_the_slides_numbers() -> None:
    lesson = json.loads(resource_path("presets", "worked_example.json").read_text())
    network = dict(lesson["network"], training={**lesson["network"]["training"],
                                                 "dtype": "float64"})
    spec = NetworkSpec.from_dict(network)
    x = np.array([[1.0, -1.0], [0.0, 0.0]])
    trainer = Trainer(compile_network(spec), spec.training, x, np.array([1, 0]))
    trace = StepThrough(trainer).trace_index(0)
    first, second, out = (trace.layer(n) for n in ("layer_1", "layer_2", "output"))
    # the slide: unit 1 has weights (1, -2) and bias 1, unit 2 (-1, 1) and 0
    np.testing.assert_array_equal(first.params["W"], [[1, -2], [-1, 1]])
    np.testing.assert_array_equal(first.z, [4.0, -2.0])
    np.testing.assert_array_equal(np.round(first.a, 2), [0.98, 0.12])
    np.testing.assert_array_equal(np.round(second.a, 2), [0.86, 0.11])
    np.testing.assert_array_equal(np.round(out.a, 2), [0.62, 0.83])
    np.testing.assert_array_equal(trace.x, [1.0, -1.0])
    assert trace.label == "training sample 0"


def test_presenting_the_next_sample_walks_through_the_training_split() -> None:
    trainer = trainer_for(SOFTMAX)
    stepper = StepThrough(trainer)
    x, _ = data()
    labels = []
    for _ in range(len(x) + 1):
        trace = stepper.trace_next()
        labels.append(trace.label)
    assert labels[:2] == ["training sample 0", "training sample 1"]
    assert labels[-1] == "training sample 0"
    np.testing.assert_array_equal(trace.x, x[0])


def test_bad_requests_get_typed_errors_before_any_work() -> None:
    trainer = trainer_for(SOFTMAX)
    stepper = StepThrough(trainer)
    before = trainer.network.get_weights()
    with pytest.raises(TrainingError, match="trace one first"):
        stepper.update()
    with pytest.raises(DataError, match="one sample of shape \\[2\\]"):
        stepper.trace(np.zeros((2, 2)), 0)
    with pytest.raises(DataError, match="training split has 12 samples"):
        stepper.trace_index(12)
    with pytest.raises(DataError, match="output has 2 unit"):
        stepper.trace(np.zeros(2), 5)
    after = trainer.network.get_weights()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert trainer.step == 0


def test_a_sample_with_a_non_finite_loss_traces_the_problem_and_cannot_be_applied() -> None:
    trainer = trainer_for(SOFTMAX)
    stepper = StepThrough(trainer)
    trace = stepper.trace(np.array([np.nan, 0.0]), 1)
    assert trace.problem is not None
    assert "loss became nan" in trace.problem
    assert trace.backward == ()
    assert not stepper.pending
    with pytest.raises(TrainingError):
        stepper.update()


def test_the_watch_leaves_the_network_as_it_was() -> None:
    trainer = trainer_for(SOFTMAX)
    x, y = data()
    StepThrough(trainer).trace(x[1], y[1])
    for node in trainer.network.nodes:
        assert not {"forward", "backward", "backward_linear"} & set(vars(node.layer))
        assert "forward" not in vars(node.layer.activation)
    events = list(trainer.run(1))          # and it trains as usual afterwards
    assert sum(isinstance(e, BatchEnd) for e in events) == 3
