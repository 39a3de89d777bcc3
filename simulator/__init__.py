"""Backprop Studio's engine: layers, losses, optimizers, training, data and files.

Pure Python + NumPy (CuPy on a GPU). This package never imports Qt or ``ui``.
"""

from simulator.backend import get_backend, to_numpy
from simulator.config import TrainingConfig
from simulator.errors import (
    BackendError,
    BackpropError,
    DataError,
    ModelFileError,
    SpecError,
    TrainingError,
)
from simulator.io import load_model, save_model
from simulator.network import Network, compile_network
from simulator.spec import LayerSpec, NetworkSpec
from simulator.training.trainer import Trainer, TrainerControl
from simulator.version import __version__

__all__ = [
    "__version__",
    "BackendError",
    "BackpropError",
    "DataError",
    "LayerSpec",
    "ModelFileError",
    "Network",
    "NetworkSpec",
    "SpecError",
    "Trainer",
    "TrainerControl",
    "TrainingConfig",
    "TrainingError",
    "compile_network",
    "get_backend",
    "load_model",
    "save_model",
    "to_numpy",
]
