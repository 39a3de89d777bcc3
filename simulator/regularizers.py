"""Weight penalties: L1, L2 and elastic net (both), as the course writes them.

    L_reg(θ) = L(θ) + λ1 Σ|θ| + λ2 Σθ²

A penalty applies to weight tensors (Dense ``W``, Conv2D ``W``), never to biases or BatchNorm
parameters. It is set per layer (``"regularizer": {"l2": 1e-4}`` in a layer's config) or
globally in the training section; a layer's own setting wins, and a zero one
(``{"l2": 0}`` or ``{}``) switches the global penalty off for that layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.backend import Array
from simulator.checks import number
from simulator.errors import SpecError


@dataclass(frozen=True)
class Regularizer:
    l1: float = 0.0
    l2: float = 0.0

    def penalty(self, w: Array, xp: Any) -> float:
        total = 0.0
        if self.l1:
            total += self.l1 * float(xp.abs(w).sum())
        if self.l2:
            flat = w.reshape(-1)
            total += self.l2 * float(xp.dot(flat, flat))
        return total

    def add_gradient(self, w: Array, grad: Array, xp: Any) -> None:
        """grad += d(penalty)/dw, in place."""
        if self.l1:
            grad += self.l1 * xp.sign(w)
        if self.l2:
            grad += (2.0 * self.l2) * w

    def get_config(self) -> dict[str, float]:
        return {k: v for k, v in (("l1", self.l1), ("l2", self.l2)) if v}

    @property
    def active(self) -> bool:
        return bool(self.l1 or self.l2)


def get_regularizer(spec: dict[str, Any] | str | None) -> Regularizer | None:
    """``None``, ``{"l1": a}``, ``{"l2": b}``, ``{"l1": a, "l2": b}`` (elastic net) or
    ``{"type": "l2", "lambda": b}``."""
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise SpecError(f"'regularizer' must be an object like {{\"l2\": 0.0001}}, got {spec!r}")
    options = dict(spec)
    kind = options.pop("type", None)
    if kind is not None:
        strength = options.pop("lambda", options.pop("strength", 0.0))
        if kind == "elastic_net":
            options.setdefault("l1", strength)
            options.setdefault("l2", strength)
        elif kind in ("l1", "l2"):
            options[kind] = strength
        else:
            raise SpecError(f"unknown regularizer type {kind!r}; use l1, l2 or elastic_net")
    unknown = set(options) - {"l1", "l2"}
    if unknown:
        raise SpecError(f"unknown regularizer keys {sorted(unknown)}; use 'l1' and/or 'l2'")
    values = {key: number(value, f"regularizer '{key}'", low=0, hint="for example 0.0001")
              for key, value in options.items()}
    reg = Regularizer(**values)
    return reg if reg.active else None
