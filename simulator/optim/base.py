"""The optimizer base class and registry. Each optimizer updates the network's one flat
parameter buffer in place.

The formulas (α the learning rate, g = ∇L, t the 1-based step count):

* SGD:       θ ← θ - α g
* momentum:  V ← βV + α g ;  θ ← θ - V                       (the course's form)
* Nesterov:  V ← βV + α g ;  θ ← θ - (βV + α g)
* Adam:      V ← β1 V + (1-β1) g ; U ← β2 U + (1-β2) g² ;
             V̂ = V / (1-β1^t) ; Û = U / (1-β2^t) ; θ ← θ - α V̂ / (√Û + ε)
* Nadam:     μ_t = β1 (1 - ½ 0.96^(tψ)) (ψ = ``momentum_decay``, 0.004); V and Û as Adam;
             θ ← θ - α (μ_{t+1} V / (1 - Π_{i≤t+1} μ_i) + (1-μ_t) g / (1 - Π_{i≤t} μ_i))
             / (√Û + ε)   (Dozat 2016, as PyTorch's NAdam and Keras's Nadam compute it)
* RMSprop:   S ← ρS + (1-ρ) g² ; θ ← θ - α g / (√S + ε)
             with momentum μ: M ← μM + α g / (√S + ε) ; θ ← θ - M
* Adagrad:   G ← G + g² (G starts at ``initial_accumulator``) ; θ ← θ - α g / (√G + ε)
* Adadelta:  S ← ρS + (1-ρ) g² ; Δ = √(D + ε) / √(S + ε) · g ; D ← ρD + (1-ρ) Δ² ; θ ← θ - α Δ

State (``slots``) is a dict of arrays the size of the parameter buffer plus the iteration
count; :meth:`Optimizer.state_dict` / :meth:`Optimizer.load_state_dict` round-trip it exactly.
Each step is a handful of in-place array operations on preallocated scratch buffers, because
for the small networks of a lesson the time of a step is mostly per-call overhead.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from simulator.backend import Array, Backend, to_numpy
from simulator.checks import integer, number
from simulator.errors import ModelFileError
from simulator.registry import Registry

Slots = dict[str, Any]
#: Entries per optimizer chunk on the CPU: with ~6 arrays in play a chunk stays in L2 cache.
CPU_CHUNK = 32_768
OPTIMIZERS: Registry[type[Optimizer]] = Registry("optimizer", default="sgd")


class Optimizer:
    name: ClassVar[str] = ""
    #: Names of the per-parameter state arrays.
    slot_names: tuple[str, ...] = ()
    #: Number of scratch buffers a step needs.
    n_scratch: ClassVar[int] = 1

    def __init__(self, learning_rate: float = 0.01) -> None:
        self.learning_rate = number(learning_rate, "optimizer 'learning_rate'", low=0)
        self.iterations = 0
        self.slots: dict[str, Array] = {}
        self.size: int | None = None

    def build(self, size: int, backend: Backend) -> None:
        """Allocate state for a parameter buffer of ``size`` entries on ``backend``.

        On the CPU a step walks the buffer in cache-sized chunks, so the handful of passes
        each update makes stay in cache (the GPU takes the whole buffer at once).
        """
        self.backend, self.size = backend, int(size)
        xp = backend.xp
        self.slots = {k: xp.full(size, self._initial(k), dtype=backend.dtype)
                      for k in self.slot_names}
        chunk = size if backend.is_gpu else min(size, CPU_CHUNK)
        scratch = [xp.empty(chunk, dtype=backend.dtype) for _ in range(self.n_scratch)]
        self._chunks = [
            (slice(start, min(start + chunk, size)),
             {k: v[start:start + chunk] for k, v in self.slots.items()},
             [s[:min(chunk, size - start)] for s in scratch])
            for start in range(0, max(size, 1), max(chunk, 1))
        ]
        self.iterations = 0

    def _initial(self, slot: str) -> float:
        return 0.0

    def step(self, params: Array, grads: Array, lr: float) -> None:
        """Update ``params`` in place from ``grads`` with learning rate ``lr``."""
        self.iterations += 1
        if len(self._chunks) == 1:
            _, slots, scratch = self._chunks[0]
            self._update(params, grads, lr, slots, scratch)
            return
        for part, slots, scratch in self._chunks:
            self._update(params[part], grads[part], lr, slots, scratch)

    def _update(self, params: Array, grads: Array, lr: float, slots: Slots,
                scratch: list[Array]) -> None:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {"type": self.name, "learning_rate": self.learning_rate}

    def state_dict(self) -> dict[str, Any]:
        """``{"type", "iterations", "slots": {name: NumPy array copy}}``."""
        return {"type": self.name, "iterations": self.iterations,
                "slots": {k: np.array(to_numpy(v)) for k, v in self.slots.items()}}

    def check_state_dict(self, state: Any) -> None:
        """Raise ModelFileError if ``state`` cannot be loaded (nothing is changed)."""
        if not isinstance(state, dict) or not isinstance(state.get("slots"), dict):
            raise ModelFileError("optimizer state must be an object with 'slots'")
        if state.get("type", self.name) != self.name:
            raise ModelFileError(f"optimizer state is for {state.get('type')!r}, this run uses "
                                 f"{self.name!r}; use the same optimizer to resume")
        integer(state.get("iterations", 0), "optimizer 'iterations'", low=0,
                error=ModelFileError)
        slots = state["slots"]
        if set(slots) != set(self.slots):
            raise ModelFileError(f"optimizer state has slots {sorted(slots)}, {self.name} needs "
                                 f"{sorted(self.slots)}")
        for key, value in slots.items():
            value = np.asarray(value)
            if value.shape != self.slots[key].shape or value.dtype.kind not in "fiu":
                raise ModelFileError(f"optimizer slot '{key}' has shape {value.shape} and dtype "
                                     f"{value.dtype}, expected {self.slots[key].shape} floats")
            if not np.all(np.isfinite(value)):
                raise ModelFileError(f"optimizer slot '{key}' contains NaN or infinite values")

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output exactly; on a mismatch nothing changes."""
        self.check_state_dict(state)
        for key, value in state["slots"].items():
            self.slots[key][...] = self.backend.asarray(np.asarray(value))
        self.iterations = int(state.get("iterations", 0))


def optimizer_names() -> list[str]:
    return sorted(OPTIMIZERS.names())


def get_optimizer(spec: str | dict[str, Any] | Optimizer) -> Optimizer:
    """Build an optimizer from ``"adam"`` or ``{"type": "sgd", "learning_rate": 0.1, ...}``."""
    if isinstance(spec, Optimizer):
        return spec
    return OPTIMIZERS.build(spec)
