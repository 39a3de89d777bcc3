"""Reading a design: the one reader of design files, for the app and the command line.

A design is what training starts from. Three kinds of file hold one, told apart by their
content (so a renamed file still reads as what it is):

* a **network** file: JSON ``{"input_shape", "layers", "training"}`` (:mod:`simulator.spec`);
* a **lesson**, as shipped in ``resources/presets``: JSON ::

      {"title": "...", "description": "...", "order": 30,
       "dataset": {"source": "xor", "options": {"n": 300}},
       "network": {... a network file ...}}

  (``order`` sorts the lessons in the app's menus); a shipped lesson is also found by its
  name, the file's stem (``xor``);
* a ``.bpproj`` **project** (:mod:`simulator.io.project_file`): a design, its data choice and
  maybe a run to resume.

A ``.bpmodel`` holds a trained model, not a design; :func:`read_design` says so. Layers are
always named by a registered ``type``, never by code (Keras-style ``class_name``/``module``
keys are refused). Every problem is a :class:`ModelFileError` naming the file or lesson, raised
before anything is built.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from resources import resource_path
from simulator.data.edits import PointEdits
from simulator.errors import ModelFileError
from simulator.io.common import open_checked, parse_json, parse_spec, require_dict
from simulator.io.project_file import DatasetChoice, Project, load_project
from simulator.io.safe_zip import read_zip
from simulator.spec import MAX_JSON_BYTES, NetworkSpec

NETWORK_SUFFIX = ".json"
PROJECT_SUFFIX = ".bpproj"
MODEL_SUFFIX = ".bpmodel"
ONNX_SUFFIX = ".onnx"
#: The keys a lesson file may hold.
LESSON_KEYS = ("title", "description", "order", "dataset", "network")
#: Where a lesson without an ``order`` goes in the menus: after the course's lessons.
LAST_ORDER = 1000
_ZIP_MAGIC = b"PK\x03\x04"
_BOM = b"\xef\xbb\xbf"
_LESSON_NAME = re.compile(r"[A-Za-z0-9_-]+")

FileKind = Literal["model", "project", "json"]
DesignKind = Literal["network", "lesson", "project"]


@dataclass(frozen=True)
class Lesson:
    """A lesson: a titled network with the dataset it is taught on."""

    key: str
    title: str
    description: str
    dataset_source: str
    dataset_options: dict[str, Any] = field(default_factory=dict)
    #: The network as its file holds it; :meth:`spec` builds a fresh design from it each time.
    network: dict[str, Any] = field(default_factory=dict)
    order: int = LAST_ORDER
    #: Points added or removed by hand in the lesson's data (none for the shipped lessons).
    dataset_edits: PointEdits = field(default_factory=PointEdits)

    def spec(self) -> NetworkSpec:
        return parse_spec(self.network, f"lesson '{self.key}'")

    @property
    def dataset(self) -> DatasetChoice:
        return DatasetChoice(self.dataset_source, dict(self.dataset_options), self.dataset_edits)


@dataclass
class Design:
    """A design read from a file or found by lesson name, with what came with it."""

    spec: NetworkSpec
    kind: DesignKind
    title: str
    description: str = ""
    #: The data it is trained on, when the file names it (a lesson, a project).
    dataset: DatasetChoice | None = None
    project: Project | None = None
    lesson: Lesson | None = None
    #: The file it came from (None for a lesson found by name).
    path: Path | None = None


def lesson_names() -> list[str]:
    """The names of the shipped lessons, in the course's order."""
    return [lesson.key for lesson in available_lessons()]


def available_lessons() -> list[Lesson]:
    """Every shipped lesson, in the course's order (``order``, then name)."""
    lessons = [_read_lesson(path) for path in Path(resource_path("presets")).glob("*.json")]
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.key))


def load_lesson(name: str) -> Lesson:
    """The shipped lesson called ``name`` (``"xor"``), or a ModelFileError listing them."""
    path = Path(resource_path("presets", f"{name}.json"))
    if not _LESSON_NAME.fullmatch(name) or not path.is_file():
        raise ModelFileError(f"no lesson named '{name}'; lessons are: "
                             f"{', '.join(lesson_names())}")
    return _read_lesson(path)


def lesson_from_dict(key: str, data: Any) -> Lesson:
    """A lesson from parsed JSON, every member checked (the network is parsed on ``spec()``)."""
    what = f"lesson '{key}'"
    data = require_dict(data, what)
    unknown = sorted(set(data) - set(LESSON_KEYS))
    if unknown:
        raise ModelFileError(f"{what}: unknown keys {unknown}; a lesson holds "
                             f"{', '.join(LESSON_KEYS)}")
    if not isinstance(data.get("network"), dict):
        raise ModelFileError(f"{what} must have a 'network' object (a network file's content)")
    if "dataset" not in data:
        raise ModelFileError(f"{what} has no 'dataset'; give one such as "
                             '{"source": "xor", "options": {"n": 300}}')
    dataset = DatasetChoice.from_dict(data["dataset"], f"{what}: dataset")
    texts = {}
    for name in ("title", "description"):
        value = data.get(name, key if name == "title" else "")
        if not isinstance(value, str):
            raise ModelFileError(f"{what}: '{name}' must be text, got {type(value).__name__}")
        texts[name] = value
    order = data.get("order", LAST_ORDER)
    if isinstance(order, bool) or not isinstance(order, int):
        raise ModelFileError(f"{what}: 'order' must be a whole number, got {order!r}")
    return Lesson(key, texts["title"], texts["description"], dataset.source, dataset.options,
                  data["network"], order, dataset.edits)


def file_kind(path: str | os.PathLike[str]) -> FileKind:
    """"model", "project" or "json" (a network or a lesson), from the content."""
    name = Path(path).name
    with _open_regular(path, f"'{name}'") as handle:
        if handle.read(4) != _ZIP_MAGIC:
            return "json"
        handle.seek(0)
        members = read_zip(handle, f"'{name}'")
    return "project" if "project.json" in members else "model"


def read_design(source: str | os.PathLike[str]) -> Design:
    """The design in the file at ``source``, or the shipped lesson of that name.

    A ``.bpmodel`` is refused with a hint (it is trained, not a design); a missing file is
    "cannot open" when ``source`` looks like a path, else "no file and no lesson named".
    """
    text = os.fspath(source)
    path = Path(text).expanduser()
    if not os.path.lexists(path):
        if _LESSON_NAME.fullmatch(text) and text in lesson_names():
            return design_of_lesson(load_lesson(text))
        if _looks_like_path(text):
            raise ModelFileError(f"cannot open '{text}': no such file")
        raise ModelFileError(f"no file and no lesson named '{text}'; lessons are: "
                             f"{', '.join(lesson_names())}")
    kind = file_kind(path)
    if kind == "model":
        raise ModelFileError(f"'{path.name}' is a trained model, not a design; open a network "
                             f"or lesson JSON file or a {PROJECT_SUFFIX} project")
    if kind == "project":
        project = load_project(path)
        return Design(project.spec, "project", path.stem, dataset=project.dataset,
                      project=project, path=path)
    what = f"'{path.name}'"
    design = design_from_json(_read_json(path, what), path.stem, what)
    design.path = path
    return design


def design_from_json(data: Any, key: str, what: str) -> Design:
    """A network or a lesson from parsed JSON (a lesson holds a ``network`` object)."""
    if isinstance(data, dict) and "network" in data:
        return design_of_lesson(lesson_from_dict(key, data))
    spec = parse_spec(data, f"network file {what}")
    description = data.get("description") if isinstance(data, dict) else None
    return Design(spec, "network", key, description if isinstance(description, str) else "")


def design_of_lesson(lesson: Lesson) -> Design:
    return Design(lesson.spec(), "lesson", lesson.title, lesson.description, lesson.dataset,
                  lesson=lesson)


def read_network(path: str | os.PathLike[str]) -> NetworkSpec:
    """The network of a network or lesson JSON file."""
    what = f"'{Path(path).name}'"
    return design_from_json(_read_json(path, what), Path(path).stem, what).spec


def _read_lesson(path: Path) -> Lesson:
    return lesson_from_dict(path.stem, _read_json(path, f"lesson file '{path.name}'"))


def _read_json(path: str | os.PathLike[str], what: str) -> Any:
    with _open_regular(path, what) as handle:
        blob = handle.read(MAX_JSON_BYTES + 1)
    if len(blob) > MAX_JSON_BYTES:
        raise ModelFileError(f"{what} is larger than {MAX_JSON_BYTES // 2**20} MiB")
    return parse_json(blob.removeprefix(_BOM), what)


def _open_regular(path: str | os.PathLike[str], what: str) -> Any:
    """Open a regular file for reading (size-checked); a folder, FIFO or device is refused
    before it is opened, so nothing waits on a pipe."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ModelFileError(f"cannot open {what}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ModelFileError(f"cannot open {what}: it is {kind}")
    return open_checked(path, what)


def _looks_like_path(text: str) -> bool:
    return os.sep in text or "/" in text or bool(Path(text).suffix)
