"""Hostile .bpmodel files: every case is a ModelFileError with a readable message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from simulator.errors import ModelFileError
from simulator.io import load_model, safe_zip
from simulator.io.safe_npz import write_npz
from tests.simulator.io.builders import members_of, zip_bytes


def rewrite(path: Path, **changes: bytes | None) -> Path:
    """Rebuild the model archive with some members replaced (None removes one)."""
    members = members_of(path)
    for name, data in changes.items():
        name = name.replace("_", ".")
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    path.write_bytes(safe_zip.write_zip(members))
    return path


def with_meta(path: Path, **changes: object) -> Path:
    meta = json.loads(members_of(path)["meta.json"])
    meta.update(changes)
    return rewrite(path, meta_json=json.dumps(meta).encode())


def with_network(path: Path, edit) -> Path:
    network = json.loads(members_of(path)["network.json"])
    edit(network)
    return rewrite(path, network_json=json.dumps(network).encode())


# ----- hostile files ------------------------------------------------------------------------
@pytest.mark.parametrize(("layer", "message"), [
    ({"type": "subprocess.Popen", "args": ["touch", "x"]}, "unknown layer type 'subprocess.Popen'"),
    ({"module": "os", "class_name": "system", "config": {"command": "touch x"}},
     "unknown layer type"),
    ({"type": "Dense", "units": 3, "module": "os"}, "unknown layer type"),
    ({"type": "dense", "units": 3}, "unknown layer type 'dense'"),
    ({"type": "Lambda", "function": "lambda x: x"}, "unknown layer type"),
])
def test_unknown_layer_types_never_import_anything(saved, layer, message) -> None:
    path, _ = saved
    with_network(path, lambda n: n["layers"].__setitem__(0, layer))
    with pytest.raises(ModelFileError, match=re.escape(message)):
        load_model(path)


def test_newer_format_version(saved) -> None:
    path, _ = saved
    with_meta(path, format_version=7)
    with pytest.raises(ModelFileError, match=re.escape(
            "created by a newer version of Backprop Studio (format 7); this version reads "
            "up to 2")):
        load_model(path)


@pytest.mark.parametrize("version", [None, "1", 0, True, 1.0])
def test_invalid_format_version(saved, version) -> None:
    path, _ = saved
    with_meta(path, format_version=version)
    with pytest.raises(ModelFileError, match="format_version"):
        load_model(path)


@pytest.mark.parametrize(("text", "message"), [
    (b'{"format_version": NaN}', "NaN is not allowed"),
    (b'{"format_version": 1, "format_version": 1}', "duplicate key 'format_version'"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"format_version": ' + b"9" * 5000 + b"}", "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[1, 2]", "must be a JSON object"),
])
def test_json_hygiene(saved, text: bytes, message: str) -> None:
    path, _ = saved
    rewrite(path, meta_json=text)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_network_json_problems_are_model_file_errors(saved) -> None:
    path, _ = saved
    with_network(path, lambda n: n["layers"][0].update(units=10**12))
    with pytest.raises(ModelFileError, match="more than 50,000,000 parameters"):
        load_model(path)
    with_network(path, lambda n: n["layers"][0].update(position=["a", "b"]))
    with pytest.raises(ModelFileError, match="network.json"):
        load_model(path)
    rewrite(path, network_json=b'{"input_shape": [4], "layers": [{"type": "Dense", '
                               b'"units": Infinity}]}')
    with pytest.raises(ModelFileError, match="Infinity is not allowed"):
        load_model(path)


def test_input_shape_in_meta_must_agree(saved) -> None:
    path, _ = saved
    with_meta(path, input_shape=[5])
    with pytest.raises(ModelFileError, match="input_shape"):
        load_model(path)


def test_weights_that_do_not_fit_are_listed(saved) -> None:
    path, model = saved
    weights = model.network.get_weights()
    weights["hidden.W"] = np.zeros((5, 4), np.float32)
    del weights["scores.b"]
    weights["ghost.W"] = np.zeros(1, np.float32)
    rewrite(path, weights_npz=write_npz(weights))
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    message = str(info.value)
    assert "'hidden.W' has shape [5, 4], the network needs [8, 4]" in message
    assert "missing 'scores.b'" in message
    assert "unexpected 'ghost.W'" in message


def test_nan_weights_and_wrong_dtypes(saved) -> None:
    path, model = saved
    weights = model.network.get_weights()
    weights["hidden.b"] = np.full(8, np.nan, np.float32)
    rewrite(path, weights_npz=write_npz(weights))
    with pytest.raises(ModelFileError, match="NaN or infinite"):
        load_model(path)
    weights["hidden.b"] = np.zeros(8, np.int32)
    rewrite(path, weights_npz=write_npz(weights, dtypes=("<f4", "<i4")))
    with pytest.raises(ModelFileError, match="dtype '<i4'"):
        load_model(path)


@pytest.mark.parametrize("member", ["meta.json", "network.json", "weights.npz"])
def test_missing_members(saved, member: str) -> None:
    path, _ = saved
    rewrite(path, **{member.replace(".", "_"): None})
    with pytest.raises(ModelFileError, match=f"lacks {member}"):
        load_model(path)


def test_extra_member_and_traversal(saved, tmp_path: Path) -> None:
    path, _ = saved
    members = list(members_of(path).items())
    for name in ("extra.txt", "../meta.json"):
        (tmp_path / "bad.bpmodel").write_bytes(zip_bytes([*members, (name, b"x")]))
        with pytest.raises(ModelFileError):
            load_model(tmp_path / "bad.bpmodel")


def test_preprocessing_and_class_names_are_validated(saved) -> None:
    path, _ = saved
    with_meta(path, preprocessing={"method": "standardize", "shift": [0, 0], "scale": [1, 1],
                                   "shape": [2]})
    with pytest.raises(ModelFileError, match="does not fit"):
        load_model(path)
    with_meta(path, preprocessing={"method": "eval('1')"})
    with pytest.raises(ModelFileError, match="invalid preprocessing"):
        load_model(path)
    with_meta(path, preprocessing=None, class_names=["a", 3, "c"])
    with pytest.raises(ModelFileError, match="class_names"):
        load_model(path)


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04" + bytes(40)])
def test_empty_and_garbage_files(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "x.bpmodel").write_bytes(data)
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "x.bpmodel")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_truncated_files(saved, fraction: float) -> None:
    path, _ = saved
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * fraction)])
    with pytest.raises(ModelFileError):
        load_model(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="cannot open"):
        load_model(tmp_path / "absent.bpmodel")
    with pytest.raises(ModelFileError, match="cannot open"):
        load_model(tmp_path)


def test_a_small_file_cannot_ask_for_a_huge_network(saved, monkeypatch) -> None:
    path, _ = saved
    with_network(path, lambda n: n["layers"][0].update(units=2_000_000))
    built = []
    monkeypatch.setattr("simulator.io.common.compile_network",
                        lambda *a, **k: built.append(a))
    with pytest.raises(ModelFileError, match="hold 115 values but the network has 22,000,027"):
        load_model(path)
    assert built == []


# ----- what a file may hold -----------------------------------------------------------------
def cnn_model(tmp_path: Path) -> Path:
    from simulator.io import save_model
    from tests.simulator.io.builders import CNN, build

    return save_model(tmp_path / "cnn.bpmodel", build(CNN, seed=3))


def with_weights(path: Path, **changes: float) -> Path:
    from simulator.io.safe_npz import read_npz

    weights = read_npz(members_of(path)["weights.npz"], "test")
    for key, value in changes.items():
        key = key.replace("__", ".")
        weights[key] = np.full_like(weights[key], value)
        weights[key].flat[0] = value
    return rewrite(path, weights_npz=write_npz(weights))


@pytest.mark.parametrize(("change", "message"), [
    ({"norm__running_var": -1.0}, "'norm.running_var' is a variance but holds negative"),
    ({"scores__W": 3e38}, "'scores.W' holds values beyond"),
    ({"norm_flat__running_mean": -1e35}, "'norm_flat.running_mean' holds values beyond"),
])
def test_values_that_only_ever_predict_nan_are_refused(tmp_path: Path, change: dict,
                                                       message: str) -> None:
    path = with_weights(cnn_model(tmp_path), **change)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


@pytest.mark.parametrize(("stat", "value", "message"), [
    ("scale", 1e308, "'scale' must be positive and at most 1e\\+15"),
    ("scale", -1.0, "'scale' must be positive"),
    ("shift", 1e300, "'shift' must be between"),
])
def test_preprocessing_that_overflows_is_refused(tmp_path: Path, stat: str, value: float,
                                                 message: str) -> None:
    from simulator.data import Preprocessor
    from simulator.io import save_model
    from tests.simulator.io.builders import MLP, build

    path = save_model(tmp_path / "m.bpmodel", build(MLP),
                      preprocessor=Preprocessor("standardize").fit(np.eye(4)))
    arrays = {"shift": np.zeros(4), "scale": np.ones(4)}
    arrays[stat] = np.full(4, value)
    rewrite(path, preprocessing_npz=write_npz(arrays))
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_a_feature_that_varies_by_almost_nothing_gets_scale_one() -> None:
    from simulator.data import Preprocessor

    x = np.array([[1.0, 0.0], [1.0 + 1e-16, 2.0], [1.0, 4.0]])
    pre = Preprocessor("standardize").fit(x)
    assert pre.scale[0] == 1.0
    assert pre.scale[1] == pytest.approx(1 / np.std([0, 2, 4]))
