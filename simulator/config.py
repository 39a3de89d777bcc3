"""The ``training`` section of a network file: everything about *how* a network learns.

Every field has a sensible default (no regularization unless asked for; ``auto``
preprocessing: tabular features standardized, image pixels scaled to [0, 1]), and every value
is checked when the config is read, so a typo fails at load time with the key's name.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from simulator.callbacks import callbacks_from_config
from simulator.errors import SpecError
from simulator.losses import get_loss
from simulator.optim import get_optimizer
from simulator.optim.schedules import get_schedule
from simulator.regularizers import parse_regularizer

PREPROCESSING = ("auto", "none", "center", "standardize", "minmax", "minmax_symmetric", "pixels")


@dataclass
class TrainingConfig:
    loss: str = "cross_entropy"
    optimizer: dict[str, Any] = field(
        default_factory=lambda: {"type": "sgd", "learning_rate": 0.1}
    )
    schedule: dict[str, Any] | None = None
    regularizer: dict[str, Any] | None = None
    batch_size: int = 32
    epochs: int = 10
    shuffle: bool = True
    seed: int = 0
    validation_split: float = 0.2
    preprocessing: str = "auto"
    #: ``{"monitor": "val_loss", "patience": 5, "min_delta": 0, "mode": "auto",
    #: "restore_best_weights": true}`` (any subset; ``{}`` = all defaults) or None (off).
    early_stopping: dict[str, Any] | None = None
    #: ``{"monitor": "val_loss", "factor": 0.1, "patience": 10, "min_lr": 1e-6,
    #: "min_delta": 1e-4, "cooldown": 0, "mode": "auto"}`` (any subset) or None (off).
    reduce_on_plateau: dict[str, Any] | None = None
    gradient_clip: float | None = None
    dtype: str = "float32"

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        get_loss(self.loss)
        if isinstance(self.optimizer, str):
            self.optimizer = {"type": self.optimizer}
        get_optimizer(self.optimizer)
        get_schedule(self.schedule)
        parse_regularizer(self.regularizer)
        for key in ("batch_size", "epochs"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SpecError(f"training '{key}' must be a positive integer, got {value!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise SpecError(f"training 'seed' must be an integer >= 0, got {self.seed!r}")
        split = self.validation_split
        if isinstance(split, bool) or not isinstance(split, int | float) or not 0 <= split < 1:
            raise SpecError(
                f"training 'validation_split' must be a fraction in [0, 1), got {split!r}"
            )
        if self.preprocessing not in PREPROCESSING:
            raise SpecError(
                f"training 'preprocessing' must be one of {', '.join(PREPROCESSING)}, "
                f"got {self.preprocessing!r}"
            )
        if self.gradient_clip is not None and (
            isinstance(self.gradient_clip, bool)
            or not isinstance(self.gradient_clip, int | float)
            or not math.isfinite(self.gradient_clip)
            or self.gradient_clip <= 0
        ):
            raise SpecError(
                f"training 'gradient_clip' must be a positive number (the largest gradient "
                f"norm), got {self.gradient_clip!r}"
            )
        if self.dtype not in ("float32", "float64"):
            raise SpecError(f"training 'dtype' must be float32 or float64, got {self.dtype!r}")
        callbacks_from_config(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TrainingConfig:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise SpecError(f"'training' must be an object, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SpecError(
                f"unknown training keys {unknown}; known keys are: {', '.join(sorted(known))}"
            )
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def replace(self, **changes: Any) -> TrainingConfig:
        """A copy with ``changes`` applied (and validated); None values are ignored."""
        data = self.to_dict()
        data.update({k: v for k, v in changes.items() if v is not None})
        return TrainingConfig.from_dict(data)
