"""L1, L2 and elastic-net penalties: hand-computed values, gradients, and where they apply."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.errors import SpecError
from simulator.network import compile_network
from simulator.regularizers import Regularizer, get_regularizer
from simulator.spec import NetworkSpec
from simulator.training.trainer import Trainer
from tests.simulator.gradcheck import numerical_gradient, relative_error

W = np.array([[0.5, -2.0], [0.0, 1.5]])


def test_l2_penalty_and_gradient_by_hand() -> None:
    reg = Regularizer(l2=0.1)
    assert reg.penalty(W, np) == pytest.approx(0.1 * (0.25 + 4 + 0 + 2.25))
    grad = np.zeros_like(W)
    reg.add_gradient(W, grad, np)
    np.testing.assert_allclose(grad, 0.2 * W)


def test_l1_penalty_and_gradient_by_hand() -> None:
    reg = Regularizer(l1=0.01)
    assert reg.penalty(W, np) == pytest.approx(0.01 * 4.0)
    grad = np.ones_like(W)
    reg.add_gradient(W, grad, np)
    np.testing.assert_allclose(grad, [[1.01, 0.99], [1.0, 1.01]])


def test_elastic_net_is_the_sum_and_passes_a_gradient_check() -> None:
    reg = get_regularizer({"type": "elastic_net", "l1": 0.03, "l2": 0.2})
    assert reg == Regularizer(l1=0.03, l2=0.2)
    w = np.array([[0.4, -0.7, 1.1], [0.2, -0.3, 0.9]])
    assert reg.penalty(w, np) == pytest.approx(0.03 * np.abs(w).sum() + 0.2 * (w**2).sum())
    grad = np.zeros_like(w)
    reg.add_gradient(w, grad, np)
    idx, numeric = numerical_gradient(lambda: reg.penalty(w, np), w)
    assert relative_error(grad.reshape(-1)[idx], numeric) < 1e-7


@pytest.mark.parametrize(("spec", "expected"), [
    (None, None), ({"l2": 0.0}, None), ({"l2": 1e-4}, Regularizer(l2=1e-4)),
    ({"type": "l1", "lambda": 0.5}, Regularizer(l1=0.5)),
    ({"type": "elastic_net", "lambda": 0.1}, Regularizer(l1=0.1, l2=0.1)),
])
def test_parse(spec: object, expected: Regularizer | None) -> None:
    assert get_regularizer(spec) == expected
    if expected is not None:
        assert get_regularizer(expected.get_config()) == expected


@pytest.mark.parametrize("spec", [
    "l2", {"l3": 0.1}, {"l2": -1}, {"l2": float("inf")}, {"l1": True}, {"type": "dropout"},
])
def test_bad_specs(spec: object) -> None:
    with pytest.raises(SpecError):
        get_regularizer(spec)


def make_trainer(layer_reg: dict | None, global_reg: dict | None) -> Trainer:
    spec = NetworkSpec.from_dict({
        "input_shape": [3],
        "layers": [{"type": "Dense", "units": 4, "activation": "tanh", "name": "h",
                    **({"regularizer": layer_reg} if layer_reg is not None else {})},
                   {"type": "Dense", "units": 1, "name": "out"}],
        "training": {"loss": "mse", "regularizer": global_reg, "dtype": "float64",
                     "batch_size": 8, "optimizer": {"type": "sgd", "learning_rate": 0.0}},
    })
    net = compile_network(spec, seed=3)
    x = np.random.default_rng(0).normal(size=(8, 3))
    return Trainer(net, spec.training, x, x[:, :1] * 2.0)


def test_penalties_apply_to_weights_only_and_layer_setting_wins() -> None:
    trainer = make_trainer({"l1": 0.5}, {"l2": 0.01})
    net = trainer.network
    regs = {id(w): reg for reg, w, _ in trainer.penalties}
    assert regs == {id(net.layers["h"].params["W"]): Regularizer(l1=0.5),
                    id(net.layers["out"].params["W"]): Regularizer(l2=0.01)}


@pytest.mark.parametrize("off", [{"l2": 0}, {}, {"l1": 0, "l2": 0}])
def test_a_layers_zero_regularizer_switches_the_global_one_off(off: dict) -> None:
    trainer = make_trainer(off, {"l2": 0.01})
    net = trainer.network
    assert [id(w) for _, w, _ in trainer.penalties] == [id(net.layers["out"].params["W"])]
    assert net.spec.layer("h").create().get_config()["regularizer"] == {}   # it round-trips
    silent = make_trainer(off, None)
    assert silent.penalties == []


def test_the_penalty_is_reported_beside_the_data_loss_not_inside_it() -> None:
    """The slides' L_reg = L + λΣθ²: the gradient descends on the sum, but ``loss`` is the data
    loss L (comparable with the validation loss) and the penalty is its own number."""
    plain, reg = make_trainer(None, None), make_trainer(None, {"l2": 0.05})
    batch = (plain.x_train, plain.y_train)
    loss0, penalty0 = plain._train_step(*batch, 0.0)[:2]
    grads0 = plain.network.flat_grads.copy()
    loss1, penalty1 = reg._train_step(*batch, 0.0)[:2]
    w_h, w_out = (reg.network.layers[k].params["W"] for k in ("h", "out"))
    assert penalty0 == 0.0
    assert loss1 == pytest.approx(loss0, rel=1e-12)
    assert penalty1 == pytest.approx(0.05 * ((w_h**2).sum() + (w_out**2).sum()), rel=1e-12)
    diff = reg.network.flat_grads - grads0
    sl = reg.network.param_slices["h.W"]
    np.testing.assert_allclose(diff[sl], 0.1 * w_h.reshape(-1), atol=1e-14)
    bias = reg.network.param_slices["h.b"]
    np.testing.assert_array_equal(diff[bias], 0.0)


def test_epoch_metrics_hold_the_data_loss_and_the_penalty_separately() -> None:
    spec = NetworkSpec.from_dict({
        "input_shape": [3],
        "layers": [{"type": "Dense", "units": 4, "activation": "tanh", "name": "h"},
                   {"type": "Dense", "units": 1, "name": "out"}],
        "training": {"loss": "mse", "regularizer": {"l2": 0.05}, "dtype": "float64",
                     "batch_size": 8, "epochs": 1,
                     "optimizer": {"type": "sgd", "learning_rate": 0.0}},
    })
    net = compile_network(spec, seed=3)
    x = np.random.default_rng(0).normal(size=(16, 3))
    y = x[:, :1] * 2.0
    trainer = Trainer(net, spec.training, x, y, x, y)      # validation = the training data
    assert trainer.metric_names == ["loss", "penalty", "val_loss"]
    epoch = [e for e in trainer.run() if type(e).__name__ == "EpochEnd"][0]
    # learning rate 0: the weights never move, so train and validation see the same network
    assert epoch.metrics["loss"] == pytest.approx(epoch.metrics["val_loss"], rel=1e-12)
    weights = sum(float((net.layers[k].params["W"] ** 2).sum()) for k in ("h", "out"))
    assert epoch.metrics["penalty"] == pytest.approx(0.05 * weights, rel=1e-12)
    assert trainer.history["penalty"] == [epoch.metrics["penalty"]]
    unpenalised = Trainer(compile_network(spec, seed=3), spec.training.replace(regularizer={}),
                          x, y)
    assert "penalty" not in unpenalised.metric_names
