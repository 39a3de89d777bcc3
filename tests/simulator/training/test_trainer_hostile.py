"""Training that would end with unusable weights, or ask for more memory than there is."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import memory
from simulator.errors import SpecError
from simulator.network import compile_network
from simulator.spec import NetworkSpec
from simulator.training.metrics import MAX_CONFUSION_CLASSES
from simulator.training.trainer import EpochEnd, Failed, Finished, Trainer
from tests.simulator.training.test_trainer import blobs, make_trainer


def test_a_final_update_that_overflows_keeps_the_last_good_weights() -> None:
    # One batch per epoch: no later forward pass would notice the infinite weights.
    trainer = make_trainer({"optimizer": {"type": "sgd", "learning_rate": 1e300},
                            "batch_size": 64, "epochs": 1}, val=False)
    before = trainer.network.get_weights()
    events = list(trainer.run())
    assert isinstance(events[-1], Failed)
    assert "a weight became NaN or infinite at epoch 1" in events[-1].message
    after = trainer.network.get_weights()
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_a_validation_loss_that_is_not_finite_fails_the_run() -> None:
    trainer = make_trainer({"epochs": 2})
    trainer.x_val[3, 0] = np.nan      # a value the loaders refuse, but a caller may pass
    events = list(trainer.run())
    assert isinstance(events[-1], Failed)
    assert "the validation loss became" in events[-1].message
    assert all(np.all(np.isfinite(v)) for v in trainer.network.get_weights().values())
    assert not any(isinstance(e, EpochEnd) for e in events)


def test_running_out_of_memory_is_a_failed_event(monkeypatch: pytest.MonkeyPatch) -> None:
    trainer = make_trainer()
    before = trainer.network.get_weights()
    calls = {"n": 0}
    real_forward = trainer.network.forward

    def forward(x, training=False):
        calls["n"] += 1
        if calls["n"] == 2:
            raise MemoryError
        return real_forward(x, training)

    monkeypatch.setattr(trainer.network, "forward", forward)
    events = list(trainer.run())
    assert isinstance(events[-1], Failed)
    assert "ran out of memory at epoch 1, batch 2" in events[-1].message
    assert "smaller batch size" in events[-1].message
    changed = trainer.network.get_weights()
    assert not all(np.array_equal(before[k], changed[k]) for k in before)   # batch 1 trained


@pytest.mark.parametrize("classes", [30, MAX_CONFUSION_CLASSES + 1, 30_000])
def test_many_classes_keep_memory_bounded(classes: int) -> None:
    spec = NetworkSpec.from_dict({"input_shape": [2], "layers": [
        {"type": "Dense", "units": classes}, {"type": "Softmax"}],
        "training": {"epochs": 1, "batch_size": 50, "validation_split": 0}})
    x = np.random.default_rng(0).normal(size=(100, 2))
    y = np.arange(100) % classes
    trainer = Trainer(compile_network(spec, seed=0), spec.training, x, y)
    end = next(e for e in trainer.run() if isinstance(e, EpochEnd))
    if classes <= MAX_CONFUSION_CLASSES:
        assert end.confusion.shape == (classes, classes)
        assert end.confusion.sum() == 100
        assert np.trace(end.confusion) / 100 == pytest.approx(end.metrics["accuracy"])
        _, _, confusion = trainer.evaluate(x, y)
        assert confusion.shape == (classes, classes)
    else:   # 30,000 classes: K² counts would be 6.7 GiB
        assert end.confusion is None
        assert 0.0 <= end.metrics["accuracy"] <= 1.0
        assert trainer.evaluate(x, y)[2] is None


# ----- activation memory, estimated before anything is allocated ---------------------------
def conv(padding: object, filters: int = 8, side: int = 8) -> NetworkSpec:
    return NetworkSpec.from_dict({"input_shape": [1, side, side], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": filters, "kernel_size": 3,
         "padding": padding},
        {"type": "GlobalAvgPool"}, {"type": "Dense", "units": 2}, {"type": "Softmax"}],
        "training": {"batch_size": 32}})


def test_padding_100000_is_refused_before_training() -> None:
    spec = conv(100_000)      # 8 × 200,006 × 200,006 values per sample: 4.66 TiB a batch
    x, y = np.zeros((40, 1, 8, 8)), np.arange(40) % 2
    with pytest.raises(SpecError, match=r"layer 'conv': training on a batch of 32 samples "
                                        r"would need about .* TiB .*less padding") as caught:
        Trainer(compile_network(spec, seed=0), spec.training, x, y)
    assert caught.value.layer == "conv"


def test_one_sample_through_1000_filters_on_1000x1000_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "budget", lambda: 2 * 2**30)
    network = compile_network(conv("same", filters=1000, side=1000), seed=0)
    with pytest.raises(SpecError, match=r"layer 'conv': running one sample would need "
                                        r"about 3\.[0-9] GiB .*fewer filters"):
        network.predict(np.zeros((1, 1, 1000, 1000)))


def test_a_batch_too_big_for_this_machine_names_the_batch_size_that_fits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    spec = conv("same", filters=16, side=64)
    network = compile_network(spec, seed=0)
    x, y = np.zeros((64, 1, 64, 64)), np.arange(64) % 2
    monkeypatch.setattr(memory, "budget", lambda: 24 * 2**20)
    with pytest.raises(SpecError, match=r"use a batch size of at most (\d+)") as caught:
        Trainer(network, spec.training, x, y)
    fits = int(caught.value.args[0].split("at most ")[1].split(",")[0].split(" ")[0])
    assert 1 <= fits < 32
    small = spec.training.replace(batch_size=fits)
    assert isinstance(list(Trainer(network, small, x, y).run(1))[-1], Finished)


def test_predict_and_evaluate_split_their_batches_to_fit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    x, y = blobs(200)
    trainer = make_trainer(val=False)
    full = trainer.network.predict(x)
    loss = trainer.evaluate(x, y)[0]
    monkeypatch.setattr(memory, "budget", lambda: 2_000)
    assert trainer.network.fitting_batch(1024, training=False) < 100
    np.testing.assert_array_equal(trainer.network.predict(x), full)
    assert trainer.evaluate(x, y)[0] == pytest.approx(loss, rel=1e-6)
