"""NumPy ``.npz`` files: ``x``/``y`` (any case), or ``x_train``/``y_train`` with an optional
``x_test``/``y_test`` (the Keras ``mnist.npz`` layout), plus an optional ``class_names``.

The file is hostile until proven otherwise: every member's declared shape is checked against
its stored size and the memory cap before a byte of it is read, object arrays are refused, and
``np.load`` runs with ``allow_pickle=False``. ``x`` of shape (N, H, W) is read as grey images
(N, 1, H, W); (N, H, W, C) with C in 1, 3, 4 as channels-last images, moved to NCHW.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from pathlib import Path

import numpy as np

from simulator.checks import choice
from simulator.data.dataset import TASKS, Dataset, Task
from simulator.data.formats import DataFormat
from simulator.data.labels import encode_integer_labels, encode_text_labels, is_integral
from simulator.data.options import (
    DEFAULT_MAX_BYTES,
    check_budget,
    check_file,
    check_max_bytes,
    check_memory,
)
from simulator.errors import DataError

MAX_HEADER = 10_000
MAX_MEMBERS = 1_000
#: Deflate never expands more than about 1032 times; a member that declares more is a lie.
MAX_DEFLATE_RATIO = 1100
LAYOUTS = (("x", "y"), ("x_train", "y_train"))
#: What the zip and npy readers raise on damaged input (zipfile: NotImplementedError for an
#: unknown version or compression method, UnicodeDecodeError for a bad member name).
ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError,
              ValueError)


def load_npz(path: Path, *, task: str | None = None,
             max_bytes: int = DEFAULT_MAX_BYTES) -> Dataset:
    if task is not None:
        choice(task, "option 'task'", TASKS, error=DataError)
    check_file(path, check_max_bytes(max_bytes))
    keys = _check_members(path, max_bytes)
    lower = {key.lower(): key for key in keys}
    layout = next((pair for pair in LAYOUTS if all(k in lower for k in pair)), None)
    if layout is None:
        raise DataError(f"'{path.name}' holds arrays {', '.join(sorted(keys)) or '(none)'}; "
                        "expected 'x' and 'y' (or 'x_train', 'y_train' and optionally 'x_test',"
                        " 'y_test')")
    wanted = [lower[k] for k in layout]
    has_test = layout[0] == "x_train" and ("x_test" in lower or "y_test" in lower)
    if has_test:
        if not ("x_test" in lower and "y_test" in lower):
            raise DataError(f"'{path.name}' has only one of x_test and y_test; give both or "
                            "neither")
        wanted += [lower["x_test"], lower["y_test"]]
    names_key = lower.get("class_names")
    try:
        with np.load(path, allow_pickle=False, max_header_size=MAX_HEADER) as archive:
            arrays = [archive[key] for key in wanted]
            names = archive[names_key] if names_key else None
    except DataError:
        raise
    except ZIP_ERRORS as exc:
        raise DataError(f"'{path.name}' could not be read: {exc}") from exc
    xs = [_features(a, key, path) for a, key in zip(arrays[::2], wanted[::2], strict=True)]
    ys = [_raw_targets(a, key, path) for a, key in zip(arrays[1::2], wanted[1::2], strict=True)]
    for x, y, key in zip(xs, ys, wanted[::2], strict=True):
        if len(x) != len(y):
            raise DataError(f"'{path.name}': '{key}' has {len(x)} samples but its labels have "
                            f"{len(y)}")
    task, targets, class_names = _encode(ys, task, names, path)
    return Dataset(path.stem, xs[0], targets[0], task=task, class_names=class_names,
                   description=f"{len(xs[0])} samples from {path.name}",
                   x_test=xs[1] if has_test else None, y_test=targets[1] if has_test else None,
                   source=str(path))


def _check_members(path: Path, max_bytes: int) -> list[str]:
    """Member names (without .npy), after checking each header against its stored size."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise DataError(f"'{path.name}' has {len(infos)} members; at most "
                                f"{MAX_MEMBERS} are read")
            names = [info.filename for info in infos if info.filename.endswith(".npy")]
            if len(set(names)) != len(names):
                raise DataError(f"'{path.name}' has two members with the same name")
            total = peak = 0
            for info in infos:
                if info.filename.endswith(".npy"):
                    decoded, working = _member_bytes(archive, info, path)
                    total, peak = total + decoded, peak + working
                check_budget(f"'{path.name}'", total, max_bytes, "its arrays")
            check_memory(f"'{path.name}'", peak,
                         "reading its arrays (with the copies made to check them)")
    except DataError:
        raise
    except ZIP_ERRORS as exc:
        raise DataError(f"'{path.name}' is not a valid .npz (zip) file: {exc}") from exc
    return [name.removesuffix(".npy") for name in names]


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path
                  ) -> tuple[int, int]:
    """(bytes the loaded array takes, at most; bytes needed while it is read and checked),
    from the member's header, before its data is inflated."""
    where = f"'{path.name}' array '{info.filename.removesuffix('.npy')}'"
    if (info.compress_type != zipfile.ZIP_STORED
            and info.file_size > MAX_DEFLATE_RATIO * max(info.compress_size, 1) + 4096):
        raise DataError(f"{where}: declares {info.file_size:,} bytes packed into "
                        f"{info.compress_size:,}, more than compression can achieve; the file "
                        "is damaged or a compression bomb")
    with archive.open(info) as member:
        try:
            version = np.lib.format.read_magic(member)
            readers = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}
            if version not in readers:
                raise ValueError(f"unsupported .npy format version {version}")
            shape, _, dtype = readers[version](member, MAX_HEADER)
        except (ValueError, EOFError) as exc:
            raise DataError(f"{where}: not a valid .npy array ({exc})") from exc
        header = member.tell()
    if dtype.hasobject or dtype.names is not None:
        raise DataError(f"{where}: object or structured arrays are not accepted (they would "
                        "need pickle); save plain numeric arrays")
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    if header + nbytes != info.file_size:
        raise DataError(f"{where}: declares shape {list(shape)} of {dtype} ({nbytes} bytes) "
                        f"but stores {info.file_size - header} bytes; the file is damaged")
    # Loaded as float64 at most; checking makes that copy beside the stored array, and a mask.
    return max(nbytes, count * 8), nbytes + count * 8 + count


def _features(x: np.ndarray, key: str, path: Path) -> np.ndarray:
    if x.dtype.kind not in "biuf":
        raise DataError(f"'{path.name}': '{key}' must be numeric, got {x.dtype}")
    if x.ndim == 0:
        raise DataError(f"'{path.name}': '{key}' is a single number, not a set of samples")
    if len(x) == 0 or x.size == 0:
        raise DataError(f"'{path.name}': '{key}' holds no samples (its shape is "
                        f"{list(x.shape)}); save at least one sample with at least one value")
    if x.ndim in (1, 3):  # one feature per sample, or grey images (N, H, W)
        x = x[:, None]
    elif x.ndim == 4 and x.shape[3] in (1, 3, 4) and x.shape[1] not in (1, 3, 4):
        x = x.transpose(0, 3, 1, 2)
    x = np.ascontiguousarray(x, dtype=np.float32 if x.ndim >= 4 else np.float64)
    bad = np.flatnonzero(~np.isfinite(x.reshape(len(x), -1)).all(axis=1))
    if len(bad):
        raise DataError(f"'{path.name}': '{key}' has NaN or infinite values in "
                        f"{len(bad)} samples (the first is sample {bad[0]}); clean them first")
    return x


def _raw_targets(y: np.ndarray, key: str, path: Path) -> np.ndarray:
    if y.dtype.kind == "S":
        y = y.astype(str)
    if y.dtype.kind not in "biufU":
        raise DataError(f"'{path.name}': '{key}' must hold numbers or text labels, got {y.dtype}")
    if y.ndim == 0 or y.ndim > 2:
        raise DataError(f"'{path.name}': '{key}' must have shape (N,) or (N, k), got "
                        f"{list(y.shape)}")
    if y.dtype.kind != "U" and not np.all(np.isfinite(y)):
        raise DataError(f"'{path.name}': '{key}' has NaN or infinite values")
    return y


def _encode(ys: list[np.ndarray], task: str | None, names: np.ndarray | None,
            path: Path) -> tuple[Task, list[np.ndarray], list[str]]:
    """One encoding for the training and test labels together, so the indices agree."""
    y = np.concatenate(ys)
    cut = len(ys[0])
    if y.ndim == 2 and y.shape[1] > 1 and task != "regression" and _one_hot(y):
        y = y.argmax(axis=1)
    elif y.ndim == 2 and y.shape[1] == 1 and task != "regression":
        y = y[:, 0]
    elif y.ndim == 2 and task == "classification":
        raise DataError(f"'{path.name}': labels of shape {list(ys[0].shape)} are neither class "
                        "indices (N,) nor one-hot rows; pass task='regression' for targets")
    if y.dtype.kind != "U" and (task == "regression" or y.ndim == 2
                                or (task is None and not is_integral(y))):
        y = y.astype(np.float64).reshape(len(y), -1)
        return "regression", [y[:cut], y[cut:]], []
    if y.dtype.kind == "U" or not is_integral(y):
        if y.ndim != 1:
            raise DataError(f"'{path.name}': class labels must have shape (N,)")
        indices, class_names = encode_text_labels([str(v) for v in y.tolist()])
    elif names is not None:
        indices, class_names = y.astype(np.int64), _class_names(names, y, path)
    else:
        indices, class_names = encode_integer_labels(y)
    return "classification", [indices[:cut], indices[cut:]], class_names


def _one_hot(y: np.ndarray) -> bool:
    return bool(np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1))


def _class_names(names: np.ndarray, y: np.ndarray, path: Path) -> list[str]:
    if names.dtype.kind not in "US" or names.ndim != 1:
        raise DataError(f"'{path.name}': 'class_names' must be a 1-D array of text")
    listed = [str(n) for n in names.astype(str).tolist()]
    if len(y) and (y.min() < 0 or y.max() >= len(listed)):
        raise DataError(f"'{path.name}': labels run from {int(y.min())} to {int(y.max())} but "
                        f"'class_names' lists {len(listed)} names")
    return listed


FORMAT = DataFormat("npz", "NumPy .npz files", load_npz, suffixes=(".npz",), magic=(b"PK",))
