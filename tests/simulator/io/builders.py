"""Small networks and hostile-archive helpers shared by the file-format tests."""

from __future__ import annotations

import io
import warnings
import zipfile
from typing import Any

import numpy as np

from simulator.network import Network, compile_network
from simulator.spec import NetworkSpec

COURSE = {
    "input_shape": [2],
    "layers": [
        {"type": "Dense", "units": 2, "activation": "sigmoid", "weights": [[1, -2], [-1, 1]],
         "bias": [1, 0]},
        {"type": "Dense", "units": 3},
        {"type": "Softmax"},
    ],
    "training": {"loss": "cross_entropy",
                 "optimizer": {"type": "sgd", "learning_rate": 0.1, "momentum": 0.9},
                 "batch_size": 32, "epochs": 10, "shuffle": True, "seed": 0},
}

MLP = {
    "input_shape": [4],
    "layers": [
        {"type": "Dense", "name": "hidden", "units": 8, "activation": "tanh"},
        {"type": "Dense", "name": "leaky", "units": 6,
         "activation": {"type": "leaky_relu", "alpha": 0.2}},
        {"type": "Dense", "name": "scores", "units": 3, "activation": "softmax"},
    ],
    "training": {"optimizer": {"type": "adam", "learning_rate": 0.01}, "epochs": 2,
                 "batch_size": 16, "validation_split": 0.25},
}

CNN = {
    "input_shape": [2, 8, 8],
    "layers": [
        {"type": "Conv2D", "name": "conv_same", "filters": 4, "kernel_size": 3, "stride": 2,
         "padding": "same", "activation": "relu"},
        {"type": "BatchNorm", "name": "norm"},
        {"type": "Conv2D", "name": "conv_pad", "filters": 5, "kernel_size": [2, 3],
         "padding": 1, "activation": "tanh"},
        {"type": "MaxPool2D", "name": "max", "pool_size": 2, "stride": 1},
        {"type": "AvgPool2D", "name": "avg", "pool_size": 2},
        {"type": "Dropout", "name": "drop", "rate": 0.3},
        {"type": "Flatten", "name": "flat"},
        {"type": "BatchNorm", "name": "norm_flat"},
        {"type": "Dense", "name": "scores", "units": 4},
        {"type": "Softmax", "name": "probabilities"},
    ],
}

BRANCHING = {
    "input_shape": [3, 6, 6],
    "layers": [
        {"type": "Conv2D", "name": "a", "filters": 4, "kernel_size": 3, "padding": "same",
         "activation": "relu"},
        {"type": "Conv2D", "name": "b", "filters": 4, "kernel_size": 1, "inputs": ["input"]},
        {"type": "Add", "name": "sum", "inputs": ["a", "b"]},
        {"type": "Conv2D", "name": "c", "filters": 2, "kernel_size": 3, "padding": "same",
         "inputs": ["b"]},
        {"type": "Concatenate", "name": "join", "axis": 0, "inputs": ["sum", "c", "b"]},
        {"type": "GlobalAvgPool", "name": "gap"},
        {"type": "Dense", "name": "d1", "units": 5, "activation": "sigmoid"},
        {"type": "Dense", "name": "d2", "units": 5, "inputs": ["gap"]},
        {"type": "LeakyReLU", "name": "lr", "alpha": 0.1, "inputs": ["d2"]},
        {"type": "Add", "name": "merge", "inputs": ["d1", "lr", "d1"]},
        {"type": "Concatenate", "name": "feats", "axis": -1, "inputs": ["merge", "gap"]},
        {"type": "Tanh", "name": "t"},
        {"type": "Dense", "name": "out", "units": 2},
        {"type": "Sigmoid", "name": "p"},
    ],
    "training": {"loss": "binary_cross_entropy"},
}


def build(config: dict[str, Any], seed: int = 0, dtype: str = "float32") -> Network:
    """Compile ``config`` and give every tensor random values (running variances positive)."""
    data = {**config, "training": {**config.get("training", {}), "dtype": dtype}}
    network = compile_network(NetworkSpec.from_dict(data), "numpy", seed=seed)
    rng = np.random.default_rng(seed + 1)
    weights = {}
    for key, value in network.get_weights().items():
        if key.endswith("running_var"):
            weights[key] = rng.uniform(0.5, 2.0, value.shape)
        else:
            weights[key] = rng.normal(0.0, 0.5, value.shape)
    network.set_weights({k: v.astype(dtype) for k, v in weights.items()})
    return network


def zip_bytes(members: list[tuple[str, bytes]], compress: bool = True) -> bytes:
    """A zip with exactly these members, in order, duplicates and odd names allowed."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w", method) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buffer.getvalue()


def members_of(path: Any) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
