"""``predict``: a header row, the class name and each class's probability (or JSON lines);
non-finite predictions fail; large CSV files are read in chunks through the data package."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from simulator.cli import main
from simulator.cli.inputs import CHUNK_BYTES
from simulator.io import load_model, save_model
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from tests.simulator.cli.helpers import cli, error_line


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-class model whose classes have names."""
    spec = NetworkSpec.from_dict({
        "input_shape": [2],
        "layers": [{"type": "Dense", "units": 3}, {"type": "Softmax"}],
        "training": {"loss": "cross_entropy"}})
    return save_model(tmp_path_factory.mktemp("predict") / "m.bpmodel", compile_network(spec),
                      class_names=["cat", "dog, big", "eel"])


def points(path: Path, x: np.ndarray, header: str = "a,b") -> Path:
    path.write_text(header + "\n" + "".join(f"{a!r},{b!r}\n" for a, b in x.tolist()))
    return path


def test_header_class_name_and_probabilities(named: Path, tmp_path: Path) -> None:
    x = np.random.default_rng(0).normal(size=(6, 2))
    expected = load_model(named).predict(x)
    lines = cli("predict", named, "--input", points(tmp_path / "p.csv", x)).stdout.splitlines()
    assert lines[0] == 'class,p(cat),"p(dog, big)",p(eel)'
    names = ["cat", "dog, big", "eel"]
    for line, row in zip(lines[1:], expected, strict=True):
        label, rest = (line[:line.index('"', 1) + 1], line[line.index('"', 1) + 2:]) \
            if line.startswith('"') else line.split(",", 1)
        assert label.strip('"') == names[int(row.argmax())]
        np.testing.assert_allclose([float(v) for v in rest.split(",")], row, rtol=1e-6)


def test_json_lines_for_machines(named: Path, tmp_path: Path) -> None:
    x = np.random.default_rng(1).normal(size=(4, 2))
    expected = load_model(named).predict(x)
    lines = cli("predict", named, "--input", points(tmp_path / "p.csv", x),
                "--json").stdout.splitlines()
    assert len(lines) == 4
    for line, row in zip(lines, expected, strict=True):
        record = json.loads(line)
        assert record["class"] == ["cat", "dog, big", "eel"][int(row.argmax())]
        assert list(record["probabilities"]) == ["cat", "dog, big", "eel"]
        np.testing.assert_allclose(list(record["probabilities"].values()), row, rtol=1e-6)


def test_one_sigmoid_output_shows_both_classes(tmp_path: Path) -> None:
    network = tmp_path / "neuron.json"
    network.write_text(json.dumps({
        "input_shape": [1],
        "layers": [{"type": "Dense", "units": 1, "activation": "sigmoid", "weights": [[1.0]],
                    "bias": [0.0]}],
        "training": {"loss": "binary_cross_entropy"}}))
    (tmp_path / "in.csv").write_text("2\n-2\n")
    lines = cli("predict", network, "--input", tmp_path / "in.csv").stdout.splitlines()
    p = 1 / (1 + np.exp(-2.0))
    assert lines[0] == "class,p(0),p(1)"
    assert lines[1].split(",")[0] == "1"
    np.testing.assert_allclose([float(v) for v in lines[1].split(",")[1:]], [1 - p, p],
                               rtol=1e-6)
    assert lines[2].split(",")[0] == "0"


def test_a_regression_model_prints_its_outputs(tmp_path: Path) -> None:
    network = tmp_path / "line.json"
    network.write_text(json.dumps({
        "input_shape": [2], "layers": [{"type": "Dense", "units": 1, "weights": [[2.0, 1.0]],
                                        "bias": [0.5]}],
        "training": {"loss": "mse"}}))
    (tmp_path / "in.csv").write_text("1,1\n0,2\n")
    assert cli("predict", network, "--input", tmp_path / "in.csv").stdout == "y\n3.5\n2.5\n"
    lines = cli("predict", network, "--input", tmp_path / "in.csv", "--json").stdout
    assert [json.loads(line) for line in lines.splitlines()] == [{"y": 3.5}, {"y": 2.5}]


def test_nonfinite_predictions_are_flagged_and_fail(tmp_path: Path) -> None:
    network = tmp_path / "huge.json"
    network.write_text(json.dumps({
        "input_shape": [1], "layers": [{"type": "Dense", "units": 1, "weights": [[3e38]],
                                        "bias": [0.0]}],
        "training": {"loss": "mse"}}))
    (tmp_path / "in.csv").write_text("0.5\n10\n1\n-10\n")
    result = cli("predict", network, "--input", tmp_path / "in.csv", check=False)
    assert result.stdout.splitlines()[1:] == ["1.5e+38", "inf", "3e+38", "-inf"]
    assert "2 of 4 predictions are NaN or infinite (samples 2, 4)" in error_line(result)


def test_standard_input(named: Path, tmp_path: Path) -> None:
    x = np.random.default_rng(2).normal(size=(3, 2))
    text = points(tmp_path / "p.csv", x).read_bytes()
    assert cli("predict", named, "--input", "-", stdin=text).stdout == \
        cli("predict", named, "--input", tmp_path / "p.csv").stdout


def test_a_csv_larger_than_a_chunk_reads_whole_and_in_order(tmp_path: Path, capsys) -> None:
    spec = NetworkSpec.from_dict({"input_shape": [2], "layers": [
        {"type": "Dense", "units": 1, "weights": [[1.0, 1000.0]], "bias": [0.0]}],
        "training": {"loss": "mse"}})
    model_path = save_model(tmp_path / "sum.bpmodel", compile_network(spec))
    n = 3 * CHUNK_BYTES // 20
    rows = [f'"{i}",{i % 7}\n' for i in range(n)]     # quoted cells, as some tools write
    (tmp_path / "big.csv").write_text('"first, column",second\n' + "".join(rows))
    assert main(["predict", str(model_path), "--input", str(tmp_path / "big.csv"),
                 "--output", str(tmp_path / "out.csv")]) == 0
    got = np.loadtxt(tmp_path / "out.csv", skiprows=1)
    np.testing.assert_allclose(got, np.arange(n) + 1000.0 * (np.arange(n) % 7), rtol=1e-6)
    lines = (tmp_path / "big.csv").read_text().splitlines(keepends=True)
    bad = len(lines) - 5
    lines[bad - 1] = "1,oops\n"
    (tmp_path / "bad.csv").write_text("".join(lines))
    assert main(["predict", str(model_path), "--input", str(tmp_path / "bad.csv")]) == 1
    assert f"line {bad}, column 2: 'oops' is not a finite number" in capsys.readouterr().err


def test_memory_stays_bounded_by_the_chunk_not_the_file(tmp_path: Path, capsys) -> None:
    """4 MiB of CSV (16 chunks): read whole as Python rows it would take about 75 MiB."""
    spec = NetworkSpec.from_dict({"input_shape": [3], "layers": [{"type": "Dense", "units": 1}],
                                  "training": {"loss": "mse"}})
    model_path = save_model(tmp_path / "m.bpmodel", compile_network(spec))
    row = "0.123456789,-1.23456789,12.3456789\n"
    with open(tmp_path / "big.csv", "w") as handle:
        for _ in range(4 * 2**20 // len(row) // 1000):
            handle.write(row * 1000)
    tracemalloc.start()
    try:
        assert main(["predict", str(model_path), "--input", str(tmp_path / "big.csv"),
                     "--output", str(tmp_path / "out.csv")]) == 0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 24 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    with open(tmp_path / "out.csv") as written:
        assert sum(1 for _ in written) == 4 * 2**20 // len(row) // 1000 * 1000 + 1


def test_an_input_that_cannot_be_read_writes_nothing(named: Path, tmp_path: Path) -> None:
    (tmp_path / "wide.csv").write_text("1,2,3\n")
    for source, says in ((tmp_path / "missing.csv", "cannot open input file 'missing.csv'"),
                         (tmp_path / "wide.csv", "each sample has shape [3]")):
        result = cli("predict", named, "--input", source, check=False)
        assert says in error_line(result)
        assert result.stdout == ""
        cli("predict", named, "--input", source, "--output", tmp_path / "out.csv", check=False)
        assert not (tmp_path / "out.csv").exists()
