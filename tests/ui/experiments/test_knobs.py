"""The knobs a search can turn are the ones the design has."""

from __future__ import annotations

import pytest

from simulator.errors import SpecError
from simulator.spec import NetworkSpec
from ui.experiments.knobs import knobs_for
from ui.shell.files import open_preset
from ui.shell.presets import load_preset


def test_knobs_fit_the_design() -> None:
    spec = open_preset(load_preset("spiral")).spec
    knobs = {knob.key: knob for knob in knobs_for(spec)}
    assert {"learning_rate", "batch_size", "units:hidden_1", "units:hidden_2", "l2",
            "optimizer"} == set(knobs)                 # not the output layer's units
    assert knobs["learning_rate"].distribution("1e-4, 0.1") == {"log_uniform": [1e-4, 0.1]}
    assert knobs["units:hidden_1"].distribution("4, 64") == {"int": [4, 64]}
    assert knobs["units:hidden_1"].grid_values("4, 8, 4") == [4, 8]
    assert knobs["optimizer"].changes("sgd") == {
        "training.optimizer": {"type": "sgd", "learning_rate": 0.01}}
    assert knobs["l2"].changes(0.001) == {"training.regularizer": {"l2": 0.001}}
    assert knobs["l2"].changes(0.0) == {"training.regularizer": None}
    with pytest.raises(SpecError, match="low ≤ high"):
        knobs["learning_rate"].distribution("0.1, 0.001")
    with pytest.raises(SpecError, match="not one of"):
        knobs["optimizer"].grid_values("adam, warp")
    assert knobs["learning_rate"].current == pytest.approx(0.01)


def test_a_dropout_layer_offers_its_rate() -> None:
    spec = NetworkSpec.from_dict({
        "input_shape": [2],
        "layers": [{"type": "Dense", "name": "h", "units": 8, "activation": "relu"},
                   {"type": "Dropout", "name": "drop", "rate": 0.2},
                   {"type": "Dense", "name": "out", "units": 2}, {"type": "Softmax"}],
        "training": {"regularizer": {"l1": 0.01}}})
    knobs = {knob.key: knob for knob in knobs_for(spec)}
    assert knobs["rate:drop"].current == 0.2
    assert knobs["rate:drop"].changes(0.5) == {"layers.drop.rate": 0.5}
    assert knobs["rate:drop"].distribution("0, 0.6") == {"uniform": [0.0, 0.6]}
    assert "units:out" not in knobs
    assert knobs["l2"].changes(0.1) == {"training.regularizer": {"l1": 0.01, "l2": 0.1}}
