"""Files of format 1 (Dense weights stored ``[inputs][units]``) are read by transposing them.

Each test builds a format-1 file by hand from a current one: the container's and the design's
``format_version`` set to 1 and every Dense weight matrix written the old way round, in the
design's explicit ``weights``, in ``weights.npz`` and (for a project that can resume) in the
optimizer's flat state and early stopping's best weights. Reading it must give exactly what the
current file gives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulator.errors import SpecError
from simulator.io import Project, load_model, load_project, safe_zip, save_model, save_project
from simulator.io.project_file import split_arrays
from simulator.io.safe_npz import NUMERIC_DTYPES, read_npz, write_npz
from simulator.network import Network, compile_network
from simulator.spec import NetworkSpec
from tests.simulator.io.builders import MLP, build, members_of
from tests.simulator.io.test_project_file import CHOICE, DESIGN, make_trainer, run

#: 8 units × 2 inputs, typed as the course writes W: not square, so a wrong turn shows.
ROWS = [[0.5, -1.0], [1.5, 0.25], [-0.5, 2.0], [1.0, 1.0], [0.0, -2.0], [0.75, 0.5],
        [-1.25, 0.0], [0.2, -0.4]]


def _old_design(design: dict[str, Any]) -> dict[str, Any]:
    layers = [{**layer, "weights": np.asarray(layer["weights"]).T.tolist()}
              if layer["type"] == "Dense" and "weights" in layer else layer
              for layer in design["layers"]]
    return {**design, "format_version": 1, "layers": layers}


def _old_weights(weights: dict[str, np.ndarray], spec: NetworkSpec) -> dict[str, np.ndarray]:
    dense = {f"{layer.name}.W" for layer in spec.layers if layer.type == "Dense"}
    return {k: np.ascontiguousarray(v.T) if k in dense else v for k, v in weights.items()}


def _old_flat(flat: np.ndarray, network: Network) -> np.ndarray:
    """A flat parameter-sized array reordered as format 1 laid Dense W out in the buffer."""
    flat = flat.copy()
    for layer in network.spec.layers:
        if layer.type == "Dense":
            part = network.param_slices[f"{layer.name}.W"]
            shape = network.layers[layer.name].params["W"].shape
            flat[part] = flat[part].reshape(shape).T.reshape(-1)
    return flat


def test_a_format_1_network_file_is_read_by_transposing_its_dense_weights() -> None:
    current = {"input_shape": [2], "layers": [
        {"type": "Dense", "name": "hidden", "units": 8, "activation": "tanh", "weights": ROWS},
        {"type": "Dense", "name": "out", "units": 2, "weights": [[1, 2, 3, 4, 5, 6, 7, 8],
                                                                 [0, 0, 0, 0, 1, 1, 1, 1]]}]}
    old = NetworkSpec.from_dict(_old_design(current))
    assert old.to_dict() == NetworkSpec.from_dict(current).to_dict()
    assert old.layer("hidden").config["weights"] == ROWS
    assert old.to_dict()["format_version"] == 2
    x = np.array([[1.0, -1.0], [0.5, 2.0]])
    np.testing.assert_allclose(compile_network(old).predict(x),
                               np.tanh(x @ np.array(ROWS).T) @ np.array(
                                   current["layers"][1]["weights"], dtype=float).T, rtol=1e-6)


@pytest.mark.parametrize(("version", "message"), [
    (3, "format 3, newer than this version of Backprop Studio reads \\(2\\)"),
    ("1", "'format_version' must be a positive integer"), (0, "positive integer")])
def test_a_network_file_format_it_cannot_read_is_refused(version: Any, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        NetworkSpec.from_dict({"format_version": version, "input_shape": [2],
                               "layers": [{"type": "Dense", "units": 1}]})


def test_a_format_1_model_file_is_read_by_transposing(tmp_path: Path) -> None:
    design = {**MLP, "input_shape": [2],
              "layers": [{**MLP["layers"][0], "weights": ROWS}, *MLP["layers"][1:]]}
    network = build(design, seed=3)
    path = save_model(tmp_path / "m.bpmodel", network, class_names=["a", "b", "c"])
    members = members_of(path)
    meta = json.loads(members["meta.json"])
    assert meta["format_version"] == 2
    stored = read_npz(members["weights.npz"], "weights")
    assert stored["hidden.W"].shape == (8, 2)                  # [units][inputs] on disk
    old = tmp_path / "old.bpmodel"
    old.write_bytes(safe_zip.write_zip({
        "meta.json": json.dumps({**meta, "format_version": 1}).encode(),
        "network.json": json.dumps(_old_design(json.loads(members["network.json"]))).encode(),
        "weights.npz": write_npz(_old_weights(stored, network.spec)),
    }))
    assert read_npz(members_of(old)["weights.npz"], "w")["hidden.W"].shape == (2, 8)
    model = load_model(old)
    assert model.spec.to_dict() == network.spec.to_dict()
    for key, value in network.get_weights().items():
        assert model.network.get_weights()[key].tobytes() == value.tobytes(), key
    x = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(model.predict(x), network.predict(x))


def test_a_format_1_project_is_read_by_transposing_and_resumes_exactly(tmp_path: Path) -> None:
    design = {**DESIGN, "layers": [{**DESIGN["layers"][0], "weights": ROWS},
                                   *DESIGN["layers"][1:]]}
    straight = make_trainer(NetworkSpec.from_dict(design))
    run(straight, 4)
    first = make_trainer(NetworkSpec.from_dict(design))
    run(first, 2)
    project = Project.capture(first.network.spec, dataset=CHOICE, trainer=first)
    current = load_project(save_project(tmp_path / "new.bpproj", project))

    data = json.loads(members_of(tmp_path / "new.bpproj")["project.json"])
    assert data["format_version"] == 2
    state = dict(project.trainer_state)
    state["optimizer"] = {**state["optimizer"], "slots": {
        k: _old_flat(v, first.network) for k, v in state["optimizer"]["slots"].items()}}
    state["callbacks"] = [
        {**cb, "state": {**cb["state"], "best_weights": _old_weights(
            cb["state"]["best_weights"], first.network.spec)}}
        if cb["state"].get("best_weights") else cb for cb in state["callbacks"]]
    assert any(cb["state"].get("best_weights") for cb in state["callbacks"])
    tree, arrays = split_arrays(state)
    old = tmp_path / "old.bpproj"
    old.write_bytes(safe_zip.write_zip({
        "project.json": json.dumps({**data, "format_version": 1,
                                    "network": _old_design(data["network"])}).encode(),
        "weights.npz": write_npz(_old_weights(project.weights, first.network.spec)),
        "trainer.json": json.dumps(tree).encode(),
        "trainer.npz": write_npz(arrays, NUMERIC_DTYPES),
    }))

    loaded = load_project(old)
    assert loaded.spec.to_dict() == current.spec.to_dict()
    assert loaded.spec.layers[0].config["weights"] == ROWS
    for key, value in current.weights.items():
        assert loaded.weights[key].tobytes() == value.tobytes(), key
    for key, value in current.trainer_state["optimizer"]["slots"].items():
        assert loaded.trainer_state["optimizer"]["slots"][key].tobytes() == value.tobytes()
    resumed = make_trainer(loaded.spec)
    resumed.network.set_weights(loaded.weights)
    assert loaded.restore_trainer(resumed)
    run(resumed, 2)
    assert resumed.history["loss"] == straight.history["loss"]
    for key, value in straight.network.get_weights().items():
        assert resumed.network.get_weights()[key].tobytes() == value.tobytes(), key
