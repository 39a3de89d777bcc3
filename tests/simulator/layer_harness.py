"""One test harness for every layer type (Keras' ``run_layer_test``, Chainer's ``check_backward``).

``run_layer_test`` builds a layer from its registered name and config and checks, on the
given backend:

* the output shape, the parameter shapes, and that forward leaves its input untouched;
* a float64 central-difference gradient check of d(Σ out · R)/d(input) for every input and
  d/d(parameter) for every parameter tensor (R random), the parameters and gradients living
  in one flat buffer as in a real network, so a layer that replaces ``grads[key]`` instead of
  writing into it fails; backward must not modify the gradient it receives;
* images stored batch-innermost (the memory order Conv2D produces) give the same results;
* ``needs_input_grad = False`` skips the input gradient and leaves the parameter gradients as
  they were;
* ``from_config(get_config())`` and a JSON round trip of the config rebuild a layer with the
  same output; parameters and buffers copied into a fresh layer give the same output;
* float32 agrees with float64 (forward and backward, rtol 1e-4) and stays float32.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np

from simulator.backend import Backend, get_backend, to_numpy
from simulator.layers.base import LAYERS, Layer, get_layer
from tests.simulator.gradcheck import numerical_gradient, relative_error

InputFn = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]
SMOOTH_TOL, KINK_TOL = 1e-6, 1e-4


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values with |x| in [0.2, 1.5]: far from ReLU's kink at 0."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 1.5, size=shape)


def distinct(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """All values different by at least 2/size (no ties for max-pool), in [-1, 1)."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * (2.0 / n) - 1.0).reshape(shape)


def _pack(layer: Layer, backend: Backend) -> tuple[Any, Any]:
    """Make params/grads views into flat buffers, as Network does; grads start as NaN."""
    xp = backend.xp
    total = sum(int(p.size) for p in layer.params.values())
    flat_p, flat_g = xp.zeros(total, backend.dtype), xp.full(total, np.nan, backend.dtype)
    offset = 0
    for key, value in list(layer.params.items()):
        size = int(value.size)
        flat_p[offset:offset + size] = value.reshape(-1)
        layer.params[key] = flat_p[offset:offset + size].reshape(value.shape)
        layer.grads[key] = flat_g[offset:offset + size].reshape(value.shape)
        offset += size
    return flat_p, flat_g


class _Runner:
    """A built layer plus the inputs and fixed random weights of the scalar objective."""

    def __init__(self, layer: Layer, backend: Backend, xs: list[np.ndarray], training: bool,
                 reseed: int | None) -> None:
        self.layer, self.backend, self.xs = layer, backend, xs
        self.training, self.reseed = training, reseed

    def forward_raw(self) -> Any:
        if self.reseed is not None:
            self.layer.rng = np.random.default_rng(self.reseed)
        xs = [self.backend.asarray(x) for x in self.xs]
        return self.layer.forward(xs if self.layer.n_inputs != 1 else xs[0], self.training)

    def forward(self) -> np.ndarray:
        return np.asarray(to_numpy(self.forward_raw()), dtype=np.float64)

    def backward(self, weights: np.ndarray) -> list[np.ndarray | None]:
        given = self.backend.xp.array(weights, dtype=self.backend.dtype)  # a private copy
        grad = self.layer.backward(given)
        np.testing.assert_array_equal(to_numpy(given), weights.astype(given.dtype),
                                      err_msg="backward modified the gradient it was given")
        grads = grad if self.layer.n_inputs != 1 else [grad]
        for g in grads:
            assert g is None or g.dtype == self.backend.dtype, f"input gradient is {g.dtype}"
        return [None if g is None else np.asarray(to_numpy(g), np.float64) for g in grads]


def _batch_innermost(x: np.ndarray) -> np.ndarray:
    """The same values, with memory ordered (C, H, W, N) for a 4-D array."""
    if x.ndim != 4:
        return x
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)


def _copy_state(source: Layer, target: Layer) -> None:
    for store in ("params", "buffers"):
        for key, value in getattr(source, store).items():
            getattr(target, store)[key][...] = target.backend.asarray(to_numpy(value))


def _build(layer_type: str, config: dict[str, Any], input_shape: Any, backend: Backend,
           seed: int, setup: Callable[[Layer], None] | None) -> Layer:
    layer = LAYERS.get(layer_type).from_config(config)
    layer.build(input_shape, backend, np.random.default_rng(seed))
    if setup is not None:
        setup(layer)
    return layer


def _assert_close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    scale = max(float(np.max(np.abs(expected))), 1e-3) if expected.size else 1.0
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-4 * scale, err_msg=what)


def run_layer_test(
    layer_type: str,
    config: dict[str, Any],
    input_shape: Any,
    *,
    expected_output_shape: tuple[int, ...],
    expected_params: dict[str, tuple[int, ...]] | None = None,
    backend_name: str,
    kink: bool = False,
    training: bool = True,
    batch: int = 3,
    inputs: InputFn | None = None,
    setup: Callable[[Layer], None] | None = None,
    reseed: int | None = None,
    max_entries: int = 40,
    seed: int = 0,
) -> Layer:
    """Run every generic check on one layer configuration; return the float64 layer."""
    backend = get_backend(backend_name, "float64")
    rng = np.random.default_rng(seed + 100)
    layer = get_layer({**config, "type": layer_type})
    multi = layer.n_inputs != 1
    shapes = list(input_shape) if multi else [input_shape]
    inferred = layer.compute_output_shape(input_shape)
    assert inferred == tuple(expected_output_shape), f"output shape {inferred}"
    assert layer.build(input_shape, backend, np.random.default_rng(seed)) == inferred
    if setup is not None:
        setup(layer)
    want_params = expected_params or {}
    assert {k: tuple(v.shape) for k, v in layer.params.items()} == want_params
    assert layer.param_shapes(input_shape) == want_params
    _, flat_grads = _pack(layer, backend)

    make = inputs or (lambda r, s: r.normal(size=s))
    xs = [make(rng, (batch, *s)) for s in shapes]
    originals = [x.copy() for x in xs]
    run = _Runner(layer, backend, xs, training, reseed)
    out = run.forward()
    assert out.shape == (batch, *expected_output_shape)
    assert np.all(np.isfinite(out))
    for x, original in zip(xs, originals, strict=True):
        np.testing.assert_array_equal(x, original, err_msg="forward modified its input")

    # ----- gradients ---------------------------------------------------------------------
    weights = rng.normal(size=out.shape)
    views = dict(layer.grads)
    grad_in = run.backward(weights)
    assert all(layer.grads[k] is v for k, v in views.items()), "grads[key] was replaced"
    assert np.all(np.isfinite(to_numpy(flat_grads))), "a parameter gradient was not written"
    analytic = {k: np.array(to_numpy(g), np.float64) for k, g in layer.grads.items()}
    tol = KINK_TOL if kink else SMOOTH_TOL

    def objective() -> float:
        return float(np.sum(run.forward() * weights))

    for i, x in enumerate(xs):
        idx, numeric = numerical_gradient(objective, x, max_entries=max_entries)
        err = relative_error(grad_in[i].reshape(-1)[idx], numeric)
        assert err < tol, f"input {i} gradient: relative error {err:.2e}"
    for key in list(layer.params):
        host = np.array(to_numpy(layer.params[key]), np.float64)
        saved = host.copy()

        def perturbed(key: str = key, host: np.ndarray = host) -> float:
            layer.params[key][...] = backend.asarray(host)
            return objective()

        idx, numeric = numerical_gradient(perturbed, host, max_entries=max_entries)
        layer.params[key][...] = backend.asarray(saved)
        err = relative_error(analytic[key].reshape(-1)[idx], numeric)
        assert err < tol, f"parameter {key!r} gradient: relative error {err:.2e}"

    # ----- images stored batch-innermost (as Conv2D produces them) give the same results -----
    if any(x.ndim == 4 for x in xs):
        alt = _Runner(layer, backend, [_batch_innermost(x) for x in xs], training, reseed)
        np.testing.assert_allclose(alt.forward(), out, rtol=1e-12, atol=1e-12)
        for g, g_alt in zip(grad_in, alt.backward(_batch_innermost(weights)), strict=True):
            np.testing.assert_allclose(g_alt, g, rtol=1e-12, atol=1e-12)

    # ----- no input gradient wanted ------------------------------------------------------
    out = run.forward()
    layer.needs_input_grad = False
    skipped = run.backward(weights)
    layer.needs_input_grad = True
    assert all(g is None for g in skipped), "needs_input_grad=False still computed dL/dx"
    for key, value in analytic.items():
        np.testing.assert_allclose(to_numpy(layer.grads[key]), value, rtol=1e-12, atol=1e-12)

    # ----- configuration and weights round trips -------------------------------------------
    config_out = layer.get_config()
    from_json = json.loads(json.dumps(config_out))
    assert from_json == config_out, "get_config() is not JSON-safe"
    for cfg in (config_out, from_json):
        clone = _build(layer_type, cfg, input_shape, backend, seed, setup)
        assert clone.get_config() == config_out
        np.testing.assert_array_equal(_Runner(clone, backend, xs, training, reseed).forward(), out)
    fresh = _build(layer_type, config_out, input_shape, backend, seed + 1, None)
    _copy_state(layer, fresh)
    np.testing.assert_array_equal(_Runner(fresh, backend, xs, training, reseed).forward(), out)

    # ----- float32 agrees with float64 ---------------------------------------------------------
    backend32 = get_backend(backend_name, "float32")
    layer32 = _build(layer_type, config_out, input_shape, backend32, seed, None)
    _copy_state(layer, layer32)
    run32 = _Runner(layer32, backend32, [x.astype(np.float32) for x in xs], training, reseed)
    out32 = run32.forward_raw()
    assert out32.dtype == np.float32, f"float32 layer returned {out32.dtype}"
    _assert_close(np.asarray(to_numpy(out32), np.float64), out, "float32 forward")
    grad32 = run32.backward(weights.astype(np.float32))
    for g32, g64 in zip(grad32, grad_in, strict=True):
        _assert_close(g32, g64, "float32 input gradient")
    for key, value in analytic.items():
        assert layer32.grads[key].dtype == np.float32
        _assert_close(np.asarray(to_numpy(layer32.grads[key]), np.float64), value,
                      f"float32 gradient of {key!r}")
    return layer
