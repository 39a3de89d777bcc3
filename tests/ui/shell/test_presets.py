"""Every lesson builds, and learns: each is trained headless through the engine. What each
lesson's description claims is tested in tests/resources/test_lessons.py."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.data import builtin_datasets, load_dataset, prepare
from simulator.network import compile_network
from simulator.training.probes import layer_outputs
from simulator.training.trainer import Failed, Finished, Trainer
from ui.shell.presets import Preset, available_presets, load_preset

PRESETS = {preset.key: preset for preset in available_presets()}
#: Epochs for the quick "the loss falls" check (enough for the slow starters to get going).
QUICK_EPOCHS = {"worked_example": 40, "spiral": 30, "batchnorm": 20, "overfitting": 20}


def train(preset: Preset, epochs: int | None = None) -> Trainer:
    spec = preset.spec()
    if epochs is not None:
        spec.set_training(spec.training.replace(epochs=epochs))
    dataset = load_dataset(preset.dataset_source, **preset.dataset_options)
    data = prepare(dataset, spec.training, spec.input_shape)
    trainer = Trainer(compile_network(spec, "numpy"), spec.training, data.x_train,
                      data.y_train, data.x_val, data.y_val)
    events = list(trainer.run())
    assert isinstance(events[-1], Finished), events[-1]
    assert not any(isinstance(e, Failed) for e in events)
    return trainer


def test_the_lessons_cover_the_course() -> None:
    expected = {"perceptron", "worked_example", "xor", "circles", "spiral", "softmax_blobs",
                "sine_regression", "overfitting", "batchnorm", "digits_mlp", "digits_cnn",
                "shapes_cnn"}
    assert expected <= set(PRESETS)
    orders = [p.order for p in available_presets()]
    assert orders == sorted(orders)


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_a_lesson_builds_on_a_built_in_dataset(key: str) -> None:
    preset = PRESETS[key]
    assert preset.title
    assert len(preset.description) > 40
    assert preset.dataset_source in builtin_datasets()
    spec = preset.spec()
    infos = spec.infer_shapes()
    dataset = load_dataset(preset.dataset_source, **preset.dataset_options)
    prepare(dataset, spec.training, spec.input_shape)   # the data fits the input
    if dataset.task == "classification":
        outputs = infos[-1].output_shape[0]
        assert outputs == dataset.n_classes or (outputs == 1 and dataset.n_classes == 2)


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_a_lesson_learns(key: str) -> None:
    preset = PRESETS[key]
    epochs = min(QUICK_EPOCHS.get(key, 10), preset.spec().training.epochs)
    losses = train(preset, epochs).history["loss"]
    assert np.all(np.isfinite(losses))
    assert losses[-1] < 0.8 * losses[0], losses


def test_the_spiral_reaches_95_percent_training_accuracy_with_its_defaults() -> None:
    trainer = train(load_preset("spiral"))
    _, accuracy, _ = trainer.evaluate(trainer.x_train, trainer.y_train)
    assert accuracy >= 0.95


def test_the_worked_example_computes_the_lecture_numbers() -> None:
    network = compile_network(load_preset("worked_example").spec(), "numpy")
    out = network.predict(np.array([[1.0, -1.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.62, 0.83], [0.51, 0.85]], atol=0.006)
    outputs = {name: np.asarray(value) for name, _, value
               in layer_outputs(network, network.backend.asarray(np.array([[1.0, -1.0]])))}
    np.testing.assert_allclose(outputs["layer_1"], [[0.98, 0.12]], atol=0.005)
    np.testing.assert_allclose(outputs["layer_2"], [[0.86, 0.11]], atol=0.005)
