"""Probes: payload shapes and values, and that sampling them never changes training."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from resources import resource_path
from simulator.errors import DataError, SpecError
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.probes import (
    activation_stats,
    conv_kernels,
    decision_grid,
    default_probes,
    gradient_stats,
    layer_values,
    network_lock,
    paced_run,
    parameter_values,
    sample_activations,
    weight_stats,
)
from simulator.training.trainer import BatchEnd, EpochEnd, Finished, Snapshot
from tests.simulator.training.test_trainer import blobs, make_trainer, run


def net_from(layers: list[dict], input_shape: list[int], seed: int = 0):
    spec = NetworkSpec.from_dict({"input_shape": input_shape, "layers": layers,
                                  "training": {"dtype": "float64"}})
    return compile_network(spec, seed=seed)


def test_weight_stats_values() -> None:
    net = make_trainer().network
    stats = weight_stats(net, bins=16)
    assert set(stats) == {"h.W", "h.b", "out.W", "out.b"}
    w = np.asarray(net.layers["h"].params["W"], np.float64)
    s = stats["h.W"]
    assert s["counts"].shape == (16,)
    assert s["counts"].sum() == w.size
    limit = s["edges"][-1]
    assert s["edges"][0] == -limit
    assert limit >= np.abs(w).max() > limit / 2
    assert np.log2(limit) == int(np.log2(limit))         # a power of two: stable edges
    assert s["mean"] == pytest.approx(w.mean(), rel=1e-5)
    assert s["std"] == pytest.approx(w.std(), rel=1e-5)
    assert s["norm"] == pytest.approx(np.linalg.norm(w), rel=1e-5)
    assert stats["h.b"]["counts"].sum() == 8
    assert stats["h.b"]["edges"][-1] == 1.0


def test_gradient_stats_follow_the_last_update() -> None:
    trainer = make_trainer()
    trainer._train_step(trainer.x_train[:16], trainer.y_train[:16], 0.1)
    stats = gradient_stats(trainer.network)
    g = np.asarray(trainer.network.layers["out"].grads["W"], np.float64)
    assert stats["out.W"]["norm"] == pytest.approx(np.linalg.norm(g), rel=1e-5)
    assert stats["out.W"]["mean_abs"] == pytest.approx(np.abs(g).mean(), rel=1e-5)
    assert stats["out.W"]["counts"].sum() == g.size


def test_dead_relu_units_and_saturated_sigmoids() -> None:
    layers = [{"type": "Dense", "units": 4, "activation": "relu", "name": "r",
               "weights": [[1, 1], [-1, -1], [2, 0.5], [-3, -1]], "bias": [0, 0, 0, 0]},
              {"type": "Dense", "units": 2, "activation": "sigmoid", "name": "s",
               "weights": [[100, 0, 100, 0], [0.01, 0, 0, 0]], "bias": [0, 0]},
              {"type": "Dense", "units": 2, "activation": "tanh", "name": "t"}]
    net = net_from(layers, [2])
    x = np.array([[1.0, 2.0], [0.5, 0.1], [3.0, 0.0]])      # positive inputs: units 1, 3 dead
    stats = activation_stats(net, x)
    assert stats["r"]["dead_fraction"] == 0.5
    assert stats["s"]["saturated_fraction"] == 0.5          # unit 0 saturated, unit 1 not
    assert set(stats["t"]) == {"mean", "std", "saturated_fraction"}


def test_sample_activations_give_conv_feature_maps() -> None:
    layers = [{"type": "Conv2D", "filters": 3, "kernel_size": 3, "activation": "relu",
               "name": "conv"},
              {"type": "Flatten", "name": "flat"}, {"type": "Dense", "units": 2, "name": "d"}]
    net = net_from(layers, [1, 6, 6])
    maps = sample_activations(net, np.random.default_rng(0).normal(size=(1, 6, 6)))
    assert maps["input"].shape == (1, 6, 6)
    assert maps["conv"].shape == (3, 4, 4)
    assert maps["flat"].shape == (48,)
    assert maps["d"].shape == (2,)
    assert all(type(v) is np.ndarray for v in maps.values())
    with pytest.raises(DataError):
        sample_activations(net, np.zeros((2, 1, 6, 6)))


def test_decision_grid() -> None:
    net = make_trainer().network
    grid = decision_grid(net, (-1.0, 1.0, -2.0, 2.0), resolution=5)
    assert grid["grid"].shape == (5, 5, 3)
    np.testing.assert_allclose(grid["grid"].sum(axis=-1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(grid["xs"], np.linspace(-1, 1, 5))
    point = net.predict(np.array([[grid["xs"][1], grid["ys"][3]]]))[0]
    np.testing.assert_allclose(grid["grid"][3, 1], point, rtol=1e-6)
    shifted = decision_grid(net, (-1.0, 1.0, -2.0, 2.0), 5, transform=lambda p: p + 1.0)
    np.testing.assert_allclose(shifted["grid"][0, 0], net.predict(np.array([[0.0, -1.0]]))[0],
                               rtol=1e-6)
    with pytest.raises(DataError):
        decision_grid(net, (1.0, -1.0, 0.0, 1.0), 5)
    with pytest.raises(DataError):
        decision_grid(net_from([{"type": "Dense", "units": 1}], [3]), (0, 1, 0, 1), 5)


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    return [value]


BN_DROPOUT = [{"type": "Dense", "units": 8, "activation": "relu", "name": "h"},
              {"type": "BatchNorm", "name": "bn"}, {"type": "Dropout", "rate": 0.4, "name": "dr"},
              {"type": "Dense", "units": 3, "name": "out"}, {"type": "Softmax", "name": "sm"}]


def test_probes_do_not_change_training() -> None:
    plain = make_trainer({"epochs": 2}, layers=BN_DROPOUT)
    run(plain)
    x, _ = blobs()
    watched = make_trainer({"epochs": 2}, layers=BN_DROPOUT, snapshot_interval=0.0)
    watched.probes = default_probes(watched.network, x, grid_bounds=(-2, 2, -2, 2),
                                    grid_resolution=8)
    events = run(watched)
    snapshots = [e for e in events if isinstance(e, Snapshot)]
    assert len(snapshots) == sum(isinstance(e, BatchEnd) for e in events) + 2
    assert np.array_equal(plain.network.flat_params, watched.network.flat_params)
    for key, value in plain.network.get_weights().items():
        assert np.array_equal(value, watched.network.get_weights()[key])
    assert plain.rng.bit_generator.state == watched.rng.bit_generator.state
    data = snapshots[-1].data
    assert set(data) == {"weights", "gradients", "activations", "sample", "parameters",
                         "decision"}
    assert all(type(leaf) in (np.ndarray, float) for leaf in leaves(data))
    assert "dead_fraction" in data["activations"]["h"]
    assert data["decision"]["grid"].shape == (8, 8, 3)


def test_default_probes_skip_the_grid_for_other_inputs_and_check_the_sample() -> None:
    net = net_from([{"type": "Dense", "units": 2}], [3])
    probes = default_probes(net, np.zeros((4, 3)), grid_bounds=(0, 1, 0, 1))
    assert set(probes) == {"weights", "gradients", "activations", "sample", "parameters"}
    assert probes["sample"](net)["input"].shape == (3,)
    with pytest.raises(DataError):
        default_probes(net, np.zeros((4, 3)), sample_index=4)


def worked_example():
    """The worked-example lesson's network, as the app opens it (float64 for exact checks)."""
    lesson = json.loads(resource_path("presets", "worked_example.json").read_text())
    network = dict(lesson["network"])
    network["training"] = {**network.get("training", {}), "dtype": "float64"}
    return compile_network(NetworkSpec.from_dict(network))


def test_layer_values_reproduce_the_worked_example() -> None:
    """The lecture's (1, -1) → 0.98 / 0.12 → 0.86 / 0.11 → 0.62 / 0.83, unit by unit."""
    net = worked_example()
    values = layer_values(net, [1.0, -1.0])
    assert list(values) == ["input", "layer_1", "layer_2", "output"]
    np.testing.assert_array_equal(values["input"]["a"], [[1.0, -1.0]])
    np.testing.assert_allclose(values["layer_1"]["z"], [[4.0, -2.0]])   # W x + b on the slide
    np.testing.assert_array_equal(np.round(values["layer_1"]["a"], 2), [[0.98, 0.12]])
    np.testing.assert_array_equal(np.round(values["layer_2"]["a"], 2), [[0.86, 0.11]])
    np.testing.assert_array_equal(np.round(values["output"]["a"], 2), [[0.62, 0.83]])
    # ... and they are the network's real outputs, not a recomputation beside it.
    np.testing.assert_array_equal(values["output"]["a"], net.predict([[1.0, -1.0]]))
    for name, out in zip(["layer_1", "layer_2", "output"], net.forward_all(
            np.array([[1.0, -1.0]]))[1:], strict=True):
        np.testing.assert_array_equal(values[name]["a"], out)


def test_the_worked_example_shows_the_slides_weight_matrix() -> None:
    """W as the course writes it: one row per unit, W = [[1, -2], [-1, 1]] for layer 1."""
    shown = parameter_values(worked_example())
    np.testing.assert_array_equal(shown["layer_1"]["weights"], [[1, -2], [-1, 1]])
    np.testing.assert_array_equal(shown["layer_1"]["bias"], [1, 0])


def test_shown_weights_are_the_w_of_z_equals_w_x_plus_b() -> None:
    """Rows are units, columns inputs, whatever the engine stores: z = W x + b holds for the
    shown W and b, on layers whose inputs and units differ in number (3 → 2 → 4)."""
    net = net_from([{"type": "Dense", "units": 2, "activation": "tanh", "name": "d"},
                    {"type": "Dense", "units": 4, "name": "e"}], [3], seed=4)
    x = np.random.default_rng(0).normal(size=(5, 3))
    shown = parameter_values(net)
    values = layer_values(net, x)
    assert shown["d"]["weights"].shape == (2, 3)
    assert shown["e"]["weights"].shape == (4, 2)
    np.testing.assert_allclose(values["d"]["z"], x @ shown["d"]["weights"].T + shown["d"]["bias"])
    np.testing.assert_allclose(values["d"]["a"], np.tanh(values["d"]["z"]))
    np.testing.assert_allclose(values["e"]["z"], values["d"]["a"] @ shown["e"]["weights"].T
                               + shown["e"]["bias"])
    np.testing.assert_array_equal(values["e"]["a"], values["e"]["z"])   # linear output


def test_layer_values_of_convolutions_activation_layers_and_merges() -> None:
    net = net_from([{"type": "Conv2D", "filters": 2, "kernel_size": 3, "name": "c",
                     "activation": "relu"},
                    {"type": "Flatten", "name": "f"},
                    {"type": "Dense", "units": 3, "name": "d"},
                    {"type": "Softmax", "name": "s"}], [1, 5, 5])
    x = np.random.default_rng(1).normal(size=(2, 1, 5, 5))
    values = layer_values(net, x)
    assert values["c"]["z"].shape == values["c"]["a"].shape == (2, 2, 3, 3)
    np.testing.assert_array_equal(values["c"]["a"], np.maximum(values["c"]["z"], 0))
    assert "z" not in values["f"]                          # Flatten applies no activation
    np.testing.assert_array_equal(values["s"]["z"], values["d"]["a"])   # the logits
    np.testing.assert_array_equal(values["s"]["a"], net.predict(x))
    merged = compile_network(NetworkSpec.from_dict({
        "input_shape": [2], "training": {"dtype": "float64"},
        "layers": [{"type": "Dense", "units": 2, "name": "a"},
                   {"type": "Dense", "units": 2, "name": "b", "inputs": ["input"]},
                   {"type": "Add", "name": "sum", "inputs": ["a", "b"]}]}))
    both = layer_values(merged, [[1.0, 2.0]])
    np.testing.assert_allclose(both["sum"]["a"], both["a"]["a"] + both["b"]["a"])
    assert "z" not in both["sum"]


def test_layer_values_refuse_an_input_of_the_wrong_size() -> None:
    with pytest.raises(DataError, match="input_shape"):
        layer_values(worked_example(), [1.0, 2.0, 3.0])


def test_parameter_values_leave_out_large_tensors_and_follow_training() -> None:
    trainer = make_trainer({"epochs": 1})
    before = parameter_values(trainer.network)
    run(trainer)
    after = parameter_values(trainer.network)
    assert set(after) == {"h", "out"}
    assert not np.array_equal(before["h"]["weights"], after["h"]["weights"])
    np.testing.assert_array_equal(after["h"]["weights"],
                                  np.asarray(trainer.network.layers["h"].params["W"]))
    small = parameter_values(trainer.network, max_values=8)
    assert set(small["h"]) == {"bias"}                   # 8 biases, W is 2×8 = 16 values
    assert all(isinstance(v, np.ndarray) for layer in after.values() for v in layer.values())
def _probed(epochs: int, **kwargs: Any):
    trainer = make_trainer({"epochs": epochs}, **kwargs)
    x, _ = blobs()
    trainer.probes = default_probes(trainer.network, x, grid_bounds=(-2, 2, -2, 2),
                                    grid_resolution=8)
    return trainer


def test_paced_run_takes_no_snapshot_per_epoch_and_one_at_the_end() -> None:
    trainer = _probed(20)
    probes = trainer.probes
    events = list(paced_run(trainer, interval=1e9))   # an interval no run reaches
    snapshots = [i for i, e in enumerate(events) if isinstance(e, Snapshot)]
    # The first batch (nothing shown yet) and the end: not one per epoch as trainer.run().
    assert len(snapshots) == 2
    assert isinstance(events[snapshots[0] - 1], BatchEnd)
    assert snapshots[-1] == len(events) - 2
    assert isinstance(events[-1], Finished)
    final = events[snapshots[-1]].data["weights"]
    now = weight_stats(trainer.network)
    for name, stats in now.items():         # the final weights, not an earlier epoch's
        np.testing.assert_array_equal(final[name]["counts"], stats["counts"])
    assert trainer.probes is probes          # given back when the run ends
    # The same run, snapshots aside, as the trainer's own.
    plain = make_trainer({"epochs": 20})
    list(plain.run())
    np.testing.assert_array_equal(plain.network.flat_params, trainer.network.flat_params)


def test_paced_run_with_no_interval_samples_every_batch_and_epoch() -> None:
    trainer = _probed(2)
    events = list(paced_run(trainer, interval=0.0, budget=1.0))
    after = [type(events[i - 1]) for i, e in enumerate(events) if isinstance(e, Snapshot)]
    n_steps = sum(isinstance(e, BatchEnd) for e in events)
    assert after.count(BatchEnd) == n_steps
    assert after.count(EpochEnd) == 2


def test_a_stretched_pace_takes_fewer_snapshots(monkeypatch) -> None:
    """``stretch`` multiplies the interval between snapshots (a view that draws a quarter as
    often asks for a quarter as many); the run itself is the same."""
    from types import SimpleNamespace

    import simulator.training.probes as probes_module

    counts, weights = [], []
    for factor in (1.0, 4.0):
        def monotonic(clock: list[float] = [0.0]) -> float:  # noqa: B006 (the clock's state)
            clock[0] += 0.001                  # every reading: 1 ms on, on every machine
            return clock[0]

        monkeypatch.setattr(probes_module, "time", SimpleNamespace(monotonic=monotonic))
        trainer = _probed(40)
        events = list(paced_run(trainer, interval=0.002, budget=1.0,
                                stretch=lambda f=factor: f))
        counts.append(sum(isinstance(e, Snapshot) for e in events))
        weights.append(trainer.network.flat_params.copy())
    assert 0 < 3 * counts[1] <= counts[0]      # (a snapshot reads the clock too: not 4 × exactly)
    np.testing.assert_array_equal(weights[0], weights[1])


def test_paced_run_holds_the_network_lock_while_it_runs() -> None:
    trainer = _probed(2)
    lock = network_lock(trainer.network)
    assert lock is network_lock(trainer.network)     # one lock per network
    events = paced_run(trainer)
    next(events)
    assert lock.locked()
    for _ in events:
        pass
    assert not lock.locked()
    stopped = paced_run(_probed(5))
    next(stopped)
    stopped.close()                                   # a run abandoned half-way
    assert not network_lock(trainer.network).locked()


def test_paced_run_refuses_bad_pacing_at_once() -> None:
    with pytest.raises(ValueError, match="budget"):
        paced_run(_probed(1), budget=0.0)
    with pytest.raises(ValueError, match="interval"):
        paced_run(_probed(1), interval=-1.0)


def test_grid_bounds_may_follow_a_plot() -> None:
    net = net_from([{"type": "Dense", "units": 2}], [2])
    area = [(-1.0, 1.0, -1.0, 1.0)]
    probes = default_probes(net, np.zeros((4, 2)), grid_bounds=lambda: area[0],
                            grid_resolution=4)
    assert probes["decision"](net)["xs"][0] == -1.0
    area[0] = (-3.0, 3.0, 0.0, 1.0)                 # the plot was widened
    grid = probes["decision"](net)
    np.testing.assert_array_equal(grid["bounds"], [-3.0, 3.0, 0.0, 1.0])
    assert grid["xs"][-1] == 3.0


def test_conv_kernels_are_the_layers_kernels_bounded_by_whole_filters() -> None:
    net = net_from([{"type": "Conv2D", "name": "conv", "filters": 6, "kernel_size": 3},
                    {"type": "Flatten"}, {"type": "Dense", "name": "out", "units": 2}], [2, 5, 5])
    kernels = next(n.layer.params["W"] for n in net.nodes if n.name == "conv")
    data = conv_kernels(net)
    assert set(data) == {"conv"}                       # Dense layers have no kernels
    assert data["conv"]["filters"] == 6.0
    np.testing.assert_array_equal(data["conv"]["kernels"], kernels)
    assert data["conv"]["kernels"] is not kernels      # a copy, not the training array
    bounded = conv_kernels(net, max_values=40)         # 18 values a filter: two fit
    np.testing.assert_array_equal(bounded["conv"]["kernels"], kernels[:2])
    assert conv_kernels(net, max_values=5)["conv"]["kernels"].shape == (1, 2, 3, 3)
    probes = default_probes(net, np.zeros((4, 2, 5, 5)))
    np.testing.assert_array_equal(probes["kernels"](net)["conv"]["kernels"], kernels)
    with pytest.raises(SpecError):
        conv_kernels(net, max_values=0)
