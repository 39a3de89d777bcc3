"""load_dataset: built-in names vs paths, format detection, options checked per format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.data import (
    FORMATS,
    builtin_datasets,
    data_file_filter,
    detect_format,
    load_dataset,
    options_of,
)
from simulator.data.formats import csv, idx, image_folder, npz
from simulator.errors import DataError
from tests.simulator.data.files import save_image, write_idx


def test_builtin_by_name_with_options() -> None:
    data = load_dataset("spiral", n=90, classes=3, noise=0.0, seed=4)
    assert data.x.shape == (90, 2)
    assert data.n_classes == 3
    assert data.source == "spiral"


def test_unknown_builtin_option_is_named() -> None:
    with pytest.raises(DataError, match=r"unknown options colour, size for built-in dataset "
                                        r"'circles'; its options are: n, noise, seed"):
        load_dataset("circles", size=3, colour="red")


def test_builtin_without_options_refuses_any() -> None:
    with pytest.raises(DataError, match=r"unknown option n for built-in dataset 'digits'; its "
                                        r"options are: none"):
        load_dataset("digits", n=10)


def test_neither_builtin_nor_file() -> None:
    with pytest.raises(DataError, match=r"no built-in dataset or file named 'spirals'; "
                                        r"built-ins are: circles, xor"):
        load_dataset("spirals")


@pytest.mark.parametrize("source", [None, 3, ""])
def test_source_must_be_a_name_or_path(source: object) -> None:
    with pytest.raises(DataError, match="a dataset source is a built-in name or a path"):
        load_dataset(source)  # type: ignore[arg-type]


def test_format_detection(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("1,0\n")
    (tmp_path / "b.TSV").write_text("1\t0\n")
    np.savez(tmp_path / "c.npz", x=np.zeros((1, 1)), y=np.zeros(1))
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((1, 1, 1), np.uint8), gz=True)
    (tmp_path / "d.bin").write_bytes((tmp_path / "c.npz").read_bytes())
    write_idx(tmp_path / "e.dat", np.zeros((1, 1, 1), np.uint8))
    expected = {"a.csv": "csv", "b.TSV": "csv", "c.npz": "npz", "d.bin": "npz", "e.dat": "idx",
                "train-images-idx3-ubyte.gz": "idx"}
    for name, fmt in expected.items():
        assert detect_format(tmp_path / name) == fmt, name
    assert detect_format(tmp_path) == "images"


def test_unknown_format_explains_the_choices(tmp_path: Path) -> None:
    (tmp_path / "notes.doc").write_text("hello")
    with pytest.raises(DataError, match=r"cannot tell the format of 'notes.doc'.*format='csv'"):
        load_dataset(tmp_path / "notes.doc")


def test_format_override(tmp_path: Path) -> None:
    path = tmp_path / "table.data"
    path.write_text("1,2,0\n3,4,1\n")
    data = load_dataset(path, format="csv")
    assert data.x.shape == (2, 2)
    with pytest.raises(DataError,
                       match="unknown data format 'xlsx'; use one of: csv, npz, idx, images"):
        load_dataset(path, format="xlsx")
    with pytest.raises(DataError, match="format 'images' reads a folder"):
        load_dataset(path, format="images")


def test_options_of_each_format_are_checked(tmp_path: Path) -> None:
    np.savez(tmp_path / "c.npz", x=np.zeros((1, 1)), y=np.zeros(1))
    with pytest.raises(DataError, match=r"unknown option label_column for NumPy \.npz files"):
        load_dataset(tmp_path / "c.npz", label_column=0)
    save_image(tmp_path / "imgs" / "a" / "1.png")
    save_image(tmp_path / "imgs" / "b" / "1.png")
    with pytest.raises(DataError, match="unknown option delimiter for image folders"):
        load_dataset(tmp_path / "imgs", delimiter=",")
    assert options_of("idx") == ["labels", "max_bytes"]
    assert "label_column" in options_of("csv")


def test_builtin_registry_lists_what_the_ui_needs() -> None:
    infos = builtin_datasets()
    expected = {"circles", "xor", "blobs", "spiral", "moons", "sine", "polynomial", "step",
                "surface", "digits", "digits16", "shapes", "course_table"}
    assert set(infos) == expected
    for name, info in infos.items():
        assert info.name == name
        assert info.category in ("2-D classification", "regression", "images", "tabular")
        assert info.description
        assert info.lesson
        assert info.task == ("regression" if info.category == "regression" else
                             "classification")
    assert infos["spiral"].defaults == {"n": 300, "noise": 0.1, "classes": 2, "seed": 0}
    infos["spiral"].defaults["n"] = 5
    assert builtin_datasets()["spiral"].defaults["n"] == 300


@pytest.mark.parametrize("name", sorted(builtin_datasets()))
def test_each_builtin_loads_with_its_declared_shape_and_task(name: str) -> None:
    info = builtin_datasets()[name]
    data = load_dataset(name)
    assert data.sample_shape == info.sample_shape
    assert data.task == info.task
    assert np.all(np.isfinite(data.x))


def test_the_format_table_is_what_each_format_module_declares() -> None:
    assert [fmt for _, fmt in FORMATS.items()] == [csv.FORMAT, npz.FORMAT, idx.FORMAT,
                                                  image_folder.FORMAT]
    assert FORMATS.get("npz").load is npz.load_npz


def test_names_count_gzipped_only_for_formats_that_read_gzip(tmp_path: Path) -> None:
    (tmp_path / "t.csv.gz").write_bytes(b"\x1f\x8b\x08\x00")
    write_idx(tmp_path / "labels.IDX.gz", np.zeros(1, np.uint8), gz=True)
    assert detect_format(tmp_path / "labels.IDX.gz") == "idx"
    # not a CSV by its name: its gzip bytes make it an IDX candidate, as before
    assert detect_format(tmp_path / "t.csv.gz") == "idx"


def test_the_unknown_format_message_lists_every_format(tmp_path: Path) -> None:
    (tmp_path / "notes.doc").write_text("hello")
    with pytest.raises(DataError) as info:
        detect_format(tmp_path / "notes.doc")
    for _, fmt in FORMATS.items():
        assert fmt.description in str(info.value)
        assert all(suffix in str(info.value) for suffix in fmt.suffixes)
    assert "format='csv', 'npz', 'idx' or 'images'" in str(info.value)


def test_the_file_dialog_filter_comes_from_the_format_table() -> None:
    entries = data_file_filter().split(";;")
    assert entries[0].startswith("Data files (")
    assert entries[-1] == "All files (*)"
    assert entries[1:-1] == ["CSV files (*.csv *.tsv *.txt)", "NumPy .npz files (*.npz)",
                             "MNIST IDX files (*idx1-ubyte *idx3-ubyte *.idx *idx1-ubyte.gz "
                             "*idx3-ubyte.gz *.idx.gz)"]
    every = entries[0].removeprefix("Data files (").removesuffix(")").split()
    assert every == [p for e in entries[1:-1] for p in e.split("(")[1].rstrip(")").split()]
