"""The ``.bpmodel`` file: a trained network that loads with :mod:`simulator` alone (no Qt).

A zip archive holding three members, and a fourth when the preprocessing has per-feature
statistics:

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
``preprocessing.npz`` (format 2)
    The preprocessing's per-feature ``shift`` and ``scale`` arrays, which ``meta.json`` refers
    to as ``{"__array__": "shift"}``. (Per-pixel statistics of a 3×300×300 image set are 12.9
    MiB as JSON text, more than a JSON member may hold; format 1 files kept them inline, and
    are still read.)

Saving is atomic and reproducible: the same model saved with the same ``created`` time gives
the same bytes (``created`` defaults to now, or to ``$SOURCE_DATE_EPOCH`` when that is set).
Before the file replaces anything, the bytes are loaded back in memory exactly as
:func:`load_model` reads them, so a model that was saved always loads. Loading treats the
file as hostile; every problem is a :class:`ModelFileError`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from simulator.errors import DataError, ModelFileError
from simulator.io import older_formats, safe_npz, safe_zip
from simulator.io.atomic import atomic_write
from simulator.io.common import (
    check_format_version,
    clean_metrics,
    compile_for_weights,
    dump_json,
    join_arrays,
    open_checked,
    parse_json,
    parse_spec,
    require_dict,
    split_arrays,
)
from simulator.io.stored_preprocessing import (
    affine,
    apply_affine,
    preprocessor_from_dict,
    preprocessor_to_dict,
)
from simulator.losses import get_loss
from simulator.network import Network
from simulator.spec import MAX_JSON_BYTES, NetworkSpec
from simulator.training.metrics import n_classes_of
from simulator.version import __version__

#: 2: Dense weights ``[units][inputs]``, per-feature preprocessing statistics in
#: ``preprocessing.npz``; 1: ``[inputs][units]`` (read by transposing), statistics in JSON.
FORMAT_VERSION = 2
REQUIRED = ("meta.json", "network.json", "weights.npz")
MEMBERS = (*REQUIRED, "preprocessing.npz")
JSON_LIMITS = {"meta.json": MAX_JSON_BYTES, "network.json": MAX_JSON_BYTES}
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
    affine(preprocessor, spec.input_shape)  # refuse statistics that do not fit, before writing
    stats = preprocessor_to_dict(preprocessor)
    stats_tree, stats_arrays = split_arrays(stats)
    meta = {
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "created": created or _now(),
        "input_shape": list(spec.input_shape),
        "output_shape": list(network.infos[-1].output_shape),
        "dtype": str(np.dtype(network.backend.dtype)),
        "task": task,
        "class_names": names,
        "preprocessing": stats_tree,
        "metrics": clean_metrics(metrics or {}, "metrics"),
    }
    weights = network.get_weights()
    members = {
        "meta.json": dump_json(meta),
        "network.json": spec.to_json().encode("utf-8") + b"\n",
        "weights.npz": safe_npz.write_npz(weights),
    }
    if stats_arrays:
        members["preprocessing.npz"] = safe_npz.write_npz(stats_arrays)
    data = safe_zip.write_zip(members, stored={"weights.npz", "preprocessing.npz"})
    _verify(data, weights, Path(path).name)
    return atomic_write(path, data)


def _verify(data: bytes, weights: dict[str, np.ndarray], name: str) -> None:
    """Load the bytes about to be written exactly as :func:`load_model` would; refuse to
    write a file that would not load, or would load different weights."""
    try:
        loaded = _read(data, f"model file '{name}'", "numpy")
    except ModelFileError as exc:
        raise ModelFileError(f"cannot save '{name}': the file would not load back ({exc}); "
                             "nothing was written") from None
    reread = loaded.network.get_weights()
    changed = [k for k, v in weights.items() if k not in reread or not np.array_equal(reread[k], v)]
    if changed:
        raise ModelFileError(f"cannot save '{name}': the weights {', '.join(changed[:3])} "
                             "would not load back unchanged; nothing was written")


def load_model(path: str | os.PathLike[str], *, backend: str = "numpy") -> LoadedModel:
    """Read a ``.bpmodel`` file; any problem raises :class:`ModelFileError`."""
    what = f"model file '{Path(path).name}'"
    with open_checked(path, what) as handle:
        return _read(handle, what, backend)


def _read(source: bytes | BinaryIO, what: str, backend: str) -> LoadedModel:
    members = safe_zip.read_zip(source, what, allowed=MEMBERS, member_limits=JSON_LIMITS)
    missing = [m for m in REQUIRED if m not in members]
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
    stats = meta.get("preprocessing")
    if "preprocessing.npz" in members:
        if version < 2:
            raise ModelFileError(f"{what}: a format {version} model holds no preprocessing.npz")
        arrays = safe_npz.read_npz(members["preprocessing.npz"],
                                   f"{what}: preprocessing.npz")
        stats = join_arrays(stats, arrays)
    preprocessor = preprocessor_from_dict(stats, what)
    metrics = clean_metrics(meta.get("metrics") or {}, f"{what}: metrics")
    try:
        return LoadedModel(network, preprocessor, names, task, metrics, meta)
    except ModelFileError as exc:
        raise ModelFileError(f"{what}: {exc}") from None


def class_names_to_save(spec: NetworkSpec, dataset: Any) -> list[str]:
    """The class names a model of ``spec`` trained on ``dataset`` is saved with (none for a
    network trained as a regression), checked before training so that the save cannot fail:
    a DataError when the data's classes and the network's outputs differ in number."""
    if not get_loss(spec.training.loss).classification or dataset.task != "classification":
        return []
    names = [str(name) for name in dataset.class_names]
    outputs = spec.infer_shapes()[-1].output_shape
    expected = n_classes_of(outputs)
    if len(outputs) == 1 and len(names) != expected:
        sized = next((layer.name for layer in reversed(spec.layers) if "units" in layer.config),
                     None)
        fix = (f"set the units of layer '{sized}' to {len(names)}" if sized else
               f"make the last layer output {len(names)} values")
        raise DataError(f"the data has {len(names)} classes but the network's output has "
                        f"{outputs[0]} unit(s) ({expected} classes); "
                        f"{fix}, so that the trained model can be saved with its class names")
    return names


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
