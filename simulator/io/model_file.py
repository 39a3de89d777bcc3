"""The ``.bpmodel`` file: a trained network that loads with :mod:`simulator` alone (no Qt).

A zip archive holding exactly three members:

``network.json``
    The design, as :meth:`NetworkSpec.to_json` writes it (layers, connections, training).
``weights.npz``
    Every parameter and buffer, keyed ``"layer.key"`` (for example ``"hidden.W"``), float32 or
    float64, written and read without pickle. A Dense ``W`` is ``[units][inputs]`` (format 2;
    format 1 files stored it transposed and are read by transposing it back, see
    :mod:`simulator.io.older_formats`).
``meta.json``
    ``format_version``, ``app_version``, ``created`` (UTC), ``input_shape``, ``output_shape``,
    ``dtype``, ``task``, ``class_names``, ``preprocessing`` (the data preprocessor's dict or
    null) and ``metrics`` (final training metrics).

Saving is atomic and reproducible: the same model saved with the same ``created`` time gives
the same bytes (``created`` defaults to now, or to ``$SOURCE_DATE_EPOCH`` when that is set).
Loading treats the file as hostile; every problem is a :class:`ModelFileError`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simulator.errors import ModelFileError
from simulator.io import older_formats, safe_npz, safe_zip
from simulator.io.atomic import atomic_write
from simulator.io.common import (
    check_format_version,
    clean_metrics,
    compile_for_weights,
    dump_json,
    open_checked,
    parse_json,
    parse_spec,
    require_dict,
)
from simulator.io.stored_preprocessing import (
    affine,
    apply_affine,
    preprocessor_from_dict,
    preprocessor_to_dict,
)
from simulator.losses import get_loss
from simulator.network import Network
from simulator.training.metrics import n_classes_of
from simulator.version import __version__

#: 2: Dense weights ``[units][inputs]``; 1: ``[inputs][units]`` (read by transposing).
FORMAT_VERSION = 2
MEMBERS = ("meta.json", "network.json", "weights.npz")
MAX_CLASSES = 100_000


@dataclass
class LoadedModel:
    """A network with its weights, preprocessing and class names, ready to predict."""

    network: Network
    preprocessor: Any = None
    class_names: list[str] = field(default_factory=list)
    task: str = "classification"
    metrics: dict[str, float | None] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._affine = affine(self.preprocessor, self.network.spec.input_shape)

    @property
    def spec(self) -> Any:
        return self.network.spec

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.network.spec.input_shape)

    def preprocess(self, x: Any) -> np.ndarray:
        """Raw samples shaped as the network's input, with the stored preprocessing applied."""
        x = self.network.check_input(x)
        return apply_affine(x, self._affine, self.network.backend.dtype)

    def predict(self, x: Any, batch_size: int = 1024) -> np.ndarray:
        """Outputs for RAW inputs ``x`` (the stored preprocessing is applied first)."""
        return self.network.predict(self.preprocess(x), batch_size=batch_size)

    def predict_labels(self, x: Any, batch_size: int = 1024) -> np.ndarray:
        """Class index per sample (argmax, or a 0.5 threshold for one sigmoid output)."""
        out = self.predict(x, batch_size)
        return (out[:, 0] > 0.5).astype(np.int64) if out.shape[1:] == (1,) else out.argmax(1)


def save_model(
    path: str | os.PathLike[str],
    network: Network | LoadedModel,
    *,
    preprocessor: Any = None,
    class_names: list[str] | None = None,
    metrics: Mapping[str, float | None] | None = None,
    created: str | None = None,
) -> Path:
    """Write ``network`` (and how to prepare its inputs) to a ``.bpmodel`` file, atomically."""
    if isinstance(network, LoadedModel):
        loaded = network
        network = loaded.network
        preprocessor = loaded.preprocessor if preprocessor is None else preprocessor
        class_names = loaded.class_names if class_names is None else class_names
        metrics = loaded.metrics if metrics is None else metrics
    spec = network.spec
    task = _task_of(network)
    names = _check_class_names(list(class_names or []), network, task, "model")
    meta = {
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "created": created or _now(),
        "input_shape": list(spec.input_shape),
        "output_shape": list(network.infos[-1].output_shape),
        "dtype": str(np.dtype(network.backend.dtype)),
        "task": task,
        "class_names": names,
        "preprocessing": preprocessor_to_dict(preprocessor),
        "metrics": clean_metrics(metrics or {}, "metrics"),
    }
    affine(preprocessor, spec.input_shape)  # refuse statistics that do not fit, before writing
    members = {
        "meta.json": dump_json(meta),
        "network.json": spec.to_json().encode("utf-8") + b"\n",
        "weights.npz": safe_npz.write_npz(network.get_weights()),
    }
    return atomic_write(path, safe_zip.write_zip(members, stored={"weights.npz"}))


def load_model(path: str | os.PathLike[str], *, backend: str = "numpy") -> LoadedModel:
    """Read a ``.bpmodel`` file; any problem raises :class:`ModelFileError`."""
    what = f"model file '{Path(path).name}'"
    with open_checked(path, what) as handle:
        members = safe_zip.read_zip(handle, what, allowed=MEMBERS)
    missing = [m for m in MEMBERS if m not in members]
    if missing:
        raise ModelFileError(f"{what} lacks {', '.join(missing)}; it is not a complete "
                             "Backprop Studio model")
    meta = require_dict(parse_json(members["meta.json"], f"{what}: meta.json"), "meta.json")
    version = check_format_version(meta.get("format_version"), what, FORMAT_VERSION)
    design = parse_json(members["network.json"], f"{what}: network.json")
    spec = parse_spec(older_formats.mark_design_version(design, version),
                      f"{what}: network.json")
    if meta.get("input_shape") != list(spec.input_shape):
        raise ModelFileError(f"{what}: meta.json's input_shape {meta.get('input_shape')!r} "
                             f"differs from the network's {list(spec.input_shape)}")
    weights = safe_npz.read_npz(members["weights.npz"], f"{what}: weights.npz")
    if version < older_formats.ROWS_SINCE:
        weights = older_formats.weights_as_rows(weights, spec)
    network = compile_for_weights(spec, weights, backend, what)
    task = _task_of(network)
    names = meta.get("class_names") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ModelFileError(f"{what}: 'class_names' must be a list of strings")
    names = _check_class_names(names, network, task, what)
    preprocessor = preprocessor_from_dict(meta.get("preprocessing"), what)
    metrics = clean_metrics(meta.get("metrics") or {}, f"{what}: metrics")
    try:
        return LoadedModel(network, preprocessor, names, task, metrics, meta)
    except ModelFileError as exc:
        raise ModelFileError(f"{what}: {exc}") from None


def _task_of(network: Network) -> str:
    loss = get_loss(network.spec.training.loss)
    return "classification" if loss.classification else "regression"


def _check_class_names(names: list[str], network: Network, task: str, what: str) -> list[str]:
    if not names:
        return []
    if task != "classification":
        raise ModelFileError(f"{what}: class names given for a regression network")
    expected = n_classes_of(network.infos[-1].output_shape)
    if len(names) != expected or len(names) > MAX_CLASSES:
        raise ModelFileError(f"{what}: {len(names)} class names but the network outputs "
                             f"{expected} classes")
    return [str(n) for n in names]


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
