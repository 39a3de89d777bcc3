"""Each optimizer against its formula, computed by hand in float64; exact state round trips."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.backend import get_backend
from simulator.errors import ModelFileError, SpecError
from simulator.optim import get_optimizer, optimizer_names

THETA0 = np.array([0.5, -1.0, 2.0])
GRADS = [np.array([0.1, -0.2, 0.3]), np.array([-0.4, 0.05, 0.2]), np.array([0.3, 0.3, -0.1])]
LR = 0.1


def run_steps(config: dict, steps: int = 3, backend=None) -> tuple[np.ndarray, object]:
    backend = backend or get_backend("numpy", "float64")
    opt = get_optimizer(config)
    opt.build(3, backend)
    theta = backend.asarray(THETA0.copy())
    for g in GRADS[:steps]:
        opt.step(theta, backend.asarray(g.copy()), LR)
    return np.asarray(theta), opt


def sgd_momentum_reference(beta: float, nesterov: bool) -> np.ndarray:
    theta, v = THETA0.copy(), np.zeros(3)
    for g in GRADS:
        v = beta * v + LR * g
        theta = theta - (beta * v + LR * g if nesterov else v)
    return theta


def adam_reference(b1=0.9, b2=0.999, eps=1e-8) -> np.ndarray:
    theta, v, u = THETA0.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(GRADS, start=1):
        v = b1 * v + (1 - b1) * g
        u = b2 * u + (1 - b2) * g**2
        v_hat, u_hat = v / (1 - b1**t), u / (1 - b2**t)
        theta = theta - LR * v_hat / (np.sqrt(u_hat) + eps)
    return theta


def nadam_reference(grads, b1=0.9, b2=0.999, eps=1e-8, psi=0.004) -> np.ndarray:
    """torch.optim.NAdam's published algorithm (Dozat 2016), term by term, in float64:
    μ_t = β1(1 - ½·0.96^{tψ});
    m̂ = μ_{t+1} m / (1 - Π_{i≤t+1} μ_i) + (1 - μ_t) g / (1 - Π_{i≤t} μ_i);
    v̂ = v / (1 - β2^t); θ ← θ - γ m̂ / (√v̂ + ε)."""
    theta, m, v, product = THETA0.copy(), np.zeros(3), np.zeros(3), 1.0
    for t, g in enumerate(grads, start=1):
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        product *= mu
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu) * g / (1 - product)
        v_hat = v / (1 - b2**t)
        theta = theta - LR * m_hat / (np.sqrt(v_hat) + eps)
    return theta


def test_plain_sgd_is_theta_minus_lr_grad() -> None:
    theta, _ = run_steps({"type": "sgd"})
    np.testing.assert_allclose(theta, THETA0 - LR * sum(GRADS), rtol=0, atol=1e-15)


def test_sgd_first_step_by_hand() -> None:
    theta, _ = run_steps({"type": "sgd", "momentum": 0.9}, steps=1)
    np.testing.assert_allclose(theta, [0.49, -0.98, 1.97], rtol=0, atol=1e-15)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_matches_course_formula(nesterov: bool) -> None:
    theta, opt = run_steps({"type": "sgd", "momentum": 0.9, "nesterov": nesterov})
    np.testing.assert_allclose(theta, sgd_momentum_reference(0.9, nesterov), rtol=1e-14)
    # two steps by hand: V1 = 0.1 g1, V2 = 0.9 V1 + 0.1 g2
    v2 = 0.9 * 0.1 * GRADS[0] + 0.1 * GRADS[1]
    two, _ = run_steps({"type": "sgd", "momentum": 0.9}, steps=2)
    np.testing.assert_allclose(two, THETA0 - 0.1 * GRADS[0] - v2, rtol=1e-14)
    assert opt.iterations == 3


def test_adam_is_exactly_the_course_formula_with_epsilon_outside_the_root() -> None:
    # A large epsilon makes any folding of ε into the bias correction visible.
    theta, _ = run_steps({"type": "adam", "epsilon": 0.05})
    np.testing.assert_allclose(theta, adam_reference(eps=0.05), rtol=1e-14)
    theta, _ = run_steps({"type": "adam"})
    np.testing.assert_allclose(theta, adam_reference(), rtol=1e-14)
    # step 1 by hand: V̂ = g, Û = g², so θ1 = θ0 - α g / (|g| + ε)
    one, _ = run_steps({"type": "adam", "epsilon": 0.05}, steps=1)
    g = GRADS[0]
    np.testing.assert_allclose(one, THETA0 - LR * g / (np.abs(g) + 0.05), rtol=1e-14)


def test_nadam_matches_dozat_formula_as_pytorch_publishes_it() -> None:
    theta, _ = run_steps({"type": "nadam", "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3})
    np.testing.assert_allclose(theta, nadam_reference(GRADS, 0.8, 0.99, 1e-3), rtol=1e-14)
    theta, opt = run_steps({"type": "nadam"})
    np.testing.assert_allclose(theta, nadam_reference(GRADS), rtol=1e-14)
    assert opt.get_config()["momentum_decay"] == 0.004
    faster, _ = run_steps({"type": "nadam", "momentum_decay": 0.5})
    np.testing.assert_allclose(faster, nadam_reference(GRADS, psi=0.5), rtol=1e-14)


def test_nadam_first_step_by_hand() -> None:
    """Step 1: m = (1-β1) g and v̂ = g², so θ1 = θ0 - α·c·sign(g) (ε aside) with
    c = μ2 (1-β1) / (1 - μ1 μ2) + 1. With β1 = 0.9, ψ = 0.004: μ1 = 0.450073, μ2 = 0.450147,
    c = 1.05645 (the simplified variant this replaces moved 1.9 α)."""
    mu1, mu2 = 0.9 * (1 - 0.5 * 0.96**0.004), 0.9 * (1 - 0.5 * 0.96**0.008)
    assert (mu1, mu2) == (pytest.approx(0.450073, abs=1e-6), pytest.approx(0.450147, abs=1e-6))
    c = mu2 * 0.1 / (1 - mu1 * mu2) + 1
    assert c == pytest.approx(1.05645, abs=1e-5)
    one, _ = run_steps({"type": "nadam", "epsilon": 0.0}, steps=1)
    np.testing.assert_allclose(one, THETA0 - LR * c * np.sign(GRADS[0]), rtol=1e-14)


def test_nadam_matches_torch_when_torch_is_installed() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    grads = [rng.normal(size=3) for _ in range(25)]
    param = torch.tensor(THETA0.copy(), dtype=torch.float64, requires_grad=True)
    reference = torch.optim.NAdam([param], lr=LR, betas=(0.9, 0.999), eps=1e-8,
                                  momentum_decay=0.004)
    for g in grads:
        param.grad = torch.tensor(g, dtype=torch.float64)
        reference.step()
    backend = get_backend("numpy", "float64")
    opt = get_optimizer({"type": "nadam", "learning_rate": LR})
    opt.build(3, backend)
    theta = THETA0.copy()
    for g in grads:
        opt.step(theta, g.copy(), LR)
    np.testing.assert_allclose(theta, param.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(theta, nadam_reference(grads), rtol=1e-14)


@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop(momentum: float) -> None:
    theta, s, m = THETA0.copy(), np.zeros(3), np.zeros(3)
    for g in GRADS:
        s = 0.9 * s + 0.1 * g**2
        step = LR * g / (np.sqrt(s) + 1e-7)
        m = momentum * m + step
        theta = theta - m
    got, _ = run_steps({"type": "rmsprop", "rho": 0.9, "momentum": momentum})
    np.testing.assert_allclose(got, theta, rtol=1e-14)


def test_adagrad_with_initial_accumulator() -> None:
    theta, acc = THETA0.copy(), np.full(3, 0.1)
    for g in GRADS:
        acc = acc + g**2
        theta = theta - LR * g / (np.sqrt(acc) + 1e-7)
    got, opt = run_steps({"type": "adagrad", "initial_accumulator": 0.1})
    np.testing.assert_allclose(got, theta, rtol=1e-14)
    np.testing.assert_allclose(opt.slots["accumulator"], acc, rtol=1e-14)


def test_adadelta_defaults_to_learning_rate_one() -> None:
    theta, s, d = THETA0.copy(), np.zeros(3), np.zeros(3)
    rho, eps = 0.95, 1e-6
    for g in GRADS:
        s = rho * s + (1 - rho) * g**2
        delta = np.sqrt(d + eps) / np.sqrt(s + eps) * g
        d = rho * d + (1 - rho) * delta**2
        theta = theta - 1.0 * delta
    opt = get_optimizer("adadelta")
    assert opt.learning_rate == 1.0
    backend = get_backend("numpy", "float64")
    opt.build(3, backend)
    got = THETA0.copy()
    for g in GRADS:
        opt.step(got, g.copy(), opt.learning_rate)
    np.testing.assert_allclose(got, theta, rtol=1e-13)


CONFIGS = [{"type": "sgd", "momentum": 0.9, "nesterov": True}, {"type": "adam"},
           {"type": "nadam"}, {"type": "rmsprop", "momentum": 0.3},
           {"type": "adagrad"}, {"type": "adadelta"}, {"type": "sgd"}]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c["type"])
def test_state_dict_round_trip_resumes_bitwise(config: dict) -> None:
    backend = get_backend("numpy", "float32")
    straight, _ = run_steps(config, steps=3, backend=backend)
    theta, opt = run_steps(config, steps=2, backend=backend)
    state = opt.state_dict()
    text = json.dumps({"iterations": state["iterations"], "type": state["type"],
                       "slots": {k: v.tolist() for k, v in state["slots"].items()}})
    loaded = json.loads(text)
    loaded["slots"] = {k: np.asarray(v, np.float32) for k, v in loaded["slots"].items()}
    fresh = get_optimizer(config)
    fresh.build(3, backend)
    fresh.load_state_dict(loaded)
    fresh.step(theta, backend.asarray(GRADS[2].copy()), LR)
    assert np.array_equal(theta, straight)
    assert fresh.iterations == 3


def test_state_is_a_copy_and_bad_states_change_nothing() -> None:
    _, opt = run_steps({"type": "adam"})
    state = opt.state_dict()
    state["slots"]["m"][0] = 123.0
    assert opt.slots["m"][0] != 123.0
    before = opt.state_dict()
    bad = [{"slots": {"m": np.zeros(4), "v": np.zeros(4)}},
           {"slots": {"m": np.zeros(3)}},
           {"slots": {"m": np.zeros(3), "v": np.full(3, np.nan)}},
           {"type": "sgd", "slots": {"m": np.zeros(3), "v": np.zeros(3)}},
           {"iterations": -1, "slots": {"m": np.zeros(3), "v": np.zeros(3)}},
           "nonsense"]
    for state in bad:
        with pytest.raises(ModelFileError):
            opt.load_state_dict(state)
    after = opt.state_dict()
    assert after["iterations"] == before["iterations"]
    assert all(np.array_equal(after["slots"][k], before["slots"][k]) for k in before["slots"])


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c["type"])
def test_config_round_trip(config: dict) -> None:
    opt = get_optimizer(config)
    assert get_optimizer(opt.get_config()).get_config() == opt.get_config()


@pytest.mark.parametrize("config", [
    "rmsprop2", {"type": "adam", "beta_1": 1.0}, {"type": "sgd", "momentum": -0.1},
    {"type": "sgd", "learning_rate": float("nan")}, {"type": "sgd", "learning_rate": "fast"},
    {"type": "sgd", "nesterov": True}, {"type": "adam", "betas": 0.9}, 3,
    {"type": "adagrad", "initial_accumulator": -1},
])
def test_bad_configs_raise_spec_errors_naming_the_key(config: object) -> None:
    with pytest.raises(SpecError) as info:
        get_optimizer(config)
    assert str(info.value)


def test_all_six_optimizers_are_registered() -> None:
    assert optimizer_names() == ["adadelta", "adagrad", "adam", "nadam", "rmsprop", "sgd"]


def test_step_allocates_no_new_state_arrays() -> None:
    _, opt = run_steps({"type": "adam"}, steps=1)
    ids = [id(a) for a in opt.slots.values()]
    opt.step(np.zeros(3), np.ones(3), 0.1)
    assert ids == [id(a) for a in opt.slots.values()]


@pytest.mark.parametrize("name", ["sgd", "adam", "nadam", "rmsprop", "adagrad", "adadelta"])
def test_chunked_steps_equal_whole_buffer_steps(name: str, monkeypatch) -> None:
    """The CPU walks the buffer in cache-sized chunks; the result must not change."""
    from simulator.optim import base as opt_module

    backend = get_backend("numpy", "float64")
    rng = np.random.default_rng(7)
    grads = [rng.normal(size=10) for _ in range(3)]
    results = []
    for chunk in (10, 3):
        monkeypatch.setattr(opt_module, "CPU_CHUNK", chunk)
        config = {"type": name, "learning_rate": 0.1}
        if name == "sgd":
            config["momentum"] = 0.9
        opt = get_optimizer(config)
        opt.build(10, backend)
        params = np.linspace(-1, 1, 10)
        for g in grads:
            opt.step(params, g.copy(), 0.1)
        results.append((params, {k: v.copy() for k, v in opt.slots.items()}))
    assert len(opt._chunks) == 4
    np.testing.assert_array_equal(results[0][0], results[1][0])
    for key in results[0][1]:
        np.testing.assert_array_equal(results[0][1][key], results[1][1][key])
