"""Regression sets for the universal-approximation lesson: 1-D functions and a 2-D surface.

``x`` is float64 (n, 1) uniform in [-1, 1] (the surface: (n, 2) in [-1, 1]²); ``y`` is the
function plus Gaussian noise of standard deviation ``noise``, float64 (n, 1), within about
[-1, 1] (plus the noise). ``task`` is ``"regression"``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulator.data.dataset import Dataset
from simulator.data.options import check_generator


def _one_d(name: str, description: str, fn: Callable[[np.ndarray], np.ndarray],
           n: int, noise: float, seed: int) -> Dataset:
    check_generator(n, noise, seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (n, 1))
    y = fn(x) + rng.normal(0.0, noise, (n, 1))
    return Dataset(name, x, y, task="regression", description=description)


def sine(n: int = 200, noise: float = 0.05, seed: int = 0) -> Dataset:
    """One full period of a sine wave: y = sin(pi x)."""
    return _one_d("sine", "y = sin(pi x) on [-1, 1]", lambda x: np.sin(np.pi * x),
                  n, noise, seed)


def polynomial(n: int = 200, noise: float = 0.05, seed: int = 0) -> Dataset:
    """A cubic with two bends: y = 2x^3 - x."""
    return _one_d("polynomial", "y = 2x^3 - x on [-1, 1]", lambda x: 2 * x**3 - x,
                  n, noise, seed)


def step(n: int = 200, noise: float = 0.02, seed: int = 0) -> Dataset:
    """A jump from -0.5 to 0.5 at x = 0: steep sigmoids are needed to follow it."""
    return _one_d("step", "y = -0.5 for x < 0, 0.5 for x >= 0",
                  lambda x: np.where(x < 0, -0.5, 0.5), n, noise, seed)


def surface(n: int = 500, noise: float = 0.05, seed: int = 0) -> Dataset:
    """A smooth bump-and-dip surface: y = sin(pi x1) cos(pi x2 / 2)."""
    check_generator(n, noise, seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (n, 2))
    y = np.sin(np.pi * x[:, :1]) * np.cos(0.5 * np.pi * x[:, 1:]) + rng.normal(0.0, noise, (n, 1))
    return Dataset("surface", x, y, task="regression",
                   description="y = sin(pi x1) cos(pi x2 / 2) on [-1, 1]^2")
