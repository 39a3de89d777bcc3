"""The .bpproj project file: round trip, exact resume, and hostile-file discipline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from simulator.data import load_dataset, prepare
from simulator.errors import ModelFileError
from simulator.io import DatasetChoice, Project, load_project, safe_zip, save_project
from simulator.io.safe_npz import write_npz
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.trainer import Trainer
from tests.simulator.io.builders import MLP, members_of

ROOT = Path(__file__).resolve().parents[3]
DESIGN = {
    **MLP,
    "input_shape": [2],
    "layers": [{**layer, "position": [10.0 * i, 20.5]} for i, layer in enumerate(MLP["layers"])],
    "training": {"optimizer": {"type": "adam", "learning_rate": 0.01}, "epochs": 4,
                 "batch_size": 16, "validation_split": 0.25, "preprocessing": "standardize",
                 "schedule": {"type": "step", "factor": 0.9, "every_epochs": 1},
                 "early_stopping": {"patience": 10}},
}
CHOICE = DatasetChoice("blobs", {"n": 120, "classes": 3, "seed": 1})


def make_trainer(spec: NetworkSpec) -> Trainer:
    prepared = prepare(load_dataset(CHOICE.source, **CHOICE.options), spec.training,
                       spec.input_shape)
    network = compile_network(spec, "numpy")
    return Trainer(network, spec.training, prepared.x_train, prepared.y_train,
                   prepared.x_val, prepared.y_val)


def run(trainer: Trainer, epochs: int) -> None:
    for _ in trainer.run(epochs):
        pass


def test_design_only_round_trip(tmp_path: Path) -> None:
    spec = NetworkSpec.from_dict(DESIGN)
    project = Project(spec, CHOICE, settings={"panels": ["loss", "boundary"], "zoom": 1.5})
    path = save_project(tmp_path / "p.bpproj", project)
    assert sorted(members_of(path)) == ["project.json"]
    back = load_project(path)
    assert back.spec.to_dict() == spec.to_dict()
    assert [layer.position for layer in back.spec.layers] == [(0.0, 20.5), (10.0, 20.5),
                                                               (20.0, 20.5)]
    assert back.dataset == CHOICE
    assert back.settings == project.settings
    assert back.weights is None
    assert back.trainer_state is None
    assert path.read_bytes() == save_project(tmp_path / "q.bpproj", back).read_bytes()


def test_resume_in_a_fresh_process_is_exact(tmp_path: Path) -> None:
    straight = make_trainer(NetworkSpec.from_dict(DESIGN))
    run(straight, 4)

    first = make_trainer(NetworkSpec.from_dict(DESIGN))
    run(first, 2)
    path = save_project(tmp_path / "run.bpproj",
                        Project.capture(first.network.spec, dataset=CHOICE, trainer=first))
    assert sorted(members_of(path)) == ["project.json", "trainer.json", "trainer.npz",
                                        "weights.npz"]
    script = (
        "import json, sys, numpy as np\n"
        "from simulator.io import load_project\n"
        "from tests.simulator.io.test_project_file import make_trainer, run\n"
        "project = load_project(sys.argv[1])\n"
        "trainer = make_trainer(project.spec)\n"
        "trainer.network.set_weights(project.weights)\n"
        "assert project.restore_trainer(trainer)\n"
        "run(trainer, 2)\n"
        "np.savez(sys.argv[2], **trainer.network.get_weights())\n"
        "print(json.dumps(trainer.history['loss']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(path), str(tmp_path / "w.npz")],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == straight.history["loss"]
    with np.load(tmp_path / "w.npz", allow_pickle=False) as resumed:
        for key, value in straight.network.get_weights().items():
            assert resumed[key].tobytes() == value.tobytes(), key


def test_loaded_state_restores_a_trainer_in_process(tmp_path: Path) -> None:
    trainer = make_trainer(NetworkSpec.from_dict(DESIGN))
    run(trainer, 1)
    project = load_project(save_project(tmp_path / "p.bpproj", Project.capture(
        trainer.network.spec, dataset=CHOICE, trainer=trainer)))
    assert project.history == trainer.history
    fresh = make_trainer(project.spec)
    fresh.network.set_weights(project.weights)
    project.restore_trainer(fresh)
    assert fresh.epoch == trainer.epoch
    assert fresh.step == trainer.step
    assert project.build_network().get_weights().keys() == trainer.network.get_weights().keys()


def test_history_without_trainer_state(tmp_path: Path) -> None:
    spec = NetworkSpec.from_dict(DESIGN)
    project = Project(spec, history={"loss": [1.0, 0.5, float("nan")], "accuracy": [0.5]})
    back = load_project(save_project(tmp_path / "p.bpproj", project))
    assert back.history == {"loss": [1.0, 0.5, None], "accuracy": [0.5]}
    assert back.restore_trainer(object()) is False


# ----- hostile files ------------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path: Path) -> Path:
    trainer = make_trainer(NetworkSpec.from_dict(DESIGN))
    run(trainer, 1)
    return save_project(tmp_path / "p.bpproj", Project.capture(
        trainer.network.spec, dataset=CHOICE, trainer=trainer))


def rewrite(path: Path, name: str, data: bytes | None) -> Path:
    members = members_of(path)
    if data is None:
        members.pop(name)
    else:
        members[name] = data
    path.write_bytes(safe_zip.write_zip(members))
    return path


def edit_json(path: Path, name: str, edit) -> Path:
    document = json.loads(members_of(path)[name])
    edit(document)
    return rewrite(path, name, json.dumps(document).encode())


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.update(format_version=4), "newer version of Backprop Studio \\(format 4\\)"),
    (lambda d: d.update(extra=1), "unknown keys \\['extra'\\]"),
    (lambda d: d["network"]["layers"][0].update(type="os.system"), "unknown layer type"),
    (lambda d: d.update(dataset={"source": "", "options": {}}), "'source'"),
    (lambda d: d.update(dataset={"source": "x", "options": [1]}), "options"),
    (lambda d: d.update(history={"loss": "high"}), "history 'loss'"),
    (lambda d: d.update(history={"loss": [True]}), "must be a number"),
    (lambda d: d.update(settings=[]), "settings must be a JSON object"),
])
def test_invalid_project_json(saved: Path, edit, message: str) -> None:
    edit_json(saved, "project.json", edit)
    with pytest.raises(ModelFileError, match=message):
        load_project(saved)


def test_weights_must_fit_the_design(saved: Path) -> None:
    rewrite(saved, "weights.npz", write_npz({"hidden.W": np.zeros((2, 3))}))
    with pytest.raises(ModelFileError, match="missing 'hidden.b'.*has shape \\[2, 3\\]"):
        load_project(saved)


def test_trainer_state_halves_and_missing_arrays(saved: Path) -> None:
    original = saved.read_bytes()
    rewrite(saved, "trainer.npz", None)
    with pytest.raises(ModelFileError, match="only half of the training state"):
        load_project(saved)
    saved.write_bytes(original)
    rewrite(saved, "trainer.npz", write_npz({}))
    with pytest.raises(ModelFileError, match="missing array"):
        load_project(saved)
    saved.write_bytes(original)
    edit_json(saved, "trainer.json", lambda d: d.update(optimizer={"__array__": [1]}))
    with pytest.raises(ModelFileError):
        load_project(saved)


def test_bad_trainer_state_is_refused_when_resuming(saved: Path) -> None:
    edit_json(saved, "trainer.json", lambda d: d.update(epoch=-3))
    project = load_project(saved)
    trainer = make_trainer(project.spec)
    before = trainer.network.get_weights()
    with pytest.raises(ModelFileError, match="'epoch'"):
        project.restore_trainer(trainer)
    assert trainer.epoch == 0
    assert trainer.network.get_weights().keys() == before.keys()


@pytest.mark.parametrize("data", [b"", b"{}", b"PK\x05\x06" + bytes(18)])
def test_not_a_project(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "x.bpproj").write_bytes(data)
    with pytest.raises(ModelFileError):
        load_project(tmp_path / "x.bpproj")


# ----- what a project may choose about how its data is read --------------------------------
@pytest.mark.parametrize(("options", "message"), [
    ({"max_bytes": 1e15}, "max_bytes is a safety limit and cannot be set by a file"),
    ({"max_bytes": 10}, "safety limit"),
    ({"n": 100, "path": "/etc/passwd"}, "path cannot be stored for the built-in dataset"),
    ({"n": [[[100]]]}, "must be a plain value"),
    ({"n": {"nested": 1}}, "must be a plain value"),
    ({"n": "x" * 5000}, "must be a plain value"),
    ({f"k{i}": 1 for i in range(20)}, "at most 16"),
])
def test_stored_dataset_options_are_held_to_an_allowlist(saved: Path, options: dict,
                                                         message: str) -> None:
    edit_json(saved, "project.json", lambda d: d.update(
        dataset={"source": "blobs", "options": options}))
    with pytest.raises(ModelFileError, match=message):
        load_project(saved)


@pytest.mark.parametrize(("options", "message"), [
    ({"formats": ["PNG"], "loader": "pillow"}, "loader cannot be stored for data files"),
    ({"format": "images", "nan": "drop"}, "nan cannot be stored for images files"),
    ({"format": "pickle"}, "option 'format' must be one of"),
    ({"formats": ["PNG"] * 9}, "at most 8"),
])
def test_stored_file_options_are_held_to_an_allowlist(saved: Path, options: dict,
                                                      message: str) -> None:
    edit_json(saved, "project.json", lambda d: d.update(
        dataset={"source": "/data/images", "options": options}))
    with pytest.raises(ModelFileError, match=message):
        load_project(saved)


def test_deeply_nested_options_are_an_error_not_a_recursion(saved: Path) -> None:
    members = members_of(saved)
    text = members["project.json"].decode()
    deep = '{"source": "blobs", "options": {"n": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    rewrite(saved, "project.json", text.replace('"dataset": {', '"dataset": ' + deep
                                                + ', "unused": {', 1).encode())
    with pytest.raises(ModelFileError, match="nested too deeply"):
        load_project(saved)


def test_the_allowlist_names_only_real_loader_options() -> None:
    from simulator.data import options_of
    from simulator.data.stored_options import FILE_OPTIONS, SAFETY_LIMITS

    for format_name, allowed in FILE_OPTIONS.items():
        assert set(options_of(format_name)) - allowed == set(SAFETY_LIMITS), format_name


def test_a_random_generator_state_that_overflows_is_a_readable_error(saved: Path) -> None:
    def overflow(state: dict) -> None:
        state["rng"]["state"]["state"] = 2**200

    edit_json(saved, "trainer.json", overflow)
    project = load_project(saved)
    with pytest.raises(ModelFileError, match="random generator state is malformed"):
        project.restore_trainer(make_trainer(project.spec))


# ----- points edited by hand -----------------------------------------------------------------
def test_edited_points_round_trip_and_old_files_read_without_them(tmp_path: Path) -> None:
    from simulator.data.edits import PointEdits

    spec = NetworkSpec.from_dict(DESIGN)
    edits = PointEdits().add([0.25, -0.5], 2).remove(4, 120).remove(0, 120)
    choice = DatasetChoice(CHOICE.source, dict(CHOICE.options), edits)
    back = load_project(save_project(tmp_path / "p.bpproj", Project(spec, choice)))
    assert back.dataset == choice
    np.testing.assert_array_equal(back.dataset.load().x, choice.load().x)
    np.testing.assert_array_equal(back.dataset.load().y, choice.load().y)
    assert len(choice.load()) == 119
    plain = json.loads(members_of(save_project(tmp_path / "q.bpproj", Project(spec, CHOICE)))
                       ["project.json"])
    assert "edits" not in plain["dataset"]       # a file without edits reads as before
    assert load_project(tmp_path / "q.bpproj").dataset.edits.empty


@pytest.mark.parametrize(("edits", "message"), [
    ({"removed": [3, 3]}, "'edits': the removed samples' indices must be sorted"),
    ({"added_x": [[1, None]], "added_y": [0]}, "'edits': added point 0 must hold finite"),
    ({"added_y": [1]}, "0 added points but 1 classes"),
    ([1, 2], "'edits' must be an object"),
])
def test_damaged_point_edits_are_a_model_file_error(saved: Path, edits, message: str) -> None:
    edit_json(saved, "project.json", lambda d: d["dataset"].update(edits=edits))
    with pytest.raises(ModelFileError, match=message):
        load_project(saved)
