"""Output paths (``--out``, ``--onnx``, ``--output``) are checked before the work starts, never
replace what is not a regular file, never overwrite the run's own inputs without --force, and
errors never name our temporary files."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.io import atomic
from tests.simulator.cli.helpers import EXAMPLES, ROOT, cli, error_line

COURSE = EXAMPLES / "course_sigmoid.json"
SPIRAL = EXAMPLES / "spiral_mlp.json"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("1,-1\n0,0\n")
    return path


@pytest.mark.parametrize("command", [
    ["train", SPIRAL, "--data", "spiral", "--out"],
    ["export", COURSE, "--onnx"],
])
def test_a_folder_or_a_missing_folder_is_refused_before_any_work(tmp_path, command) -> None:
    line = error_line(cli(*command, tmp_path, check=False))
    assert f"'{tmp_path}' is a folder; give a file name inside it" in line
    result = cli(*command, tmp_path / "no" / "m.out", check=False)
    assert "the folder" in error_line(result)
    assert "does not exist" in error_line(result)
    assert "epoch" not in result.stderr            # refused before training started


def test_predict_output_folder_missing(tmp_path: Path, inputs: Path) -> None:
    assert "does not exist; create it first" in error_line(
        cli("predict", COURSE, "--input", inputs, "--output", tmp_path / "x" / "p.csv",
            check=False))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_a_read_only_folder_is_refused(tmp_path: Path, inputs: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert "is not writable" in error_line(
            cli("predict", COURSE, "--input", inputs, "--output", folder / "p.csv",
                check=False))
    finally:
        folder.chmod(0o700)


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path, inputs: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    cli("predict", COURSE, "--input", inputs, "--output", link)
    assert link.is_symlink()
    assert target.read_text().startswith("class,")
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "created.csv")
    cli("predict", COURSE, "--input", inputs, "--output", dangling)
    assert dangling.is_symlink()
    assert (tmp_path / "created.csv").read_text().startswith("class,")


def test_a_fifo_is_written_in_place(tmp_path: Path, inputs: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    cli("predict", COURSE, "--input", inputs, "--output", fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)   # still the pipe, not replaced by a file
    reader.join(timeout=60)
    assert received[0].startswith(b"class,")


def test_dev_stdout_and_dash_write_to_standard_output(tmp_path: Path, inputs: Path) -> None:
    # What /dev/stdout is on Linux, made in our own folder: the test never risks the system's.
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    expected = cli("predict", COURSE, "--input", inputs).stdout
    assert cli("predict", COURSE, "--input", inputs, "--output", link).stdout == expected
    assert cli("predict", COURSE, "--input", inputs, "--output", "-").stdout == expected
    assert link.is_symlink()
    assert sorted(os.listdir(tmp_path)) == ["in.csv", "stdout"]
    redirected = tmp_path / "redirected.csv"
    with open(redirected, "w") as handle:        # standard output is a file: written once
        subprocess.run([sys.executable, "-m", "simulator.cli", "predict", str(COURSE),
                        "--input", str(inputs), "--output", str(link)], stdout=handle,
                       cwd=ROOT, check=True, timeout=120)
    assert redirected.read_text() == expected
    assert link.is_symlink()


def test_the_runs_own_inputs_need_force(tmp_path: Path, inputs: Path) -> None:
    design = tmp_path / "net.json"
    design.write_bytes(SPIRAL.read_bytes())
    result = cli("train", design, "--data", "spiral", "--epochs", "1", "--out", design,
                 check=False)
    assert "is this run's design file; writing there would replace it" in error_line(result)
    assert "pass --force" in error_line(result)
    assert design.read_bytes() == SPIRAL.read_bytes()
    model = tmp_path / "m.bpmodel"
    cli("train", design, "--data", "spiral", "--epochs", "1", "--out", model)
    for flag, path, what in (("--output", inputs, "input file"), ("--output", model, "model")):
        before = path.read_bytes()
        line = error_line(cli("predict", model, "--input", inputs, flag, path, check=False))
        assert f"is this run's {what}" in line
        assert path.read_bytes() == before
    alias = tmp_path / "alias.csv"
    alias.symlink_to(inputs)
    assert "is this run's input file" in error_line(
        cli("predict", model, "--input", inputs, "--output", alias, check=False))
    cli("predict", model, "--input", inputs, "--output", inputs, "--force")
    assert inputs.read_text().startswith("class,")


def test_write_errors_name_the_target_not_our_temporary_file(tmp_path: Path, inputs: Path,
                                                             monkeypatch, capsys) -> None:
    def refuse(source: str, target: object) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), source, None, str(target))

    monkeypatch.setattr(atomic.os, "replace", refuse)
    out = tmp_path / "p.csv"
    assert main(["predict", str(COURSE), "--input", str(inputs), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (f"backprop-studio: error: cannot write '{out}': "
                           f"{os.strerror(errno.EXDEV)}")
    assert ".tmp" not in err
    assert sorted(os.listdir(tmp_path)) == ["in.csv"]


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs Linux's /dev/full")
def test_a_full_device_is_a_one_line_error(tmp_path: Path, inputs: Path) -> None:
    full = tmp_path / "full"
    full.symlink_to("/dev/full")      # a link of our own, so a bug could only replace the link
    line = error_line(cli("predict", COURSE, "--input", inputs, "--output", full, check=False))
    assert line == (f"backprop-studio: error: cannot write '{full}': No space left on device")
    assert full.is_symlink()
