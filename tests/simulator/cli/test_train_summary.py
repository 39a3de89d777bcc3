"""``train`` says which preprocessing ran, on its summary lines."""

from __future__ import annotations

import json
from pathlib import Path

from tests.simulator.cli.test_commands import cli

DESIGN = {"input_shape": [2],
          "layers": [{"type": "Dense", "units": 4, "activation": "tanh"},
                     {"type": "Dense", "units": 2}, {"type": "Softmax"}],
          "training": {"epochs": 1, "batch_size": 32}}


def test_the_summary_names_the_preprocessing_that_ran(tmp_path: Path) -> None:
    default = tmp_path / "default.json"
    default.write_text(json.dumps(DESIGN))
    stated = tmp_path / "stated.json"
    stated.write_text(json.dumps({**DESIGN, "training": {**DESIGN["training"],
                                                         "preprocessing": "none"}}))
    lines = cli("train", default, "--data", "moons").stdout.splitlines()
    assert "preprocessing: auto: standardize (each feature to mean 0, standard deviation 1)" \
        in lines
    assert "preprocessing: none (raw values)" in cli("train", stated, "--data",
                                                      "moons").stdout.splitlines()
