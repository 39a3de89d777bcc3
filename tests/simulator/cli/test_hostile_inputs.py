"""The command line with hostile or inconsistent inputs: one line, no traceback, nothing saved
that cannot be loaded back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.io import DatasetChoice, Project, save_project
from simulator.spec import NetworkSpec
from tests.simulator.cli.test_errors import COURSE_FILE, fails, network_file


def three_classes_into(units: int, loss: str = "cross_entropy") -> dict:
    return {"input_shape": [2], "layers": [
        {"type": "Dense", "name": "hidden", "units": 8, "activation": "tanh"},
        {"type": "Dense", "name": "out", "units": units}, {"type": "Softmax"}],
        "training": {"loss": loss, "epochs": 1}}


def test_a_deeply_nested_data_option_is_a_usage_error(capsys) -> None:
    err = fails(capsys, "train", COURSE_FILE, "--data", "xor", "--data-option",
                "n=" + "[" * 100_000 + "]" * 100_000, status=2)
    assert "nested more than 8 levels deep" in err
    assert "Traceback" not in err
    err = fails(capsys, "train", COURSE_FILE, "--data", "xor", "--data-option",
                "n=[[[1]]]", status=2)
    assert "must be a plain value" in err


def test_classes_and_outputs_that_differ_fail_before_training(tmp_path: Path,
                                                              capsys) -> None:
    net = network_file(tmp_path, three_classes_into(5))
    out = tmp_path / "m.bpmodel"
    line = fails(capsys, "train", net, "--data", "blobs", "--data-option", "classes=3",
                 "--out", out)
    assert "the data has 3 classes but the network's output has 5 units" in line
    assert "set the units of layer 'out' to 3" in line
    assert not out.exists()


def test_a_regression_loss_on_class_labels_is_refused_before_training(tmp_path: Path,
                                                                      capsys) -> None:
    """Class labels fitted as numbers would train and then fail to save: refused at once, with
    both ways out, and nothing is written."""
    net = network_file(tmp_path, three_classes_into(3, loss="mse"))
    out = tmp_path / "m.bpmodel"
    line = fails(capsys, "train", net, "--data", "blobs", "--data-option", "classes=3",
                 "--out", out)
    assert "class labels" in line
    assert "task=regression" in line
    assert not out.exists()


def test_a_network_file_with_a_byte_order_mark_is_read(tmp_path: Path, capsys) -> None:
    net = tmp_path / "bom.json"
    net.write_bytes(b"\xef\xbb\xbf" + COURSE_FILE.read_bytes())
    (tmp_path / "in.csv").write_text("1,-1\n")
    assert main(["predict", str(net), "--input", str(tmp_path / "in.csv")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2      # the header and one sample


def test_a_project_cannot_lift_the_memory_cap(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.bpproj"
    save_project(path, Project(NetworkSpec.from_dict(json.loads(COURSE_FILE.read_text())),
                               DatasetChoice("xor", {})))
    from tests.simulator.io.test_project_file import edit_json

    edit_json(path, "project.json", lambda d: d.update(
        dataset={"source": "data.npz", "options": {"max_bytes": 1e15}}))
    line = fails(capsys, "train", path)
    assert "max_bytes is a safety limit and cannot be set by a file" in line


@pytest.mark.parametrize("kind", ["--input", "model"])
def test_a_fifo_never_hangs_the_command_line(tmp_path: Path, capsys, kind: str) -> None:
    import os

    if os.name != "posix":
        pytest.skip("FIFOs are POSIX")
    fifo = tmp_path / ("in.csv" if kind == "--input" else "m.bpmodel")
    os.mkfifo(fifo)
    args = (["predict", COURSE_FILE, "--input", fifo] if kind == "--input"
            else ["predict", fifo, "--input", COURSE_FILE])
    line = fails(capsys, *args)
    assert "FIFO" in line or "not a regular file" in line
