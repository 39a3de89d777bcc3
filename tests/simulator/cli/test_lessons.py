"""``train`` takes every lesson the app ships, by file and by name, with the lesson's own data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.io import load_model
from tests.simulator.cli.helpers import LESSONS, cli

ALL = sorted(LESSONS.glob("*.json"))


def test_a_lesson_by_name_trains_on_its_own_dataset(tmp_path: Path) -> None:
    result = cli("train", "xor", "--epochs", "2", "--out", tmp_path / "xor.bpmodel")
    n = json.loads((LESSONS / "xor.json").read_text())["dataset"]["options"]["n"]
    assert f"training {int(n * 0.8)} samples ({int(n * 0.2)} for validation)" in result.stderr
    assert load_model(tmp_path / "xor.bpmodel").class_names == ["0", "1"]


def test_a_lesson_file_trains_and_data_options_apply_over_its_own(tmp_path: Path) -> None:
    result = cli("train", LESSONS / "xor.json", "--epochs", "1", "--data-option", "n=50")
    assert "training 40 samples (10 for validation)" in result.stderr
    assert result.stdout.startswith("training:   loss ")


def test_data_replaces_the_lessons_dataset() -> None:
    result = cli("train", "xor", "--data", "circles", "--data-option", "n=100", "--epochs", "1")
    assert "training 80 samples (20 for validation)" in result.stderr


@pytest.mark.parametrize("lesson", ALL, ids=lambda p: p.stem)
def test_every_shipped_lesson_trains_by_file(lesson: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / f"{lesson.stem}.bpmodel"
    assert main(["train", str(lesson), "--epochs", "1", "--out", str(out)]) == 0, \
        capsys.readouterr().err
    assert capsys.readouterr().out.splitlines()[-1] == f"saved {out}"
    assert load_model(out).spec.training.epochs == 1


def test_an_unknown_lesson_name_lists_the_lessons() -> None:
    result = cli("train", "xorr", check=False)
    assert result.returncode == 1
    assert "no file and no lesson named 'xorr'; lessons are: " in result.stderr
    assert "spiral" in result.stderr
