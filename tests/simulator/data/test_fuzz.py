"""Random and mutated bytes fed to every file loader: it returns a dataset or raises DataError."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from simulator.data import Dataset, load_dataset
from simulator.errors import DataError
from tests.simulator.data.files import idx_bytes

FUZZ = settings(max_examples=60, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _valid_npz() -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, x=np.arange(12.0).reshape(4, 3), y=np.array([0, 1, 0, 1]))
    return buffer.getvalue()


VALID = {
    "data.csv": b"a,b,label\n1.5,2,cat\n3,4.25,dog\n5,6,cat\n",
    "data.npz": _valid_npz(),
    "train-images-idx3-ubyte": idx_bytes(np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)),
}


def test_zip_with_an_unsupported_version_is_a_data_error(tmp_path: Path) -> None:
    """Found by fuzzing: zipfile raises NotImplementedError for 'zip file version 6.4'."""
    content = bytearray(VALID["data.npz"])
    central = content.index(b"PK\x01\x02")
    content[central + 6] = 64  # "version needed to extract"
    path = tmp_path / "data.npz"
    path.write_bytes(bytes(content))
    with pytest.raises(DataError, match="not a valid .npz"):
        load_dataset(path)


def _load_or_data_error(path: Path) -> None:
    try:
        result = load_dataset(path)
    except DataError:
        return
    assert isinstance(result, Dataset)


@pytest.mark.parametrize("name", sorted(VALID))
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _load_or_data_error(path)


@pytest.mark.parametrize("name", sorted(VALID))
@FUZZ
@given(data=st.data())
def test_mutated_valid_files(tmp_path: Path, name: str, data: st.DataObject) -> None:
    content = bytearray(VALID[name])
    action = data.draw(st.sampled_from(["flip", "truncate", "extend"]))
    if action == "flip":
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(content) - 1))
            content[at] = data.draw(st.integers(0, 255))
    elif action == "truncate":
        del content[data.draw(st.integers(0, len(content) - 1)):]
    else:
        content += data.draw(st.binary(min_size=1, max_size=16))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.array([0, 1], np.uint8)))
    path = tmp_path / name
    path.write_bytes(bytes(content))
    _load_or_data_error(path)


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.arange(48, dtype=np.uint8).reshape(6, 8)).save(buffer, format=fmt)
    return buffer.getvalue()


IMAGES = {"png": _image_bytes("PNG"), "jpg": _image_bytes("JPEG"), "bmp": _image_bytes("BMP")}


@pytest.mark.parametrize("ext", sorted(IMAGES))
@FUZZ
@given(data=st.data())
def test_mutated_images_are_loaded_or_skipped(tmp_path: Path, ext: str,
                                              data: st.DataObject) -> None:
    content = bytearray(IMAGES[ext])
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(content) - 1))
        content[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        del content[data.draw(st.integers(0, len(content) - 1)):]
    (tmp_path / "a").mkdir(exist_ok=True)
    (tmp_path / "b").mkdir(exist_ok=True)
    (tmp_path / "a" / f"good.{ext}").write_bytes(IMAGES[ext])
    (tmp_path / "b" / f"good.{ext}").write_bytes(IMAGES[ext])
    (tmp_path / "b" / f"fuzzed.{ext}").write_bytes(bytes(content))
    dataset = load_dataset(tmp_path, size=(6, 8), color="grayscale")
    assert len(dataset) + len(dataset.warnings) >= 3
    assert np.all(np.isfinite(dataset.x))
