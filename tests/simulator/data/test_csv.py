"""CSV loading: headers, delimiters, labels, regression, BOM and every bad-input message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.data import load_dataset
from simulator.errors import DataError


def write(tmp_path: Path, text: str, name: str = "table.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_course_table_without_header(tmp_path: Path) -> None:
    path = write(tmp_path, "1.4,2.7,1.9,0\n3.8,3.4,3.2,0\n6.4,2.8,1.7,1\n4.1,0.1,0.2,0\n")
    data = load_dataset(str(path))
    np.testing.assert_array_equal(data.x, [[1.4, 2.7, 1.9], [3.8, 3.4, 3.2], [6.4, 2.8, 1.7],
                                           [4.1, 0.1, 0.2]])
    np.testing.assert_array_equal(data.y, [0, 0, 1, 0])
    assert data.task == "classification"
    assert data.class_names == ["0", "1"]
    assert data.x.dtype == np.float64
    assert data.feature_names == ["column 1", "column 2", "column 3"]


def test_header_detected_and_string_labels_sorted(tmp_path: Path) -> None:
    path = write(tmp_path, "length,width,species\n1,2,versicolor\n3,4,setosa\n5,6,virginica\n"
                           "7,8,setosa\n")
    data = load_dataset(path)
    assert data.class_names == ["setosa", "versicolor", "virginica"]
    np.testing.assert_array_equal(data.y, [1, 0, 2, 0])
    assert data.feature_names == ["length", "width"]
    assert len(data) == 4


def test_text_label_in_first_row_without_header_is_data(tmp_path: Path) -> None:
    data = load_dataset(write(tmp_path, "1.4,2.7,cat\n3.8,3.4,dog\n"))
    assert len(data) == 2
    assert data.class_names == ["cat", "dog"]


def test_numeric_column_names_with_text_label_name_are_a_header(tmp_path: Path) -> None:
    data = load_dataset(write(tmp_path, "1,2,label\n0.5,0.25,1\n0.75,0.5,0\n"))
    assert len(data) == 2
    np.testing.assert_array_equal(data.y, [1, 0])


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows = ["a", "b", "c"], ["1", "2", "0"], ["3", "4", "1"], ["5", "6", "1"]
    path = write(tmp_path, "\n".join(delimiter.join(r) for r in rows) + "\n")
    data = load_dataset(path)
    np.testing.assert_array_equal(data.x, [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(data.y, [0, 1, 1])


def test_semicolon_file_with_decimal_commas(tmp_path: Path) -> None:
    data = load_dataset(write(tmp_path, "x;y;label\n1,5;2,25;a\n3,0;4,5;b\n"))
    np.testing.assert_array_equal(data.x, [[1.5, 2.25], [3.0, 4.5]])


def test_explicit_delimiter_and_quoted_cells(tmp_path: Path) -> None:
    data = load_dataset(write(tmp_path, 'a,b,"class, long"\n1,2,"x, y"\n3,4,z\n'),
                        delimiter=",", label_column="class, long")
    assert data.class_names == ["x, y", "z"]


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffa,b,label\r\n1,2,0\r\n3,4,1\r\n")
    data = load_dataset(path)
    assert data.feature_names == ["a", "b"]  # the BOM is not part of the first name
    np.testing.assert_array_equal(data.y, [0, 1])


def test_latin1_file_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b,classe\n1,2,été\n3,4,hiver\n", encoding="latin-1")
    data = load_dataset(path)
    assert data.class_names == ["hiver", "été"]
    assert any("Latin-1" in w for w in data.warnings)


@pytest.mark.parametrize("label_column", [0, "a", " A ", -3])
def test_label_column_by_index_or_name(tmp_path: Path, label_column: int | str) -> None:
    path = write(tmp_path, "a,b,c\n5,1.5,2.5\n7,3.5,4.5\n")
    data = load_dataset(path, label_column=label_column)
    np.testing.assert_array_equal(data.x, [[1.5, 2.5], [3.5, 4.5]])
    assert data.class_names == ["5", "7"]
    np.testing.assert_array_equal(data.y, [0, 1])
    assert data.feature_names == ["b", "c"]


def test_float_targets_become_regression(tmp_path: Path) -> None:
    data = load_dataset(write(tmp_path, "x,price\n1,2.5\n2,3.75\n3,4\n"))
    assert data.task == "regression"
    assert data.y.shape == (3, 1)
    np.testing.assert_array_equal(data.y[:, 0], [2.5, 3.75, 4.0])
    assert data.class_names == []


def test_integer_targets_forced_to_regression(tmp_path: Path) -> None:
    data = load_dataset(write(tmp_path, "x,t\n1,2\n2,4\n"), task="regression")
    assert data.task == "regression"
    assert data.y.dtype == np.float64


def test_one_based_integer_labels_map_to_indices(tmp_path: Path) -> None:
    data = load_dataset(write(tmp_path, "1,1\n2,3\n3,2\n4,3\n"))
    assert data.class_names == ["1", "2", "3"]
    np.testing.assert_array_equal(data.y, [0, 2, 1, 2])


def test_many_integer_classes_warn(tmp_path: Path) -> None:
    text = "".join(f"{i},{i}\n" for i in range(150))
    data = load_dataset(write(tmp_path, text))
    assert data.n_classes == 150
    assert any("task='regression'" in w for w in data.warnings)


def test_nan_drop_skips_rows_and_reports_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b,c\n1,2,0\n,3,1\n4,NaN,1\n5,6,\n7,8,1\n")
    data = load_dataset(path, nan="drop")
    np.testing.assert_array_equal(data.x, [[1, 2], [7, 8]])
    assert data.warnings == ["dropped 3 rows with missing values (lines 3, 4, 5)"]


def test_blank_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b,c\n\n1,2,0\n\n3,x,1\n")
    with pytest.raises(DataError, match=r"line 5, column 2 \('b'\): 'x' is not a finite number"):
        load_dataset(path)


@pytest.mark.parametrize(("text", "message"), [
    ("a,b,c\n1,2,0\n3,4\n", r"line 3 has 2 columns but line 1 has 3"),
    ("a,b,c\n1,2,0\n3,4,1,9\n", r"line 3 has 4 columns but line 1 has 3"),
    ("a,b,c\n1,2,0\n3,abc,1\n", r"line 3, column 2 \('b'\): 'abc' is not a finite number"),
    ("a,b,c\n1,2,0\n3,inf,1\n", r"line 3, column 2 \('b'\): 'inf' is not a finite number"),
    ("1,2,0\n3,,1\n", r"line 2, column 2: missing value; .*nan=\"drop\""),
    ("a,b,c\n1,2,0\n3,nan,1\n", r"line 3, column 2 \('b'\): missing value"),
    ("a,b,c\n", r"has a header \(line 1\) but no data rows"),
    ("\n\n  \n", r"no rows"),
    ("1\n2\n3\n", r"only one column"),
    ("a,b,c\n1,2,0\n,,\n3,4,\n", r"line 4, column 3 \('c'\): missing value"),
])
def test_bad_input_names_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_dataset(write(tmp_path, text))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"is empty \(0 bytes\)"):
        load_dataset(write(tmp_path, ""))


def test_every_row_missing_with_drop(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="nothing is left"):
        load_dataset(write(tmp_path, "a,b\n1,\n,2\n"), nan="drop")


def test_regression_target_must_be_a_number(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"line 3, column 2 \('t'\): 'big' is not a number"):
        load_dataset(write(tmp_path, "x,t\n1,2\n2,big\n"), task="regression")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("a,b\n1,0\n".encode("utf-16"))
    with pytest.raises(DataError, match="UTF-16"):
        load_dataset(path)


@pytest.mark.parametrize(("options", "message"), [
    ({"label_column": "missing"}, r"no column named 'missing'; its columns are: a, b, c"),
    ({"label_column": 5}, r"label_column 5 is out of range: 'table.csv' has 3 columns"),
    ({"label_column": 1.5}, r"label_column' must be a column name or index"),
    ({"nan": "fill"}, r"option 'nan' must be one of 'error', 'drop'"),
    ({"task": "clustering"}, r"option 'task' must be one of"),
    ({"delimiter": ";;"}, r"'delimiter' must be one character"),
    ({"header": "yes"}, r"'header' must be true, false"),
    ({"size": 28}, r"unknown option size for CSV files; its options are: delimiter, header"),
])
def test_bad_options(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_dataset(write(tmp_path, "a,b,c\n1,2,0\n3,4,1\n"), **options)


def test_label_name_needs_a_header(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="has no header row; pass the column's index"):
        load_dataset(write(tmp_path, "1,2,0\n3,4,1\n"), header=False, label_column="c")


def test_header_false_keeps_first_row(tmp_path: Path) -> None:
    data = load_dataset(write(tmp_path, "0,1,1\n1,0,0\n"), header=False)
    assert len(data) == 2


def test_file_over_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "1,2,0\n" * 100)
    with pytest.raises(DataError, match=r"more than the limit .*max_bytes="):
        load_dataset(path, max_bytes=100)


def test_missing_values_raise_the_typed_error_the_app_offers_to_drop(tmp_path: Path) -> None:
    from simulator.errors import MissingValuesError

    with pytest.raises(MissingValuesError):
        load_dataset(write(tmp_path, "1,2,0\n3,,1\n"))
