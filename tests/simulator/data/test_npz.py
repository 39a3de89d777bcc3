""".npz loading: the key layouts, image layouts, labels, and hostile files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from simulator.data import load_dataset
from simulator.errors import DataError


def npz(tmp_path: Path, name: str = "data.npz", **arrays: np.ndarray) -> Path:
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def npy_bytes(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def test_x_y(tmp_path: Path) -> None:
    x = np.arange(12, dtype=np.float64).reshape(6, 2)
    data = load_dataset(npz(tmp_path, x=x, y=np.array([0, 1, 2, 0, 1, 2])))
    np.testing.assert_array_equal(data.x, x)
    assert data.class_names == ["0", "1", "2"]
    assert data.x_test is None
    assert data.name == "data"


def test_capital_x(tmp_path: Path) -> None:
    data = load_dataset(npz(tmp_path, X=np.ones((3, 4), np.float32), y=np.array([1, 0, 1])))
    assert data.x.shape == (3, 4)
    assert data.x.dtype == np.float64


def test_keras_layout_keeps_the_test_split(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    path = npz(tmp_path, x_train=rng.integers(0, 255, (10, 5, 4), dtype=np.uint8),
               y_train=np.arange(10, dtype=np.uint8) % 3,
               x_test=rng.integers(0, 255, (4, 5, 4), dtype=np.uint8),
               y_test=np.array([0, 1, 2, 1], dtype=np.uint8))
    data = load_dataset(path)
    assert data.x.shape == (10, 1, 5, 4)
    assert data.x.dtype == np.float32
    assert data.x_test is not None
    assert data.x_test.shape == (4, 1, 5, 4)
    np.testing.assert_array_equal(data.y_test, [0, 1, 2, 1])
    assert data.class_names == ["0", "1", "2"]


def test_train_and_test_labels_share_one_encoding(tmp_path: Path) -> None:
    path = npz(tmp_path, x_train=np.zeros((2, 1)), y_train=np.array([5, 7]),
               x_test=np.zeros((2, 1)), y_test=np.array([9, 5]))
    data = load_dataset(path)
    assert data.class_names == ["5", "7", "9"]
    np.testing.assert_array_equal(data.y, [0, 1])
    np.testing.assert_array_equal(data.y_test, [2, 0])


def test_channels_last_images_become_nchw(tmp_path: Path) -> None:
    x = np.random.default_rng(1).random((3, 6, 5, 3))
    data = load_dataset(npz(tmp_path, x=x, y=np.array([0, 1, 0])))
    assert data.x.shape == (3, 3, 6, 5)
    np.testing.assert_allclose(data.x[1, 2], x[1, :, :, 2], rtol=1e-6)


def test_one_hot_labels_and_text_labels_and_class_names(tmp_path: Path) -> None:
    one_hot = np.eye(3)[[2, 0, 1]]
    assert load_dataset(npz(tmp_path, x=np.zeros((3, 2)), y=one_hot)).y.tolist() == [2, 0, 1]
    text = load_dataset(npz(tmp_path, "t.npz", x=np.zeros((3, 2)),
                            y=np.array(["dog", "cat", "dog"])))
    assert text.class_names == ["cat", "dog"]
    assert text.y.tolist() == [1, 0, 1]
    named = load_dataset(npz(tmp_path, "n.npz", x=np.zeros((3, 2)), y=np.array([1, 1, 0]),
                             class_names=np.array(["no", "yes", "maybe"])))
    assert named.class_names == ["no", "yes", "maybe"]
    assert named.y.tolist() == [1, 1, 0]


def test_float_targets_are_regression(tmp_path: Path) -> None:
    data = load_dataset(npz(tmp_path, x=np.zeros((3, 1)), y=np.array([0.5, 1.5, 2.0])))
    assert data.task == "regression"
    assert data.y.shape == (3, 1)
    multi = load_dataset(npz(tmp_path, "m.npz", x=np.zeros((2, 1)), y=np.ones((2, 3)) * 0.5))
    assert multi.y.shape == (2, 3)


def test_object_array_is_refused_without_unpickling(tmp_path: Path) -> None:
    path = tmp_path / "evil.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.npy", npy_bytes(np.array([{"a": 1}, None], dtype=object), True))
        archive.writestr("y.npy", npy_bytes(np.array([0, 1])))
    with pytest.raises(DataError, match="object or structured arrays are not accepted"):
        load_dataset(path)


def test_shape_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    """A header declaring 2**40 float64 values over 16 stored bytes."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": (2**40,)})
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.npy", buffer.getvalue() + bytes(16))
        archive.writestr("y.npy", npy_bytes(np.array([0, 1])))
    with pytest.raises(DataError, match=r"declares shape \[1099511627776\] of float64"):
        load_dataset(path)


def test_declared_memory_over_the_cap(tmp_path: Path) -> None:
    path = npz(tmp_path, x=np.zeros((100, 10)), y=np.zeros(100, dtype=np.int64))
    with pytest.raises(DataError, match="more than the limit"):
        load_dataset(path, max_bytes=4000)


@pytest.mark.parametrize(("arrays", "message"), [
    ({"a": np.zeros((2, 2)), "b": np.zeros(2)}, r"holds arrays a, b; expected 'x' and 'y'"),
    ({"x": np.zeros((3, 2)), "y": np.zeros(2, dtype=int)}, r"'x' has 3 samples but its labels"),
    ({"x": np.array([[1.0, np.nan], [0, 0]]), "y": np.array([0, 1])},
     r"NaN or infinite values in 1 samples \(the first is sample 0\)"),
    ({"x": np.zeros((2, 2)), "y": np.array([0.0, np.inf])}, r"'y' has NaN or infinite"),
    ({"x": np.array(["a", "b"]), "y": np.array([0, 1])}, r"'x' must be numeric"),
    ({"x_train": np.zeros((2, 1)), "y_train": np.array([0, 1]), "x_test": np.zeros((1, 1))},
     r"only one of x_test and y_test"),
    ({"x": np.zeros((2, 1)), "y": np.zeros((2, 2, 2))}, r"'y' must have shape \(N,\) or"),
    ({"x": np.zeros((2, 1)), "y": np.array([0, 3]), "class_names": np.array(["a", "b"])},
     r"labels run from 0 to 3 but 'class_names' lists 2 names"),
])
def test_bad_content(tmp_path: Path, arrays: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_dataset(npz(tmp_path, **arrays))


def test_not_a_zip_and_truncated_zip(tmp_path: Path) -> None:
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"this is not a zip file at all")
    with pytest.raises(DataError, match=r"not a valid \.npz \(zip\) file"):
        load_dataset(junk)
    good = npz(tmp_path, x=np.zeros((50, 4)), y=np.zeros(50, dtype=int)).read_bytes()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataError, match="cut.npz"):
        load_dataset(cut)


def test_classification_task_refuses_multi_column_targets(tmp_path: Path) -> None:
    path = npz(tmp_path, x=np.zeros((2, 1)), y=np.array([[0.2, 0.3], [0.1, 0.0]]))
    with pytest.raises(DataError, match="neither class indices"):
        load_dataset(path, task="classification")
