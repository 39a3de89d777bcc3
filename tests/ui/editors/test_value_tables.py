"""The number tables: a row per unit ([W | b]), readable numbers, summaries for large tensors."""

from __future__ import annotations

import numpy as np
import pytest

from ui.editors.value_tables import ParameterView, UnitValuesTable, number, unit_rows


@pytest.mark.parametrize(("value", "text"), [
    (4.0, "4"), (-2.0, "-2"), (0.5, "0.5"), (0.9820138, "0.982"), (0.99999, "1.00"),
    (0.990002, "0.990"), (11.62, "11.6"), (0.00297, "0.00297"), (0.0, "0"), (12345.0, "1.23e+04"),
    (1e-5, "1e-05")])
def test_numbers_keep_three_significant_digits_and_never_look_exact_when_rounded(
        value: float, text: str) -> None:
    assert number(value) == text


def test_a_dense_layer_is_one_table_with_a_row_per_unit(qtbot) -> None:
    w = np.array([[1.0, -2.0, 0.5], [-1.0, 1.0, 0.25]])     # 2 units, 3 inputs
    view = ParameterView("Dense", {"weights": w, "bias": np.array([1.0, 0.0])})
    qtbot.addWidget(view)
    table = view.table
    assert table is not None
    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == [
        "in 1", "in 2", "in 3", "b"]
    assert view.values() == [["1", "-2", "0.5", "1"], ["-1", "1", "0.25", "0"]]
    assert "one row per unit" in table.toolTip()
    view.update_values({"weights": w * 2, "bias": np.array([3.0, 4.0])})
    assert view.values() == [["2", "-4", "1", "3"], ["-2", "2", "0.5", "4"]]


def test_batchnorm_shows_gamma_and_beta_as_columns(qtbot) -> None:
    view = ParameterView("BatchNorm", {"gamma": np.ones(3), "beta": np.zeros(3)})
    qtbot.addWidget(view)
    assert [view.table.horizontalHeaderItem(c).text() for c in range(2)] == ["γ", "β"]
    assert view.values() == [["1", "0"]] * 3


def test_large_or_four_dimensional_tensors_are_summarised(qtbot) -> None:
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(4, 1, 3, 3))
    view = ParameterView("Conv2D", {"weights": kernel, "bias": np.zeros(4)})
    qtbot.addWidget(view)
    assert view.table is None
    lines = [row[0] for row in view.values()]
    assert lines[0].startswith("W (weights, 4 × 1 × 3 × 3): mean ")
    assert number(kernel.mean()) in lines[0]
    assert number(kernel.max()) in lines[0]
    wide = ParameterView("Dense", {"weights": rng.normal(size=(16, 64))})
    qtbot.addWidget(wide)
    assert wide.table is None                       # 64 inputs are too many columns


def test_unit_values_list_each_unit_and_summarise_large_layers(qtbot) -> None:
    values = {"input": {"a": np.array([[1.0, -1.0]])},
              "dense": {"z": np.array([[4.0, -2.0]]), "a": np.array([[0.982, 0.119]])},
              "maps": {"a": np.arange(18.0).reshape(1, 2, 3, 3)}}
    rows = unit_rows(values)
    assert rows[:4] == [("input", "x · 1", "", "1"), ("input", "x · 2", "", "-1"),
                        ("dense", "dense · 1", "4", "0.982"), ("dense", "dense · 2", "-2", "0.119")]
    assert rows[4] == ("maps", "maps (2 × 3 × 3)", "", "0 … 17")
    table = UnitValuesTable()
    qtbot.addWidget(table)
    table.show_values(values)
    table.highlight("dense")
    assert table.item(2, 1).font().bold()
    assert not table.item(0, 1).font().bold()
    assert table.cell_texts()["dense · 1"] == ("4", "0.982")
