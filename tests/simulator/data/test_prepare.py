"""prepare(): reshaping rules, split sizes, train-only statistics, dtypes and test splits;
fit_problem(): why a design's output cannot learn a dataset's targets."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.config import TrainingConfig
from simulator.data import Dataset, fit_problem, load_dataset, prepare, train_val_test_split
from simulator.errors import DataError
from simulator.spec import NetworkSpec


def test_digits_feed_flat_or_image_inputs() -> None:
    digits = load_dataset("digits")
    config = TrainingConfig(validation_split=0.25, preprocessing="minmax")
    flat = prepare(digits, config, [64])
    image = prepare(digits, config, (1, 8, 8))
    assert flat.x_train.shape == (1348, 64)
    assert flat.x_val.shape == (449, 64)
    assert image.x_train.shape == (1348, 1, 8, 8)
    np.testing.assert_array_equal(flat.x_train, image.x_train.reshape(1348, 64))
    assert flat.x_train.dtype == np.float32
    assert flat.y_train.dtype == np.int64
    assert flat.x_train.min() == 0
    assert flat.x_train.max() == 1


def test_mismatched_shape_names_both() -> None:
    with pytest.raises(DataError, match=r"dataset 'digits' has samples of shape \[1, 8, 8\] "
                                        r"\(64 values\) but the network's input_shape is \[2\] "
                                        r"\(2 values\)"):
        prepare(load_dataset("digits"), TrainingConfig(), [2])


def test_statistics_come_from_the_training_split_only() -> None:
    """Validation samples are far away; if they leaked into the mean it would move."""
    labels = np.array([0, 1] * 50)
    x = np.zeros((100, 2))
    dataset = Dataset("leak", x, labels)
    config = TrainingConfig(validation_split=0.2, preprocessing="center", seed=3)
    first = prepare(dataset, config, [2])
    split = train_val_test_split(100, val=0.2, seed=3, stratify=labels)
    x = x.copy()
    x[split.val] = 1000.0
    x[split.train] = np.arange(160, dtype=np.float64).reshape(80, 2)
    prepared = prepare(Dataset("leak", x, labels), config, [2])
    np.testing.assert_allclose(prepared.preprocessor.shift, x[split.train].mean(axis=0))
    np.testing.assert_allclose(prepared.x_train.mean(axis=0), 0, atol=1e-9)
    expected = np.broadcast_to(1000.0 - x[split.train].mean(axis=0), (20, 2))
    np.testing.assert_allclose(prepared.x_val, expected)
    assert len(first.x_val) == 20


def test_split_is_stratified_and_seeded() -> None:
    data = load_dataset("blobs", n=300, classes=3)
    config = TrainingConfig(validation_split=0.2, seed=9)
    a, b = prepare(data, config, [2]), prepare(data, config, [2])
    np.testing.assert_array_equal(a.x_val, b.x_val)
    assert np.bincount(a.y_val).tolist() == [20, 20, 20]
    c = prepare(data, config.replace(seed=10), [2])
    assert not np.array_equal(a.x_val, c.x_val)


def test_regression_targets_and_float64() -> None:
    data = load_dataset("sine", n=50)
    prepared = prepare(data, TrainingConfig(loss="mse", dtype="float64"), [1])
    assert prepared.y_train.shape == (40, 1)
    assert prepared.y_train.dtype == np.float64
    assert prepared.x_train.dtype == np.float64


def test_no_validation_split_gives_empty_arrays() -> None:
    prepared = prepare(load_dataset("xor", n=20), TrainingConfig(validation_split=0.0), [2])
    assert prepared.x_val.shape == (0, 2)
    assert prepared.y_val.shape == (0,)
    assert len(prepared.x_train) == 20


def test_course_table_keeps_both_classes_in_training() -> None:
    prepared = prepare(load_dataset("course_table"), TrainingConfig(), [3])
    assert sorted(set(prepared.y_train.tolist())) == [0, 1]
    assert len(prepared.x_val) == 1


def test_dataset_test_split_is_preprocessed_with_training_statistics() -> None:
    x = np.arange(20, dtype=np.float64).reshape(10, 2)
    data = Dataset("t", x, np.array([0, 1] * 5), x_test=np.full((2, 2), 100.0),
                   y_test=np.array([1, 0]))
    prepared = prepare(data, TrainingConfig(preprocessing="center", validation_split=0.0), [2])
    np.testing.assert_allclose(prepared.x_test, np.broadcast_to(100.0 - x.mean(axis=0), (2, 2)))
    assert prepared.y_test.tolist() == [1, 0]
    assert prepared.dataset is data


def _classifier(units: int, inputs: int = 2) -> NetworkSpec:
    return NetworkSpec.from_dict({
        "input_shape": [inputs],
        "layers": [{"type": "Dense", "name": "hidden", "units": 4, "activation": "relu"},
                   {"type": "Dense", "name": "output", "units": units},
                   {"type": "Softmax", "name": "softmax"}]})


def test_a_design_that_fits_its_data_has_no_problem() -> None:
    assert fit_problem(_classifier(2), load_dataset("xor", n=20)) is None
    assert fit_problem(_classifier(10, inputs=64), load_dataset("digits")) is None


def test_too_few_outputs_name_the_layer_to_resize() -> None:
    problem = fit_problem(_classifier(2, inputs=64), load_dataset("digits"))
    assert problem is not None
    assert "the labels run from 0 to 9 (10 classes)" in problem
    assert problem.endswith("set the units of layer 'output' to 10")


def test_regression_targets_need_as_many_outputs() -> None:
    data = Dataset("pairs", np.zeros((6, 2)), np.zeros((6, 3)), task="regression")
    spec = NetworkSpec.from_dict({
        "input_shape": [2], "training": {"loss": "mse"},
        "layers": [{"type": "Dense", "name": "fit", "units": 2}]})
    problem = fit_problem(spec, data)
    assert problem == ("each target has 3 values but the network's output has 2; "
                       "set the units of layer 'fit' to 3")


def _numbered(n: int) -> Dataset:
    """Sample i has features (i, -i), so the order of the rows shows in x_train."""
    x = np.stack([np.arange(n), -np.arange(n)], axis=1).astype(np.float64)
    return Dataset("numbered", x, np.arange(n) % 2)


def test_shuffle_false_keeps_the_training_rows_in_file_order() -> None:
    config = TrainingConfig(shuffle=False, validation_split=0.25, seed=4, preprocessing="none")
    prepared = prepare(_numbered(40), config, [2])
    rows = prepared.x_train[:, 0]
    assert len(rows) == 30
    assert rows.tolist() == sorted(rows.tolist())
    assert np.bincount(prepared.y_val).tolist() == [5, 5]     # still a stratified draw
    shuffled = prepare(_numbered(40), config.replace(shuffle=True), [2])
    assert sorted(shuffled.x_val[:, 0].tolist()) == sorted(prepared.x_val[:, 0].tolist())


@pytest.mark.parametrize("shuffle", [False, True])
def test_no_validation_split_permutes_nothing(shuffle: bool) -> None:
    config = TrainingConfig(shuffle=shuffle, validation_split=0.0, seed=4,
                            preprocessing="none")
    prepared = prepare(_numbered(12), config, [2])
    assert prepared.x_train[:, 0].tolist() == list(range(12))
    assert prepared.y_train.tolist() == (np.arange(12) % 2).tolist()


def test_without_a_preprocessing_key_the_default_is_auto() -> None:
    """Tabular features are standardized and image pixels scaled to [0, 1]; a file that states
    a preprocessing keeps it, and so does the design when it is saved again."""
    from simulator.spec import NetworkSpec

    design = {"input_shape": [2], "layers": [{"type": "Dense", "units": 2}]}
    spec = NetworkSpec.from_dict(design)
    assert spec.training.preprocessing == "auto"
    assert spec.to_dict()["training"]["preprocessing"] == "auto"
    stated = NetworkSpec.from_dict({**design, "training": {"preprocessing": "none"}})
    assert stated.training.preprocessing == "none"
    assert NetworkSpec.from_dict(stated.to_dict()).training.preprocessing == "none"

    rng = np.random.default_rng(0)
    table = Dataset("wide", rng.normal(0, 1, (60, 2)) * [1.0, 1000.0] + [5.0, -300.0],
                    np.arange(60) % 2)
    prepared = prepare(table, TrainingConfig(validation_split=0.0), [2])
    assert prepared.preprocessor.describe().startswith("auto: standardize")
    np.testing.assert_allclose(prepared.x_train.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(prepared.x_train.std(axis=0), 1, rtol=1e-5)

    digits = load_dataset("digits")                          # grey levels 0..16
    for input_shape in ([64], [1, 8, 8]):                    # an MLP or a CNN
        pixels = prepare(digits, TrainingConfig(), input_shape)
        assert pixels.x_train.min() == 0
        assert pixels.x_train.max() == 1
        np.testing.assert_allclose(pixels.x_val.reshape(len(pixels.x_val), -1) * 16,
                                   np.round(pixels.x_val.reshape(len(pixels.x_val), -1) * 16),
                                   atol=1e-5)             # one scale for all pixels: ÷ 16
        assert pixels.preprocessor.describe() == "auto: pixel values scaled to [0, 1] (from 0..16)"
