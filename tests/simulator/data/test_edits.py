"""Points edited by hand: adding and removing them, the edited arrays, and their checks."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.data import load_dataset
from simulator.data.edits import PointEdits
from simulator.errors import DataError, ModelFileError


def test_added_points_follow_the_kept_ones_in_order() -> None:
    data = load_dataset("xor", n=20)
    edits = PointEdits().add([0.5, -0.25], 1).remove(3, len(data)).add([0.0, 0.0], 0)
    edited = edits.apply(data)
    kept = np.delete(np.arange(20), 3)
    np.testing.assert_array_equal(edited.x, np.vstack([data.x[kept], [[0.5, -0.25], [0, 0]]]))
    np.testing.assert_array_equal(edited.y, np.concatenate([data.y[kept], [1, 0]]))
    assert edited.x.dtype == data.x.dtype
    assert edited.y.dtype == data.y.dtype
    assert edited.class_names == data.class_names
    assert "2 points added and 1 removed by hand" in edited.description
    assert len(data) == 20    # the loaded data is left as it was


def test_removing_an_edited_index_names_the_right_sample() -> None:
    data = load_dataset("circles", n=10)
    edits = PointEdits().remove(0, 10).remove(0, 10)      # the first, then the (old) second
    assert edits.removed == (0, 1)
    np.testing.assert_array_equal(edits.apply(data).x, data.x[2:])
    edits = edits.add([9.0, 9.0], 1)
    assert len(edits.apply(data)) == 9
    back = edits.remove(8, 10)                            # the added point itself
    assert back.added_x == ()
    assert back.removed == (0, 1)
    with pytest.raises(DataError, match="no point 8 to remove: the edited data has 8"):
        back.remove(8, 10)


def test_the_same_edits_give_the_same_arrays_and_survive_json() -> None:
    data = load_dataset("spiral", n=30, classes=3)
    edits = PointEdits().add([0.1, 0.2], 2).remove(7, 30).remove(0, 30)
    again = PointEdits.from_dict(edits.to_dict())
    assert again == edits
    np.testing.assert_array_equal(again.apply(data).x, edits.apply(data).x)
    assert edits.added_only() == PointEdits(((0.1, 0.2),), (2,))


@pytest.mark.parametrize(("edits", "message"), [
    (PointEdits(removed=(25,)), "removed sample 25 but the data has only 20"),
    (PointEdits(((1.0, 2.0, 3.0),), (0,)), "has 3 features but the data's samples have 2"),
    (PointEdits(((1.0, 2.0),), (2,)), "class 2 but the data has 2 classes"),
])
def test_edits_that_do_not_fit_the_data_are_refused(edits: PointEdits, message: str) -> None:
    with pytest.raises(DataError, match=message):
        edits.apply(load_dataset("xor", n=20))


def test_only_classification_vectors_can_be_edited() -> None:
    with pytest.raises(DataError, match="only in classification data"):
        PointEdits(removed=(0,)).apply(load_dataset("surface", n=20))


@pytest.mark.parametrize(("data", "message"), [
    ([], "must be an object"),
    ({"added": []}, "unknown keys \\['added'\\]"),
    ({"removed": 3}, "'removed' must be a list"),
    ({"removed": [2, 1]}, "sorted, each given once"),
    ({"removed": [1, 1]}, "sorted, each given once"),
    ({"removed": [-1]}, "an integer >= 0"),
    ({"removed": [True]}, "an integer >= 0"),
    ({"added_x": [[1.0, 2.0]], "added_y": []}, "1 added points but 0 classes"),
    ({"added_x": [[1.0, "a"]], "added_y": [0]}, "finite numbers"),
    ({"added_x": [[1.0, 1e400]], "added_y": [0]}, "finite numbers"),
    ({"added_x": [[1.0], [1.0, 2.0]], "added_y": [0, 0]}, "same number of features"),
    ({"added_x": [[]], "added_y": [0]}, "a list of 1 to 64 numbers"),
    ({"added_x": [[1.0, 2.0]], "added_y": [0.5]}, "must be an integer >= 0"),
    ({"removed": list(range(100_001))}, "at most 100000"),
])
def test_damaged_edits_raise_the_callers_error(data: object, message: str) -> None:
    with pytest.raises(ModelFileError, match=message):
        PointEdits.from_dict(data, error=ModelFileError)


def test_points_added_by_hand_are_always_training_rows() -> None:
    from simulator.config import TrainingConfig
    from simulator.data.prepare import split_of

    data = load_dataset("xor", n=40)
    config = TrainingConfig(validation_split=0.5, seed=3)
    before = split_of(data, config)
    edited = PointEdits().add([0.9, 0.9], 0).add([-0.9, 0.9], 1).apply(data)
    assert edited.added_by_hand == 2
    after = split_of(edited, config)
    assert set(after.train) == {*before.train, 40, 41}
    np.testing.assert_array_equal(after.val, before.val)    # the others are drawn as before
    only = PointEdits(((0.0, 0.0),), (1,), tuple(range(40))).apply(data)
    np.testing.assert_array_equal(split_of(only, config).train, [0])


@pytest.mark.parametrize("method", ["standardize", "minmax", "minmax_symmetric", "none"])
def test_inverse_preprocessing_gives_back_the_data(method: str) -> None:
    from simulator.data.preprocessing import Preprocessor

    x = load_dataset("moons", n=50).x * 3 + 1
    prep = Preprocessor(method).fit(x)
    np.testing.assert_allclose(prep.inverse_transform(prep.transform(x)), x, rtol=1e-12)
