"""Data sources that are not what they claim: special files, deep trees, bombs, odd tables.

Every hostile input is generated here, by the test that uses it.
"""

from __future__ import annotations

import gzip
import os
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from simulator import memory
from simulator.data import builtin_datasets, load_dataset
from simulator.data.formats.image_folder import SAFE_FORMATS
from simulator.errors import DataError
from simulator.paths import MAX_FOLDER_DEPTH
from tests.simulator.data.files import idx_bytes, save_image, write_idx

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev are POSIX")


# ----- what a path may be ---------------------------------------------------------------
@posix_only
@pytest.mark.parametrize("name", ["data.csv", "data", "train-images-idx3-ubyte"])
def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path, name: str) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)    # opening it for reading would wait for a writer forever
    with pytest.raises(DataError, match="is a FIFO .*not a regular file or a folder"):
        load_dataset(fifo)


@posix_only
def test_a_fifo_as_the_idx_labels_file_is_refused(mnist_like, tmp_path: Path) -> None:
    images, _, _ = mnist_like
    os.mkfifo(tmp_path / "labels")
    with pytest.raises(DataError, match="FIFO"):
        load_dataset(images, labels=str(tmp_path / "labels"))


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused() -> None:
    with pytest.raises(DataError, match="is a device"):
        load_dataset("/dev/zero")


@posix_only
def test_a_symbolic_link_loop_is_named(tmp_path: Path) -> None:
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    with pytest.raises(DataError, match="symbolic link loop"):
        load_dataset(tmp_path / "loop")
    os.symlink(tmp_path / "missing", tmp_path / "dangling")
    with pytest.raises(DataError, match="symbolic link to nothing"):
        load_dataset(tmp_path / "dangling")


def test_a_folder_nested_1100_deep_is_refused_without_recursion(tmp_path: Path) -> None:
    save_image(tmp_path / "set" / "cat" / "1.png")
    deep = tmp_path / "set" / "dog"
    deep.mkdir()
    start = os.getcwd()
    os.chdir(deep)   # build the tree with short relative paths
    try:
        for _ in range(1100):
            os.mkdir("d")
            os.chdir("d")
        Image.new("L", (4, 4)).save("x.png")
    finally:
        os.chdir(start)
    try:
        with pytest.raises(DataError, match=f"nested more than {MAX_FOLDER_DEPTH} levels "
                                            "deep"):
            load_dataset(tmp_path / "set")
    finally:   # shutil.rmtree recurses per level: remove the tree here, bottom up
        os.chdir(deep)
        try:
            for _ in range(1100):
                os.chdir("d")
            os.remove("x.png")
            for _ in range(1100):
                os.chdir("..")
                os.rmdir("d")
        finally:
            os.chdir(start)


@posix_only
def test_links_to_folders_are_not_followed_inside_a_class(tmp_path: Path) -> None:
    save_image(tmp_path / "cat" / "1.png")
    save_image(tmp_path / "dog" / "1.png")
    os.symlink(tmp_path, tmp_path / "dog" / "back_to_the_top")
    assert len(load_dataset(tmp_path)) == 2


# ----- a file never chooses how it is read ------------------------------------------------
class SubprocessStarted(BaseException):
    """Raised by the patched process-starting functions (not an Exception: nothing may
    swallow it)."""


@pytest.fixture
def no_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    import _posixsubprocess
    import subprocess

    def refuse(*args: object, **kwargs: object) -> None:
        raise SubprocessStarted(f"a process was started: {args[:1]}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    for module, names in ((os, ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system",
                                "execv", "execve", "spawnv", "spawnve", "popen")),
                          (_posixsubprocess, ("fork_exec",))):
        for name in names:
            if hasattr(module, name):
                monkeypatch.setattr(module, name, refuse)
    from PIL import EpsImagePlugin
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", "gs")   # as if Ghostscript were here


def eps_folder(tmp_path: Path) -> Path:
    for label in ("cat", "dog"):
        save_image(tmp_path / "set" / label / "ok.png")
        Image.new("L", (8, 8), 90).save(tmp_path / "set" / label / "page.eps", format="EPS")
    return tmp_path / "set"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process functions")
def test_loading_anything_starts_no_process(tmp_path: Path, no_subprocess: None,
                                            mnist_like) -> None:
    from simulator.io import DatasetChoice, Project, load_model, load_project, save_model
    from simulator.network import compile_network
    from simulator.spec import NetworkSpec

    folder = eps_folder(tmp_path)
    for fmt in SAFE_FORMATS:
        save_image(folder / "cat" / f"more.{fmt.lower()}", mode="RGB", fmt=fmt)
    data = load_dataset(folder, formats=list(SAFE_FORMATS))
    assert len(data) == 2 + len(SAFE_FORMATS)
    with pytest.raises(DataError, match="EPS cannot be read"):
        load_dataset(folder, formats=["PNG", "EPS"])
    for name in builtin_datasets():
        assert len(load_dataset(name)) > 0
    (tmp_path / "t.csv").write_text("1,2,a\n3,4,b\n")
    np.savez(tmp_path / "t.npz", x=np.ones((2, 2)), y=np.array([0, 1]))
    images, _, _ = mnist_like
    for source in (tmp_path / "t.csv", tmp_path / "t.npz", images):
        assert len(load_dataset(source)) > 0
    spec = NetworkSpec.from_dict({"input_shape": [2], "layers": [{"type": "Dense", "units": 2}]})
    from simulator.io import save_project

    project = load_project(save_project(tmp_path / "p.bpproj", Project(
        spec, DatasetChoice(str(folder), {"formats": ["EPS"]}))))
    assert project.dataset is not None
    with pytest.raises(DataError, match="EPS cannot be read"):
        load_dataset(project.dataset.source, **project.dataset.options)
    load_model(save_model(tmp_path / "m.bpmodel", compile_network(spec, seed=0)))


def test_eps_files_in_a_folder_are_never_opened_by_default(tmp_path: Path) -> None:
    data = load_dataset(eps_folder(tmp_path))
    assert len(data) == 2
    assert "ignored 2 files" in data.warnings[0]


# ----- memory is bounded before it is allocated -------------------------------------------
def test_a_gzip_idx_that_declares_more_than_it_can_hold_is_refused(tmp_path: Path) -> None:
    header = struct.pack(">BBBB", 0, 0, 0x08, 3) + struct.pack(">3I", 500, 1000, 1000)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(header + bytes(1000)))   # 500 MB declared, a few bytes
    with pytest.raises(DataError, match="more than a .*-byte gzip file can hold"):
        load_dataset(path)


def test_a_gzip_idx_too_big_for_this_machine_is_refused_before_inflating(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The case: a 510 KiB gzip whose 500 MB of zeros peaked at 7 GB. Here the same
    # shape of problem, scaled down: 2.4 MB of zeros in a few KiB, and a 4 MiB budget.
    path = write_idx(tmp_path / "train-images-idx3-ubyte.gz",
                     np.zeros((3000, 28, 28), np.uint8), gz=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(3000, np.uint8))
    assert path.stat().st_size < 10_000
    monkeypatch.setattr(memory, "budget", lambda: 4 * 2**20)
    inflated = []
    real_read = gzip.GzipFile.read

    def spy(self, *args):
        data = real_read(self, *args)
        inflated.append(len(data))
        return data

    monkeypatch.setattr(gzip.GzipFile, "read", spy)
    with pytest.raises(DataError, match="more than this machine can spare now"):
        load_dataset(path)
    assert sum(inflated) < 100   # the header only


def test_an_npz_too_big_for_this_machine_is_refused_before_inflating(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "zeros.npz"
    np.savez_compressed(path, x=np.zeros((4000, 28, 28), np.uint8),
                        y=np.arange(4000) % 2)
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(memory, "budget", lambda: 8 * 2**20)
    with pytest.raises(DataError, match="would take .* of memory, more than this machine can "
                                        "spare now"):
        load_dataset(path)


def test_an_npz_member_that_claims_more_than_deflate_can_hold_is_refused(
        tmp_path: Path) -> None:
    path = tmp_path / "liar.npz"
    np.savez_compressed(path, x=np.zeros((64, 64)), y=np.arange(64) % 2)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("x.npy")
    huge = info.file_size * 10_000
    # Patch the declared size in the local header and in the central directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature, 0)
        while at >= 0:
            name_length = struct.unpack_from("<H", data, at + (26 if offset == 22 else 28))[0]
            start = at + (30 if offset == 22 else 46)
            if bytes(data[start:start + name_length]) == b"x.npy":
                struct.pack_into("<I", data, at + offset, huge)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match="more than compression can achieve"):
        load_dataset(path)


# ----- accurate messages, no tracebacks ---------------------------------------------------
def test_a_zero_row_npz_gets_a_message(tmp_path: Path) -> None:
    np.savez(tmp_path / "empty.npz", x=np.zeros((0, 3)), y=np.zeros(0, np.int64))
    with pytest.raises(DataError, match="'x' holds no samples"):
        load_dataset(tmp_path / "empty.npz")


def test_an_idx_file_with_no_images_gets_a_message(tmp_path: Path) -> None:
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(idx_bytes(np.zeros((0, 28, 28), np.uint8)))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(0, np.uint8))
    with pytest.raises(DataError, match=r"holds no data: its header declares 0×28×28 values "
                                        r"\(0 images\)"):
        load_dataset(path)


def test_a_trailing_comma_on_every_line_is_named_and_ignored(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b,label,\n1,2,x,\n3,4,y,\n5,6,x,\n")
    data = load_dataset(tmp_path / "t.csv")
    assert data.x.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert data.class_names == ["x", "y"]
    assert data.warnings == ["every line of 't.csv' ends with ',', which made an empty last "
                             "column; it was ignored"]


@pytest.mark.parametrize(("name", "write"), [
    ("one.csv", lambda p: p.write_text("1,2,cat\n3,4,cat\n")),
    ("one.npz", lambda p: np.savez(p, x=np.ones((3, 2)), y=np.zeros(3, np.int64))),
])
def test_one_class_data_loads_but_is_refused_for_training(tmp_path: Path, name: str,
                                                          write) -> None:
    """A file of one class may be a test file to evaluate on (its labels are mapped onto the
    model's classes), so it loads; training a classifier on it is refused before any work."""
    from simulator.data.prepare import check_fit
    from simulator.spec import NetworkSpec

    write(tmp_path / name)
    data = load_dataset(tmp_path / name)
    spec = NetworkSpec.from_dict({"input_shape": [2], "layers": [
        {"type": "Dense", "units": 2}, {"type": "Softmax"}]})
    with pytest.raises(DataError, match="only one class; a classifier needs at least two"):
        check_fit(spec, data)
