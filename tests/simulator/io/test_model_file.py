"""The .bpmodel file: bitwise round trip, raw-input prediction, reproducible bytes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from simulator.data import Preprocessor
from simulator.errors import ModelFileError
from simulator.io import load_model, save_model
from tests.simulator.io.builders import BRANCHING, CNN, COURSE, MLP, build, members_of


# ----- round trip ---------------------------------------------------------------------------
@pytest.mark.parametrize("config", [MLP, CNN, BRANCHING, COURSE])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_is_bitwise(config, dtype, tmp_path: Path) -> None:
    network = build(config, seed=2, dtype=dtype)
    model = load_model(save_model(tmp_path / "m.bpmodel", network))
    for key, value in network.get_weights().items():
        loaded = model.network.get_weights()[key]
        assert loaded.dtype == value.dtype
        assert loaded.tobytes() == value.tobytes()
    x = np.random.default_rng(0).normal(size=(3, *network.spec.input_shape))
    np.testing.assert_array_equal(model.predict(x), network.predict(x))
    assert model.network.spec.to_dict() == network.spec.to_dict()


def test_predict_applies_the_stored_preprocessing_to_raw_inputs(saved) -> None:
    _, model = saved
    assert model.class_names == ["cat", "dog", "eel"]
    assert model.task == "classification"
    assert model.metrics == {"accuracy": 0.75}
    assert model.meta["created"] == "2024-01-02T03:04:05Z"
    raw = np.random.default_rng(2).normal(3.0, 2.0, (6, 4))
    by_hand = model.network.predict(model.preprocessor.transform(raw))
    np.testing.assert_allclose(model.predict(raw), by_hand, rtol=1e-6)
    assert model.predict_labels(raw).shape == (6,)
    np.testing.assert_allclose(model.predict(raw[0]), by_hand[:1], rtol=1e-6)


def test_file_layout_is_documented(saved) -> None:
    path, _ = saved
    members = members_of(path)
    assert sorted(members) == ["meta.json", "network.json", "preprocessing.npz", "weights.npz"]
    meta = json.loads(members["meta.json"])
    assert meta["format_version"] == 2
    assert meta["input_shape"] == [4]
    assert meta["preprocessing"]["method"] == "standardize"
    assert meta["preprocessing"]["shift"] == {"__array__": "shift"}
    stats = np.load(io.BytesIO(members["preprocessing.npz"]), allow_pickle=False)
    assert sorted(stats.files) == ["scale", "shift"]
    assert stats["shift"].shape == (4,)
    assert set(json.loads(members["network.json"])) >= {"input_shape", "layers", "training"}


def test_saving_twice_gives_identical_bytes(tmp_path: Path, monkeypatch) -> None:
    network = build(CNN, seed=1)
    a = save_model(tmp_path / "a.bpmodel", network, created="2024-01-01T00:00:00Z")
    b = save_model(tmp_path / "b.bpmodel", network, created="2024-01-01T00:00:00Z")
    assert a.read_bytes() == b.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    c = save_model(tmp_path / "c.bpmodel", network)
    assert c.read_bytes() == save_model(tmp_path / "d.bpmodel", network).read_bytes()
    assert json.loads(members_of(c)["meta.json"])["created"] == "2023-11-14T22:13:20Z"


def test_class_names_must_fit_the_output(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="2 class names but the network outputs 3"):
        save_model(tmp_path / "m.bpmodel", build(MLP), class_names=["a", "b"])
    assert not (tmp_path / "m.bpmodel").exists()


def test_preprocessing_that_does_not_fit_is_refused_at_save(tmp_path: Path) -> None:
    pre = Preprocessor("standardize").fit(np.random.default_rng(0).normal(size=(9, 3)))
    with pytest.raises(ModelFileError, match="does not fit the network's input shape"):
        save_model(tmp_path / "m.bpmodel", build(MLP), preprocessor=pre)
