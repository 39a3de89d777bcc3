"""MNIST IDX loading: plain and gzipped files, label discovery, and each malformed header."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from simulator.data import load_dataset
from simulator.data.formats.idx import read_idx
from simulator.errors import DataError
from tests.simulator.data.files import idx_bytes, write_idx


def test_images_and_labels_found_beside_them(mnist_like) -> None:
    path, images, labels = mnist_like
    data = load_dataset(str(path))
    assert data.x.shape == (12, 1, 6, 5)
    assert data.x.dtype == np.float32
    np.testing.assert_array_equal(data.x[:, 0], images)
    np.testing.assert_array_equal(data.y, labels)
    assert data.class_names == [str(i) for i in range(10)]
    assert data.task == "classification"


def test_gzipped_pair_t10k_names(tmp_path: Path) -> None:
    images = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images, gz=True)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.array([1, 0], np.uint8), gz=True)
    data = load_dataset(tmp_path / "t10k-images-idx3-ubyte.gz")
    np.testing.assert_array_equal(data.x[:, 0], images)
    np.testing.assert_array_equal(data.y, [1, 0])


def test_gzipped_images_with_plain_labels_given_explicitly(tmp_path: Path) -> None:
    write_idx(tmp_path / "digits.idx3", np.zeros((3, 2, 2), np.uint8), gz=True)
    write_idx(tmp_path / "answers.idx1", np.array([0, 1, 1], np.uint8))
    data = load_dataset(tmp_path / "digits.idx3", labels=str(tmp_path / "answers.idx1"))
    assert data.y.tolist() == [0, 1, 1]


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, ">i2", ">i4", ">f4", ">f8"])
def test_every_type_code(tmp_path: Path, dtype: str) -> None:
    values = np.arange(-3, 3).reshape(2, 3) if np.dtype(dtype).kind != "u" else np.arange(6)
    array = values.astype(dtype)
    path = write_idx(tmp_path / "values.idx", array)
    np.testing.assert_array_equal(read_idx(path), array)


def test_missing_labels_file_says_where_it_looked(tmp_path: Path) -> None:
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((2, 2, 2), np.uint8))
    with pytest.raises(DataError, match=r"looked for train-labels-idx1-ubyte and "
                                        r"train-labels-idx1-ubyte\.gz\); pass labels="):
        load_dataset(tmp_path / "train-images-idx3-ubyte")


def test_labels_file_opened_as_images(mnist_like) -> None:
    path, _, _ = mnist_like
    with pytest.raises(DataError, match="like a labels file"):
        load_dataset(path.parent / "train-labels-idx1-ubyte")


def test_labels_option_must_be_a_path(mnist_like) -> None:
    path, _, _ = mnist_like
    with pytest.raises(DataError, match="option 'labels' must be the path"):
        load_dataset(path, labels=3)


def test_count_mismatch(tmp_path: Path) -> None:
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((3, 2, 2), np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(2, np.uint8))
    with pytest.raises(DataError, match="has 3 images but 'train-labels-idx1-ubyte' has 2"):
        load_dataset(tmp_path / "train-images-idx3-ubyte")


def test_labels_must_be_integers(tmp_path: Path) -> None:
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((2, 2, 2), np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(2, ">f4"))
    with pytest.raises(DataError, match="not an IDX labels file"):
        load_dataset(tmp_path / "train-images-idx3-ubyte")


def header(code: int, dims: tuple[int, ...], lead: bytes = b"\x00\x00") -> bytes:
    return lead + bytes([code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


@pytest.mark.parametrize(("content", "message"), [
    (header(0x08, (2, 2)).replace(b"\x00\x00", b"\x01\x00", 1) + bytes(4),
     r"not an IDX file: it starts with bytes 0x01 0x00"),
    (header(0x0A, (2, 2)) + bytes(4), r"unknown IDX type code 0x0A"),
    (header(0x08, (1,) * 5) + bytes(1), r"declares 5 dimensions"),
    (header(0x08, ()) , r"declares 0 dimensions"),
    (header(0x08, (3, 2)) + bytes(5), r"declares 3×2 values of 1 byte\(s\) = 6 bytes, but the "
                                      r"file holds 5; it is truncated"),
    (header(0x0B, (2,)) + bytes(5), r"holds 5; it is longer than declared"),
    (header(0x08, (60000, 28, 28))[:9], r"the IDX header is cut short"),
    (b"\x00\x00", r"too short to be an IDX file \(2 bytes\)"),
    (header(0x08, (2**31, 2**31, 4)), r"more than the limit"),
    (header(0x0D, (2,)) + struct.pack(">2f", 1.0, float("nan")), r"NaN or infinite"),
])
@pytest.mark.parametrize("gz", [False, True])
def test_malformed_files(tmp_path: Path, content: bytes, message: str, gz: bool) -> None:
    path = write_idx(tmp_path / "bad.idx", content, gz=gz)
    if gz and "longer than declared" in message:
        message = "the data holds more"
    if gz and "truncated" in message:
        message = r"declares 3×2 values \(6 bytes\) but the data holds fewer"
    with pytest.raises(DataError, match=message):
        read_idx(path)


def test_huge_dims_fail_fast_without_allocating(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "huge.idx", header(0x0E, (2**32 - 1,) * 3) + bytes(8))
    with pytest.raises(DataError, match="more than the limit"):
        read_idx(path, max_bytes=2**62)


def test_truncated_gzip_stream(tmp_path: Path) -> None:
    data = gzip.compress(idx_bytes(np.arange(4000, dtype=np.uint8).reshape(40, 10, 10)))
    path = tmp_path / "cut-images-idx3-ubyte.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="cut-images-idx3-ubyte.gz"):
        read_idx(path)


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty-images-idx3-ubyte").write_bytes(b"")
    with pytest.raises(DataError, match=r"is empty \(0 bytes\)"):
        load_dataset(tmp_path / "empty-images-idx3-ubyte")
