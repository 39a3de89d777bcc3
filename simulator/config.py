"""The ``training`` section of a network file: everything about *how* a network learns.

Every field has a sensible default (no regularization unless asked for; ``auto``
preprocessing: tabular features standardized, image pixels scaled to [0, 1]), and every value
is checked when the config is read, so a typo fails at load time with the key's name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from simulator.callbacks import callbacks_from_config
from simulator.checks import choice, integer, number
from simulator.errors import SpecError
from simulator.losses import get_loss
from simulator.optim import get_optimizer
from simulator.optim.schedules import get_schedule
from simulator.regularizers import get_regularizer

#: ``validation_split`` lies in [0, VALIDATION_SPLIT_MAX) (the UI's controls read it too).
VALIDATION_SPLIT_MAX = 1.0
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
        get_regularizer(self.regularizer)
        self.batch_size = integer(self.batch_size, "training 'batch_size'", low=1)
        self.epochs = integer(self.epochs, "training 'epochs'", low=1)
        self.seed = integer(self.seed, "training 'seed'", low=0)
        number(self.validation_split, "training 'validation_split'", low=0,
               high=VALIDATION_SPLIT_MAX,
               high_open=True, hint="the fraction held out")
        choice(self.preprocessing, "training 'preprocessing'", PREPROCESSING)
        if self.gradient_clip is not None:
            number(self.gradient_clip, "training 'gradient_clip'", low=0, low_open=True,
                   hint="the largest gradient norm")
        choice(self.dtype, "training 'dtype'", ("float32", "float64"))
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
