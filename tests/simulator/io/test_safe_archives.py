"""Zip containers and .npz archives read as hostile input (checklist items 3-8)."""

from __future__ import annotations

import io
import pickle
import time
import zipfile

import numpy as np
import pytest

from simulator.errors import ModelFileError
from simulator.io import safe_npz, safe_zip
from tests.simulator.io.builders import zip_bytes


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npy_with_header(header: str, data: bytes = b"") -> bytes:
    text = header.encode("latin1")
    pad = 16 - (10 + len(text) + 1) % 16
    header_bytes = text + b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header_bytes).to_bytes(2, "little") + header_bytes + data


# ----- zip containers ----------------------------------------------------------------------
def test_round_trip_and_reproducible_bytes() -> None:
    members = {"b.json": b"{}", "a.npz": b"x" * 100}
    first = safe_zip.write_zip(members, stored={"a.npz"})
    assert first == safe_zip.write_zip(dict(reversed(members.items())), stored={"a.npz"})
    assert safe_zip.read_zip(first, "test") == members
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a.npz", "b.json"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert [i.compress_type for i in infos] == [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]


@pytest.mark.parametrize("name", ["../escape", "a/../../escape", "..", "..\\escape",
                                  "/etc/passwd", "C:\\x", "a//b", "dir/", "./a", "a\x01b"])
def test_unsafe_member_names_are_refused(name: str) -> None:
    with pytest.raises(ModelFileError, match="member named"):
        safe_zip.read_zip(zip_bytes([(name, b"1")]), "test")


def test_duplicate_members_are_refused() -> None:
    data = zip_bytes([("meta.json", b"{}"), ("meta.json", b"{}")])
    with pytest.raises(ModelFileError, match="'meta.json' twice"):
        safe_zip.read_zip(data, "test")


def test_unexpected_member_is_refused() -> None:
    with pytest.raises(ModelFileError, match="unexpected member 'evil.py'"):
        safe_zip.read_zip(zip_bytes([("evil.py", b"")]), "test", allowed={"meta.json"})


def test_too_many_members_refused_from_the_end_record(monkeypatch) -> None:
    data = zip_bytes([(f"m{i}", b"") for i in range(70)])
    with pytest.raises(ModelFileError, match="declares 70 members; at most 64"):
        safe_zip.read_zip(data, "test")
    monkeypatch.setattr(safe_zip, "MAX_MEMBERS", 5)
    with pytest.raises(ModelFileError, match="at most 5"):
        safe_zip.read_zip(zip_bytes([(f"m{i}", b"") for i in range(6)]), "test")


def test_oversized_member_refused_before_reading(monkeypatch) -> None:
    monkeypatch.setattr(safe_zip, "MAX_MEMBER_BYTES", 64)
    read_calls = []
    monkeypatch.setattr(safe_zip, "_read_member",
                        lambda *a: read_calls.append(a) or b"")
    with pytest.raises(ModelFileError, match="declares 65 bytes, more than the 64 bytes"):
        safe_zip.read_zip(zip_bytes([("ok", b"1"), ("big", b"x" * 65)]), "test")
    assert read_calls == []


def test_total_size_is_capped(monkeypatch) -> None:
    monkeypatch.setattr(safe_zip, "MAX_TOTAL_BYTES", 100)
    with pytest.raises(ModelFileError, match="more than 100 bytes"):
        safe_zip.read_zip(zip_bytes([("a", b"x" * 60), ("b", b"y" * 60)]), "test")


def test_compression_bomb_refused_and_incompressible_allowed(monkeypatch) -> None:
    monkeypatch.setattr(safe_zip, "RATIO_FLOOR", 64)
    with pytest.raises(ModelFileError, match="compression bomb"):
        safe_zip.read_zip(zip_bytes([("zeros", bytes(100_000))]), "test")
    noise = np.random.default_rng(0).bytes(100_000)
    assert safe_zip.read_zip(zip_bytes([("noise", noise)]), "test") == {"noise": noise}


def test_lying_declared_size_is_caught() -> None:
    data = bytearray(zip_bytes([("a", b"hello world")], compress=False))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (5).to_bytes(4, "little")  # uncompressed size: 5
    with pytest.raises(ModelFileError):
        safe_zip.read_zip(bytes(data), "test")


def test_symlink_member_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(ModelFileError, match="symbolic link"):
        safe_zip.read_zip(buffer.getvalue(), "test")


@pytest.mark.parametrize("cut", [0, 7, 30, 0.5, -2])
def test_truncated_archives(cut: float) -> None:
    data = zip_bytes([("meta.json", b'{"a": 1}' * 50), ("w", b"x" * 300)])
    end = int(len(data) * cut) if isinstance(cut, float) else cut
    with pytest.raises(ModelFileError):
        safe_zip.read_zip(data[:end], "test")


@pytest.mark.parametrize("data", [b"", b"garbage" * 10, b"\x00" * 1000,
                                  b"PK\x05\x06" + bytes(18) + b"PK\x03\x04"])
def test_garbage_is_not_an_archive(data: bytes) -> None:
    with pytest.raises(ModelFileError):
        safe_zip.read_zip(data, "test")


def test_an_empty_archive_has_no_members() -> None:
    assert safe_zip.read_zip(b"PK\x05\x06" + bytes(18), "test") == {}


# ----- npz -----------------------------------------------------------------------------
def test_npz_round_trip_and_readable_by_numpy() -> None:
    arrays = {"dense_1.W": np.arange(6, dtype=np.float32).reshape(2, 3),
              "odd/../name%.b": np.ones(2), "f": np.asfortranarray(np.eye(3))}
    blob = safe_npz.write_npz(arrays)
    back = safe_npz.read_npz(blob, "test")
    assert set(back) == set(arrays)
    for key, value in arrays.items():
        assert back[key].dtype == value.dtype
        np.testing.assert_array_equal(back[key], value)
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["dense_1.W"], arrays["dense_1.W"])


def test_shape_bomb_refused_without_allocating() -> None:
    bomb = npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }",
                           bytes(16))
    started = time.perf_counter()
    with pytest.raises(ModelFileError, match=r"declares shape \[1099511627776\].*holds 16 bytes"):
        safe_npz.read_npz(zip_bytes([("w.npy", bomb)]), "test")
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("shape", ["(2, 9223372036854775807)", "(-1,)", "(2, 2)", "(3,)"])
def test_shape_must_match_stored_bytes(shape: str) -> None:
    blob = npy_with_header(f"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}",
                           bytes(8))
    with pytest.raises(ModelFileError):
        safe_npz.parse_npy(blob, "test")


def test_trailing_bytes_are_refused() -> None:
    with pytest.raises(ModelFileError, match="holds 20 bytes"):
        safe_npz.parse_npy(npy_bytes(np.zeros(2, np.float64)) + b"xxxx", "test")


@pytest.mark.parametrize("array", [np.zeros(2, np.float16), np.zeros(2, np.int32),
                                   np.zeros(2, ">f4"), np.zeros(2, [("a", "<f4")]),
                                   np.zeros(2, np.complex64)])
def test_only_little_endian_floats_are_weights(array: np.ndarray) -> None:
    with pytest.raises(ModelFileError, match="dtype"):
        safe_npz.parse_npy(npy_bytes(array), "test")


def test_object_arrays_and_pickles_never_load(tmp_path) -> None:
    sentinel = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(sentinel), "w"))

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array([Payload()], dtype=object), allow_pickle=True)
    with pytest.raises(ModelFileError, match="dtype '|O'"):
        safe_npz.parse_npy(buffer.getvalue(), "test")
    with pytest.raises(ModelFileError, match="header"):
        safe_npz.parse_npy(pickle.dumps(Payload()), "test")
    assert not sentinel.exists()


@pytest.mark.parametrize("blob", [b"", b"\x93NUMPY", b"\x93NUMPY\x01\x00\xff\xff",
                                  b"\x93NUMPY\x03\x00" + bytes(8),
                                  npy_with_header("{'descr': '<f4'}"),
                                  npy_with_header("{'descr': '<f4', 'fortran_order': False, "
                                                  "'shape': (1,), 'x': __import__('os')}")])
def test_malformed_headers(blob: bytes) -> None:
    with pytest.raises(ModelFileError):
        safe_npz.parse_npy(blob, "test")


def test_non_npy_and_non_canonical_member_names() -> None:
    with pytest.raises(ModelFileError, match="not a .npy array"):
        safe_npz.read_npz(zip_bytes([("a.txt", b"")]), "test")
    data = zip_bytes([("a%2Eb.npy", npy_bytes(np.zeros(1)))])
    with pytest.raises(ModelFileError, match="canonical"):
        safe_npz.read_npz(data, "test")


@pytest.mark.parametrize(("prefix", "suffix"), [(b"", b"trailing"), (b"#!/bin/sh\n", b"")])
def test_bytes_around_the_archive_are_refused(prefix: bytes, suffix: bytes) -> None:
    data = prefix + zip_bytes([("a", b"1")]) + suffix
    with pytest.raises(ModelFileError, match="extra bytes"):
        safe_zip.read_zip(data, "test")
