"""Files the app writes always load back, and a save that would not load replaces nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator import spec as spec_module
from simulator.data import Preprocessor, load_dataset, prepare
from simulator.errors import ModelFileError
from simulator.io import (
    Project,
    load_model,
    load_project,
    safe_npz,
    safe_zip,
    save_model,
    save_project,
)
from simulator.network import compile_network
from simulator.spec import MAX_NAME_CHARS, NetworkSpec
from simulator.training.trainer import Trainer
from tests.simulator.io.builders import MLP, build, members_of

RGB_300 = {
    "input_shape": [3, 300, 300],
    "layers": [{"type": "GlobalAvgPool", "name": "pool"},
               {"type": "Dense", "name": "scores", "units": 2},
               {"type": "Softmax", "name": "p"}],
}


@pytest.mark.parametrize("method", ["standardize", "minmax"])
def test_per_pixel_statistics_of_a_300x300_rgb_set_load_back(tmp_path: Path,
                                                             method: str) -> None:
    # As JSON these are 12.9 MiB (over the 10 MiB JSON limit), and minmax statistics of
    # images with a constant border compress hundreds of times (a "compression bomb").
    x = np.zeros((3, 3, 300, 300))
    x[:, :, 100:200, 100:200] = np.random.default_rng(0).uniform(0, 255, (3, 3, 100, 100))
    pre = Preprocessor(method).fit(x)
    path = save_model(tmp_path / "big.bpmodel", build(RGB_300), preprocessor=pre,
                      class_names=["a", "b"])
    model = load_model(path)
    np.testing.assert_array_equal(model.preprocessor.shift, pre.shift)
    np.testing.assert_array_equal(model.preprocessor.scale, pre.scale)
    assert len(members_of(path)["meta.json"]) < 10_000


def test_a_version_1_model_with_statistics_inline_still_loads(saved) -> None:
    path, loaded = saved
    members = members_of(path)
    meta = json.loads(members.pop("meta.json"))
    meta["format_version"] = 1
    meta["preprocessing"] = loaded.preprocessor.to_dict()     # nested lists, as before
    members.pop("preprocessing.npz")
    # Format 1 also stored Dense W as [inputs][units]: transpose, as such a file held it.
    weights = safe_npz.read_npz(members["weights.npz"], "weights")
    old = {k: (v.T if k.endswith(".W") and v.ndim == 2 else v) for k, v in weights.items()}
    members["weights.npz"] = safe_npz.write_npz(old)
    path.write_bytes(safe_zip.write_zip({**members, "meta.json": json.dumps(meta).encode()}))
    reread = load_model(path)
    np.testing.assert_allclose(reread.preprocessor.shift, loaded.preprocessor.shift)
    for key, value in loaded.network.get_weights().items():
        np.testing.assert_array_equal(reread.network.get_weights()[key], value)


def test_the_ratio_rule_cannot_refuse_a_json_member_we_write() -> None:
    # 9 MiB of zeros deflate about 1000 times; every JSON member we write is under 10 MiB.
    text = b"[" + b"0, " * (3 * 2**20) + b"0]"
    assert len(text) > 9 * 2**20
    data = safe_zip.write_zip({"meta.json": text})
    assert safe_zip.read_zip(data, "test") == {"meta.json": text}


def test_a_save_that_would_not_load_back_replaces_nothing(tmp_path: Path,
                                                          monkeypatch) -> None:
    good = save_model(tmp_path / "m.bpmodel", build(MLP, seed=1))
    before = good.read_bytes()
    project_path = save_project(tmp_path / "p.bpproj", Project(build(MLP).spec))
    project_before = project_path.read_bytes()
    monkeypatch.setattr(spec_module, "MAX_JSON_BYTES", 200)   # a reader's limit we would pass
    with pytest.raises(ModelFileError, match="would not load back.*nothing was written"):
        save_model(good, build(MLP, seed=2))
    with pytest.raises(ModelFileError, match="would not open again.*nothing was written"):
        save_project(project_path, Project(build(MLP).spec))
    assert good.read_bytes() == before
    assert project_path.read_bytes() == project_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bpmodel", "p.bpproj"]


@pytest.mark.parametrize("name", ["中文层" * (MAX_NAME_CHARS // 3), "x" * MAX_NAME_CHARS,
                                  "%/\\:" * (MAX_NAME_CHARS // 4), "ünïcödé layer"])
def test_long_and_non_latin_layer_names_save_and_load(tmp_path: Path, name: str) -> None:
    # Before, quote() turned each CJK character into 9 characters, and a member name over
    # 255 characters failed at save with "damaged or was crafted to be unsafe".
    design = {**MLP, "input_shape": [2], "layers": [
        {**MLP["layers"][0], "name": name}, *MLP["layers"][1:]],
        "training": {**MLP["training"], "early_stopping": {"patience": 5}}}
    spec = NetworkSpec.from_dict(design)
    model = load_model(save_model(tmp_path / "m.bpmodel", compile_network(spec, seed=0)))
    assert model.network.spec.layers[0].name == name
    prepared = prepare(load_dataset("blobs", n=60, classes=3), spec.training, [2])
    trainer = Trainer(compile_network(spec, seed=0), spec.training, prepared.x_train,
                      prepared.y_train, prepared.x_val, prepared.y_val)
    for _ in trainer.run(2):
        pass
    project = load_project(save_project(tmp_path / "p.bpproj",
                                        Project.capture(spec, trainer=trainer)))
    assert f"{name}.W" in project.weights
    assert project.trainer_state is not None


def test_weights_saved_under_fully_encoded_names_still_load(saved) -> None:
    from urllib.parse import quote

    from simulator.io.safe_npz import read_npz

    arrays = {"中文.W": np.ones(2, np.float32)}
    old = safe_zip.write_zip({quote(k, safe="") + ".npy": _npy(v) for k, v in arrays.items()})
    assert read_npz(old, "old file").keys() == arrays.keys()


def _npy(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()
