"""check_fit (in prepare.py): a network whose output or loss cannot learn the data is refused
before training, with a message that says what to change; split_of gives prepare's rows."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.config import TrainingConfig
from simulator.data import Dataset, load_dataset, prepare
from simulator.data.prepare import check_fit, split_of
from simulator.errors import DataError
from simulator.losses import get_loss
from simulator.spec import NetworkSpec


def design(units: int, loss: str, activation: str = "linear", softmax: bool = False
           ) -> NetworkSpec:
    layers = [{"type": "Dense", "name": "hidden", "units": 8, "activation": "relu"},
              {"type": "Dense", "name": "out", "units": units, "activation": activation}]
    if softmax:
        layers.append({"type": "Softmax", "name": "probabilities"})
    return NetworkSpec.from_dict({"input_shape": [2], "layers": layers,
                                  "training": {"loss": loss}})


def integer_targets() -> Dataset:
    """Numbers to fit that happen to be whole (a count), read as classes by default."""
    x = np.random.default_rng(0).uniform(-1, 1, (60, 2))
    return Dataset("counts", x, np.round(3 * x[:, 0] + 3).astype(np.int64))


def test_class_labels_with_a_regression_loss_are_refused() -> None:
    with pytest.raises(DataError, match="the targets are class labels .* but the loss 'mse' "
                                        "fits numbers; use the loss 'cross_entropy'.*"
                                        "task=regression"):
        check_fit(design(1, "mse"), load_dataset("xor"))


def test_integer_regression_targets_say_how_to_read_them_as_numbers() -> None:
    with pytest.raises(DataError, match="--data-option task=regression"):
        check_fit(design(1, "mae"), integer_targets())
    numbers = integer_targets()
    check_fit(design(1, "mae"), Dataset("counts", numbers.x, numbers.y.astype(np.float64),
                                        task="regression"))


@pytest.mark.parametrize(("units", "loss", "activation", "softmax"), [
    (8, "binary_cross_entropy", "linear", False),     # the walkthrough's 8 outputs on moons
    (3, "cross_entropy", "linear", True),
    (5, "binary_cross_entropy", "sigmoid", False),
])
def test_an_output_wider_than_the_classes_is_refused(units, loss, activation, softmax) -> None:
    with pytest.raises(DataError, match=f"the data has 2 classes but the network's output has "
                                        f"{units} units, one per class; set the units of layer "
                                        "'out' to 2"):
        check_fit(design(units, loss, activation, softmax), load_dataset("moons"))


@pytest.mark.parametrize(("units", "loss", "activation", "softmax"), [
    (2, "cross_entropy", "linear", True),
    (1, "binary_cross_entropy", "sigmoid", False),
    (2, "binary_cross_entropy", "sigmoid", False),     # the worked example: one sigmoid a class
])
def test_outputs_that_fit_two_classes_pass(units, loss, activation, softmax) -> None:
    check_fit(design(units, loss, activation, softmax), load_dataset("moons"))


def test_a_narrower_output_names_the_layer_to_resize() -> None:
    with pytest.raises(DataError, match="set the units of layer 'out' to 4"):
        check_fit(design(3, "cross_entropy", softmax=True), load_dataset("blobs", classes=4))


def test_the_class_count_of_the_data_counts_not_only_the_labels_seen() -> None:
    """Class names name 4 classes although only labels 0..2 occur: 3 outputs cannot save."""
    base = load_dataset("blobs", classes=3)
    dataset = Dataset("named", base.x, base.y, class_names=["a", "b", "c", "d"])
    with pytest.raises(DataError, match="the data has 4 classes"):
        check_fit(design(3, "cross_entropy", softmax=True), dataset)


def test_one_class_data_is_refused() -> None:
    x = np.zeros((10, 2))
    with pytest.raises(DataError, match="only one class"):
        check_fit(design(2, "cross_entropy", softmax=True),
                  Dataset("one", x, np.zeros(10, dtype=np.int64)))


def test_a_part_of_the_data_may_lack_classes_when_the_count_is_given() -> None:
    """A validation split or a test file with labels 0..1 only, for a 4-class output."""
    loss = get_loss("cross_entropy")
    labels = np.array([0, 1, 1, 0])
    loss.check_targets(labels, (4,), classes=4)
    with pytest.raises(DataError, match="the data has 2 classes"):
        loss.check_targets(labels, (4,))


def test_split_of_gives_the_rows_prepare_uses() -> None:
    dataset = load_dataset("spiral", n=200)
    config = TrainingConfig(validation_split=0.3, seed=7, preprocessing="none",
                            dtype="float64")
    rows = split_of(dataset, config)
    prepared = prepare(dataset, config, [2])
    np.testing.assert_array_equal(prepared.x_val, dataset.x[rows.val])
    np.testing.assert_array_equal(prepared.y_train, dataset.y[rows.train])
    assert len(rows.val) == 60
