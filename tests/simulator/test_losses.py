"""Losses: float64 gradient checks (fused with their activation and not), stability, targets."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.activations import ReLU, Sigmoid, Softmax
from simulator.errors import SpecError
from simulator.losses import get_loss
from tests.simulator.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(7)


def check(f, analytic: np.ndarray, array: np.ndarray, tol: float = 1e-7) -> None:
    idx, numeric = numerical_gradient(f, array)
    assert relative_error(analytic.reshape(-1)[idx], numeric) < tol


@pytest.mark.parametrize("one_hot", [False, True])
def test_cross_entropy_fused_with_softmax(one_hot: bool) -> None:
    loss, act = get_loss("cross_entropy"), Softmax()
    logits = RNG.normal(size=(5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    target = np.eye(4)[labels] if one_hot else labels

    def f() -> float:
        return float(loss.value_and_grad(act.forward(logits.copy(), np), target, np, act)[0])

    _, grad = loss.value_and_grad(act.forward(logits.copy(), np), target, np, act)
    check(f, grad, logits)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(probs[np.arange(5), labels]))
    assert f() == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_unfused_reads_outputs_as_logits() -> None:
    loss = get_loss("ce")
    logits, labels = RNG.normal(size=(4, 3)), np.array([2, 0, 1, 2])
    _, grad = loss.value_and_grad(logits, labels, np)
    check(lambda: float(loss.value_and_grad(logits, labels, np)[0]), grad, logits)


def test_binary_cross_entropy_fused_with_sigmoid() -> None:
    loss, act = get_loss("binary_cross_entropy"), Sigmoid()
    logits, target = RNG.normal(size=(6, 1)), np.array([0, 1, 1, 0, 1, 0])

    def f() -> float:
        return float(loss.value_and_grad(act.forward(logits.copy(), np), target, np, act)[0])

    _, grad = loss.value_and_grad(act.forward(logits.copy(), np), target, np, act)
    check(f, grad, logits)


def test_binary_cross_entropy_unfused_on_probabilities() -> None:
    loss = get_loss("bce")
    p, target = RNG.uniform(0.1, 0.9, size=(5, 2)), RNG.integers(0, 2, size=(5, 2)) * 1.0
    _, grad = loss.value_and_grad(p, target, np)
    check(lambda: float(loss.value_and_grad(p, target, np)[0]), grad, p)
    expected = -np.mean(np.sum(target * np.log(p) + (1 - target) * np.log(1 - p), axis=1))
    assert float(loss.value_and_grad(p, target, np)[0]) == pytest.approx(expected, rel=1e-12)


def test_binary_cross_entropy_from_logits_is_exact_where_probabilities_saturate() -> None:
    loss = get_loss("bce")
    act = loss.fuse(Sigmoid())
    assert act is not None
    logits, target = np.array([[-40.0], [30.0], [0.3]]), np.array([1, 0, 1])
    value = float(loss.value_and_grad(act.forward(logits.copy(), np), target, np, act)[0])
    assert value == pytest.approx((40.0 + 30.0 + np.log1p(np.exp(-0.3))) / 3, rel=1e-12)

    def f() -> float:
        return float(loss.value_and_grad(act.forward(logits.copy(), np), target, np, act)[0])

    _, grad = loss.value_and_grad(act.forward(logits.copy(), np), target, np, act)
    check(f, grad, logits)


@pytest.mark.parametrize("name", ["mse", "mae"])
def test_regression_losses(name: str) -> None:
    loss = get_loss(name)
    pred, target = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    _, grad = loss.value_and_grad(pred, target, np)
    check(lambda: float(loss.value_and_grad(pred, target, np)[0]), grad, pred)
    diff = pred - target
    expected = np.mean(diff**2) if name == "mse" else np.mean(np.abs(diff))
    assert float(loss.value_and_grad(pred, target, np)[0]) == pytest.approx(expected, rel=1e-12)


def test_mse_with_one_column_and_flat_targets() -> None:
    loss = get_loss("mean_squared_error")
    value, grad = loss.value_and_grad(np.array([[1.0], [3.0]]), np.array([0.0, 1.0]), np)
    assert float(value) == pytest.approx(2.5)
    np.testing.assert_allclose(grad, [[1.0], [2.0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_give_finite_loss_and_gradient(dtype: type) -> None:
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [0.0, 0.0, 0.0]], dtype=dtype)
    labels = np.array([1, 2, 0])
    ce, softmax = get_loss("cross_entropy"), Softmax()
    value, grad = ce.value_and_grad(softmax.forward(logits.copy(), np), labels, np, softmax)
    assert np.isfinite(value)
    assert np.all(np.isfinite(grad))
    assert float(value) == pytest.approx((2e4 + np.log(3) + np.log(3)) / 3, rel=1e-5)
    value, grad = ce.value_and_grad(logits.copy(), labels, np)          # unfused
    assert np.isfinite(value)
    assert np.all(np.isfinite(grad))
    bce, sigmoid = get_loss("bce"), Sigmoid()
    col = np.array([[1e4], [-1e4], [1000.0]], dtype=dtype)
    y = np.array([0, 1, 1])
    value, grad = bce.value_and_grad(sigmoid.forward(col.copy(), np), y, np, sigmoid)
    assert np.isfinite(value)
    assert np.all(np.isfinite(grad))
    value, grad = bce.value_and_grad(sigmoid.forward(col.copy(), np), y, np)   # unfused
    assert np.isfinite(value)
    assert np.all(np.isfinite(grad))


def test_cross_entropy_reads_its_input_one_way() -> None:
    """There is one definition, ``value_and_grad``: unfused it reads the outputs as logits,
    fused with a softmax it reads that softmax's input, and both give the same number. (A
    second ``value()`` used to read the same outputs as probabilities: 0.0000 vs 0.2413.)"""
    ce = get_loss("cross_entropy")
    assert not hasattr(ce, "value")
    logits = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
    labels = np.array([0, 2])
    unfused = float(ce.value_and_grad(logits, labels, np)[0])
    softmax = Softmax()
    softmax.keep_logits = True
    fused = float(ce.value_and_grad(softmax.forward(logits.copy(), np), labels, np, softmax)[0])
    by_hand = -np.mean([logits[i, c] - np.log(np.exp(logits[i]).sum())
                        for i, c in enumerate(labels)])
    assert unfused == pytest.approx(by_hand, rel=1e-12)
    assert fused == pytest.approx(by_hand, rel=1e-12)


def test_unknown_loss_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="unknown loss 'hinge'; use one of: cross_entropy, "
                                        "binary_cross_entropy, mse, mae"):
        get_loss("hinge")


def test_aliases_name_the_same_loss() -> None:
    assert isinstance(get_loss("CE"), type(get_loss("cross_entropy")))
    assert get_loss("binary_crossentropy").name == "binary_cross_entropy"


def test_a_loss_fuses_only_with_its_own_activation_and_asks_it_for_the_logits() -> None:
    ce, bce, mse = get_loss("cross_entropy"), get_loss("bce"), get_loss("mse")
    softmax, sigmoid = Softmax(), Sigmoid()
    assert ce.fuse(softmax) is softmax
    assert softmax.keep_logits
    assert bce.fuse(sigmoid) is sigmoid
    assert sigmoid.keep_logits
    relu = ReLU()
    assert ce.fuse(sigmoid) is None
    assert ce.fuse(relu) is None
    assert ce.fuse(None) is None
    assert mse.fuse(Sigmoid()) is None
    assert not relu.keep_logits


def test_a_fused_sigmoid_keeps_its_input_even_when_computed_in_place() -> None:
    sigmoid = get_loss("bce").fuse(Sigmoid())
    assert sigmoid is not None
    z = np.array([[2.0], [-3.0]])
    sigmoid.forward(z, np, inplace=True)
    np.testing.assert_array_equal(sigmoid.logits, [[2.0], [-3.0]])
