"""Two-dimensional toy classification sets for the decision-boundary lessons.

Every generator takes ``n`` (samples), ``noise`` (the standard deviation of the Gaussian jitter)
and a ``seed``, returns a :class:`Dataset` with ``x`` float64 (n, 2) in roughly [-1, 1]² (with
the default noise every point lies within [-1.5, 1.5]²), and splits ``n`` as evenly as it can
between the classes. The same arguments give the same points, bit for bit.
"""

from __future__ import annotations

import numpy as np

from simulator.data.dataset import Dataset
from simulator.data.options import check_generator


def _per_class(n: int, classes: int) -> list[int]:
    return [n // classes + (1 if k < n % classes else 0) for k in range(classes)]


def spiral(n: int = 300, noise: float = 0.1, classes: int = 2, seed: int = 0) -> Dataset:
    """Interleaved spiral arms, one per class (TensorFlow Playground's hardest set)."""
    check_generator(n, noise, seed, classes=classes)
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for k, m in enumerate(_per_class(n, classes)):
        r = np.linspace(0.05, 1.0, m)
        theta = 1.75 * 2 * np.pi * r + 2 * np.pi * k / classes
        theta = theta + rng.normal(0.0, noise, m) * 1.5
        xs.append(np.stack([r * np.sin(theta), r * np.cos(theta)], axis=1))
        ys.append(np.full(m, k))
    return Dataset("spiral", np.concatenate(xs), np.concatenate(ys).astype(np.int64),
                   description=f"{classes} interleaved spiral arms")


def circles(n: int = 300, noise: float = 0.05, seed: int = 0) -> Dataset:
    """A disc of one class (0) inside a ring of the other (1)."""
    check_generator(n, noise, seed, classes=2)
    rng = np.random.default_rng(seed)
    inner = n // 2
    radius = np.concatenate([rng.uniform(0.0, 0.45, inner), rng.uniform(0.65, 1.0, n - inner)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x += rng.normal(0.0, noise, x.shape)
    y = np.concatenate([np.zeros(inner), np.ones(n - inner)]).astype(np.int64)
    return Dataset("circles", x, y, description="A disc inside a ring")


def xor(n: int = 300, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Four quadrants: class 1 where the two coordinates have opposite signs.

    No single line separates the classes: the lesson that one perceptron is not enough.
    """
    check_generator(n, noise, seed, classes=2)
    rng = np.random.default_rng(seed)
    quadrant = rng.permutation(np.array([0, 2, 1, 3])[np.arange(n) % 4])
    signs = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=np.float64)[quadrant]
    x = signs * rng.uniform(0.05, 1.0, (n, 2)) + rng.normal(0.0, noise, (n, 2))
    y = (quadrant >= 2).astype(np.int64)
    return Dataset("xor", x, y, description="Exclusive or: opposite quadrants share a class")


def blobs(n: int = 300, noise: float = 0.2, classes: int = 3, seed: int = 0) -> Dataset:
    """Gaussian clusters, one per class, centred on a circle of radius 0.6."""
    check_generator(n, noise, seed, classes=classes)
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for k, m in enumerate(_per_class(n, classes)):
        angle = 2 * np.pi * k / classes
        centre = 0.6 * np.array([np.cos(angle), np.sin(angle)])
        xs.append(centre + rng.normal(0.0, noise, (m, 2)))
        ys.append(np.full(m, k, dtype=np.int64))
    return Dataset("blobs", np.concatenate(xs), np.concatenate(ys),
                   description=f"{classes} Gaussian clusters")


def moons(n: int = 300, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles (scikit-learn's ``make_moons``, rescaled to [-1, 1])."""
    check_generator(n, noise, seed, classes=2)
    from sklearn.datasets import make_moons  # scikit-learn is slow to import: on demand

    x, y = make_moons(n_samples=n, noise=noise * 1.5, random_state=seed)
    x = (x - np.array([0.5, 0.25])) / 1.5
    return Dataset("moons", x.astype(np.float64), y.astype(np.int64),
                   description="Two interleaving half circles")
