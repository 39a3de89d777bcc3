"""Dropout: inverted dropout from the run's seeded generator; identity at inference."""

import numpy as np
import pytest

from simulator.backend import get_backend, to_numpy
from simulator.errors import SpecError
from simulator.layers import get_layer
from tests.simulator.layer_harness import run_layer_test


def test_dropout_training_with_a_fixed_mask(backend_name):
    run_layer_test("Dropout", {"rate": 0.4}, (6,), expected_output_shape=(6,),
                   backend_name=backend_name, reseed=11, batch=4)


def test_dropout_inference_is_identity(backend_name):
    layer = run_layer_test("Dropout", {"rate": 0.5}, (2, 3, 3), expected_output_shape=(2, 3, 3),
                           backend_name=backend_name, training=False)
    x = layer.backend.asarray(np.ones((2, 2, 3, 3)))
    assert layer.forward(x, training=False) is x


def _dropout(rate, seed, backend_name="numpy"):
    layer = get_layer({"type": "Dropout", "rate": rate})
    layer.build((1000,), get_backend(backend_name, "float32"), np.random.default_rng(seed))
    return layer


def test_mask_statistics_and_scaling(backend_name):
    layer = _dropout(0.3, 5, backend_name)
    x = layer.backend.asarray(np.ones((20, 1000)))
    out = to_numpy(layer.forward(x, training=True))
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.01          # 20,000 draws: σ ≈ 0.003
    np.testing.assert_allclose(out[kept], 1 / 0.7, rtol=1e-6)
    assert abs(out.mean() - 1.0) < 0.02           # inverted dropout keeps the expectation
    grad = to_numpy(layer.backward(layer.backend.asarray(np.full((20, 1000), 2.0))))
    np.testing.assert_array_equal(grad != 0, kept)


def test_same_seed_same_masks_and_different_seed_different_masks():
    x = np.ones((4, 1000), dtype=np.float32)
    a, b, c = _dropout(0.5, 1), _dropout(0.5, 1), _dropout(0.5, 2)
    for _ in range(2):
        out_a, out_b = a.forward(x, training=True), b.forward(x, training=True)
        np.testing.assert_array_equal(out_a, out_b)
    assert not np.array_equal(out_a, c.forward(x, training=True))


def test_rate_zero_is_identity_and_bad_rates_are_rejected():
    x = np.ones((2, 1000), dtype=np.float32)
    assert _dropout(0.0, 0).forward(x, training=True) is x
    for rate in (1.0, -0.1, "half", True):
        with pytest.raises(SpecError, match="rate"):
            get_layer({"type": "Dropout", "rate": rate})
