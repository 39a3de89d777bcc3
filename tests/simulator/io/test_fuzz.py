"""Property tests: garbage and mutated files only ever raise ModelFileError, quickly."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import ModelFileError
from simulator.io import Project, load_model, load_project, safe_zip, save_model, save_project
from simulator.io.safe_npz import read_npz, write_npz
from tests.simulator.io.builders import MLP, build, members_of

FOLDER = Path(tempfile.mkdtemp(prefix="bp-fuzz-"))
atexit.register(shutil.rmtree, FOLDER, ignore_errors=True)
MODEL = save_model(FOLDER / "valid.bpmodel", build(MLP, seed=4), class_names=["a", "b", "c"],
                   created="2024-01-01T00:00:00Z")
MODEL_BYTES = MODEL.read_bytes()
MODEL_MEMBERS = members_of(MODEL)
PROJECT_BYTES = save_project(FOLDER / "valid.bpproj", Project(
    build(MLP).spec, weights=build(MLP).get_weights(), history={"loss": [1.0, 0.5]})
).read_bytes()
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


def outcome(loader, data: bytes, suffix: str) -> str:
    path = FOLDER / f"case{suffix}"
    path.write_bytes(data)
    started = time.perf_counter()
    message = None
    try:
        loader(path)
    except ModelFileError as exc:
        message = str(exc)
    assert time.perf_counter() - started < 5.0
    if message is None:
        return "loaded"
    assert message.strip(), "the message must say something"
    return "refused"


@st.composite
def mutated(draw, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "overwrite"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at:at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            chunk = draw(st.binary(min_size=1, max_size=8))
            data[at:at + len(chunk)] = chunk
    return bytes(data)


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    assert outcome(load_model, data, ".bpmodel") == "refused"
    assert outcome(load_project, data, ".bpproj") == "refused"


@FUZZ
@given(mutated(MODEL_BYTES))
def test_mutated_model_files(data: bytes) -> None:
    outcome(load_model, data, ".bpmodel")


@FUZZ
@given(mutated(PROJECT_BYTES))
def test_mutated_project_files(data: bytes) -> None:
    outcome(load_project, data, ".bpproj")


@FUZZ
@given(st.sampled_from(sorted(MODEL_MEMBERS)), st.data())
def test_mutated_members_inside_a_valid_archive(member: str, data: st.DataObject) -> None:
    """The archive's checksums are right, so the JSON and .npy parsers see the damage."""
    members = dict(MODEL_MEMBERS)
    members[member] = data.draw(mutated(members[member]))
    outcome(load_model, safe_zip.write_zip(members), ".bpmodel")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20,
)


@FUZZ
@given(st.sampled_from(["meta.json", "network.json"]), st.data())
def test_structured_json_members(member: str, data: st.DataObject) -> None:
    """Valid JSON of the wrong shape anywhere in the documents is refused with our error."""
    document = json.loads(MODEL_MEMBERS[member])
    if member == "network.json":
        layer = data.draw(st.integers(0, len(document["layers"]) - 1))
        target = document["layers"][layer]
    else:
        target = document
    key = data.draw(st.sampled_from(sorted(target)) | st.text(max_size=6))
    target[key] = data.draw(JSON_VALUES)
    members = {**MODEL_MEMBERS, member: json.dumps(document).encode()}
    outcome(load_model, safe_zip.write_zip(members), ".bpmodel")


@FUZZ
@given(st.data())
def test_weights_round_trip(data: st.DataObject) -> None:
    arrays = {}
    for i in range(data.draw(st.integers(0, 4))):
        shape = data.draw(st.lists(st.integers(0, 4), max_size=3))
        dtype = data.draw(st.sampled_from([np.float32, np.float64]))
        arrays[data.draw(st.text(min_size=1, max_size=10)) + str(i)] = (
            np.random.default_rng(i).normal(size=shape).astype(dtype))
    back = read_npz(write_npz(arrays), "test")
    assert set(back) == set(arrays)
    for key, value in arrays.items():
        assert back[key].dtype == value.dtype
        assert back[key].shape == value.shape
        assert back[key].tobytes() == value.tobytes()
