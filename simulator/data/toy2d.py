"""Two-dimensional toy classification sets for the decision-boundary lessons.

Every generator takes ``n`` (samples), ``noise`` and a ``seed`` and returns a
:class:`Dataset` with ``x`` in roughly [-1, 1]².
"""

from __future__ import annotations

import numpy as np

from simulator.data.dataset import Dataset


def spiral(n: int = 300, noise: float = 0.1, classes: int = 2, seed: int = 0) -> Dataset:
    """Interleaved spiral arms, one per class (TensorFlow Playground's hardest set)."""
    rng = np.random.default_rng(seed)
    per = [n // classes + (1 if k < n % classes else 0) for k in range(classes)]
    xs, ys = [], []
    for k, m in enumerate(per):
        r = np.linspace(0.05, 1.0, m)
        theta = 1.75 * 2 * np.pi * r + 2 * np.pi * k / classes
        theta = theta + rng.normal(0.0, noise, m) * 1.5
        xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ys.append(np.full(m, k))
    return Dataset("spiral", np.concatenate(xs), np.concatenate(ys).astype(np.int64),
                   description="Interleaved spiral arms")


def circles(n: int = 300, noise: float = 0.05, seed: int = 0) -> Dataset:
    """A disc of one class inside a ring of the other."""
    rng = np.random.default_rng(seed)
    inner = n // 2
    radius = np.concatenate([rng.uniform(0.0, 0.45, inner), rng.uniform(0.65, 1.0, n - inner)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x += rng.normal(0.0, noise, x.shape)
    y = np.concatenate([np.zeros(inner), np.ones(n - inner)]).astype(np.int64)
    return Dataset("circles", x, y, description="A disc inside a ring")
