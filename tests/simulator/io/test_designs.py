"""The one design reader: network files, lesson files and names, projects; what it refuses."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from resources import resource_path
from simulator.errors import ModelFileError
from simulator.io import DatasetChoice, Project, save_model, save_project
from simulator.io.designs import available_lessons, lesson_names, load_lesson, read_design
from simulator.spec import NetworkSpec
from tests.simulator.io.builders import COURSE, build

LESSONS = sorted(Path(resource_path("presets")).glob("*.json"))


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def lesson(network: object = COURSE, **extra: object) -> dict[str, object]:
    return {"title": "A lesson", "description": "what it shows", "order": 5,
            "dataset": {"source": "blobs", "options": {"n": 90, "classes": 3}},
            "network": network, **extra}


def test_a_network_file(tmp_path: Path) -> None:
    design = read_design(write(tmp_path / "course.json", COURSE))
    assert design.kind == "network"
    assert design.title == "course"
    assert design.dataset is None
    assert design.project is None
    assert design.spec.to_dict() == NetworkSpec.from_dict(COURSE).to_dict()


def test_a_lesson_file_brings_its_title_description_and_dataset(tmp_path: Path) -> None:
    design = read_design(write(tmp_path / "mine.json", lesson()))
    assert design.kind == "lesson"
    assert (design.title, design.description) == ("A lesson", "what it shows")
    assert design.dataset == DatasetChoice("blobs", {"n": 90, "classes": 3})
    assert design.lesson is not None
    assert design.lesson.key == "mine"
    assert tuple(design.spec.input_shape) == (2,)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_shipped_lesson_reads_by_file_and_by_name(path: Path) -> None:
    by_file, by_name = read_design(path), read_design(path.stem)
    assert by_file.kind == by_name.kind == "lesson"
    assert by_file.spec.to_dict() == by_name.spec.to_dict()
    assert by_file.dataset == by_name.dataset is not None
    assert by_name.title == json.loads(path.read_text())["title"]


def test_lessons_are_listed_in_the_course_order() -> None:
    orders = [lesson.order for lesson in available_lessons()]
    assert orders == sorted(orders)
    assert set(lesson_names()) == {path.stem for path in LESSONS}


def test_a_project_brings_its_dataset_choice(tmp_path: Path) -> None:
    spec = build(COURSE).spec
    path = save_project(tmp_path / "p.bpproj", Project(spec, DatasetChoice("xor", {"n": 40})))
    design = read_design(path)
    assert (design.kind, design.title, design.path) == ("project", "p", path)
    assert design.dataset == DatasetChoice("xor", {"n": 40})
    assert design.project is not None


def test_a_model_is_not_a_design(tmp_path: Path) -> None:
    model = save_model(tmp_path / "m.bpmodel", build(COURSE))
    renamed = tmp_path / "looks_like.json"
    renamed.write_bytes(model.read_bytes())
    for path in (model, renamed):
        with pytest.raises(ModelFileError, match="is a trained model, not a design"):
            read_design(path)


@pytest.mark.parametrize(("data", "message"), [
    (lesson(extra_key=1), r"unknown keys \['extra_key'\]"),
    (lesson(network=[1]), "must have a 'network' object"),
    ({k: v for k, v in lesson().items() if k != "dataset"}, "has no 'dataset'"),
    (lesson(dataset={"source": 3}), "'source' must be a dataset name or path"),
    (lesson(order="first"), "'order' must be a whole number"),
    (lesson(title=["x"]), "'title' must be text"),
    (lesson(network={**COURSE, "layers": [{"class_name": "Dense", "module": "keras.layers"}]}),
     "never by a Python module, class or code"),
    (lesson(network={**COURSE, "input_shape": [0]}), "input_shape"),
])
def test_bad_lessons_are_refused_with_the_reason(tmp_path: Path, data, message) -> None:
    with pytest.raises(ModelFileError, match=message):
        read_design(write(tmp_path / "bad.json", data))


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(COURSE).encode())
    assert read_design(path).kind == "network"


def test_missing_files_and_unknown_names(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="cannot open '.*nothing.json': no such file"):
        read_design(tmp_path / "nothing.json")
    with pytest.raises(ModelFileError, match="no file and no lesson named 'xorr'; lessons are: "
                                             ".*xor"):
        read_design("xorr")
    with pytest.raises(ModelFileError, match="no lesson named '../xor'"):
        load_lesson("../xor")


def test_folders_and_fifos_are_refused_before_they_are_opened(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="it is a folder"):
        read_design(tmp_path)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)          # opening it for reading would wait for a writer forever
    with pytest.raises(ModelFileError, match="not a regular file"):
        read_design(fifo)


def test_the_app_reads_designs_with_the_same_reader(tmp_path: Path) -> None:
    from ui.shell.files import read_design as app_read

    path = write(tmp_path / "mine.json", lesson())
    opened, design = app_read(str(path)), read_design(path)
    assert opened.spec.to_dict() == design.spec.to_dict()
    assert (opened.title, opened.description) == (design.title, design.description)
    assert opened.choice == design.dataset
    assert opened.dataset is not None
    assert len(opened.dataset) == 90
    with pytest.raises(ModelFileError, match="unknown keys"):
        app_read(str(write(tmp_path / "bad.json", lesson(colour="red"))))
