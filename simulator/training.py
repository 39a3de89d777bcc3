"""The Trainer: a generator of typed events. It knows nothing of threads or Qt.

    trainer = Trainer(network, config, x_train, y_train, x_val, y_val)
    for event in trainer.run():
        ...                              # BatchEnd, EpochEnd, Snapshot, Finished, Failed

Between batches it honours a :class:`TrainerControl` (stop, live learning-rate change). A
worker thread that wants to pause simply stops pulling events. A non-finite loss or gradient
stops the run with a :class:`Failed` event and the last good weights restored.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.losses import Loss, get_loss
from simulator.metrics import confusion_matrix, n_classes_of, predicted_labels, true_labels
from simulator.network import Network
from simulator.optimizers import Optimizer, get_optimizer
from simulator.regularizers import Regularizer, parse_regularizer
from simulator.schedules import Schedule, get_schedule
from simulator.training_config import TrainingConfig

Array = Any


# ----- events ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Started:
    epochs: int
    steps_per_epoch: int
    n_train: int
    n_val: int
    n_params: int


@dataclass(frozen=True)
class BatchEnd:
    epoch: int          # 1-based
    batch: int          # 1-based within the epoch
    step: int           # global, 1-based
    loss: float
    learning_rate: float


@dataclass(frozen=True)
class EpochEnd:
    epoch: int
    metrics: dict[str, float]
    learning_rate: float
    #: ``confusion[t, p]`` on the validation set (training set without one); classification only.
    confusion: np.ndarray | None = None


@dataclass(frozen=True)
class Snapshot:
    """Whatever the probes measured (NumPy arrays and floats only), sampled every so often."""

    epoch: int
    step: int
    data: dict[str, Any]


@dataclass(frozen=True)
class Finished:
    reason: str         # "completed", "stopped", "early_stopping"
    epochs_completed: int
    history: dict[str, list[float]]


@dataclass(frozen=True)
class Failed:
    reason: str         # "diverged"
    message: str
    epoch: int
    batch: int
    history: dict[str, list[float]] = field(default_factory=dict)


Event = Started | BatchEnd | EpochEnd | Snapshot | Finished | Failed


class TrainerControl:
    """Requests from another thread, read by the trainer between batches."""

    def __init__(self) -> None:
        self.stop_requested = False
        self.new_learning_rate: float | None = None

    def stop(self) -> None:
        self.stop_requested = True

    def set_learning_rate(self, value: float) -> None:
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise ValueError(f"learning rate must be a finite number >= 0, got {value!r}")
        self.new_learning_rate = float(value)


class Callback:
    """Hook called by the trainer; may call ``trainer.request_stop(reason)``."""

    def on_train_begin(self, trainer: Trainer) -> None:
        """Called once before the first batch."""

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        """Called after each epoch's metrics are known."""

    def on_train_end(self, trainer: Trainer) -> None:
        """Called once after the last epoch (also after a stop)."""


Probe = Callable[[Network], dict[str, Any]]


class Trainer:
    def __init__(
        self,
        network: Network,
        config: TrainingConfig,
        x_train: np.ndarray,
        y_train: np.ndarray,
        x_val: np.ndarray | None = None,
        y_val: np.ndarray | None = None,
        *,
        rng: np.random.Generator | None = None,
        control: TrainerControl | None = None,
        callbacks: list[Callback] | None = None,
        probes: dict[str, Probe] | None = None,
        snapshot_interval: float = 0.1,
        optimizer: Optimizer | None = None,
    ) -> None:
        self.network = network
        self.config = config
        backend = network.backend
        self.xp = backend.xp
        self.x_train = backend.asarray(network.check_input(x_train))
        self.y_train = self._targets(y_train)
        has_val = x_val is not None and len(x_val) > 0
        self.x_val = backend.asarray(network.check_input(x_val)) if has_val else None
        self.y_val = self._targets(y_val) if has_val else None
        self.rng = rng if rng is not None else np.random.default_rng(config.seed)
        self.control = control or TrainerControl()
        self.callbacks = list(callbacks or [])
        self.probes = dict(probes or {})
        self.snapshot_interval = snapshot_interval
        self.loss: Loss = get_loss(config.loss)
        self.fused = network.fused_activation(self.loss)
        self.optimizer = optimizer or get_optimizer(config.optimizer)
        if optimizer is None:
            self.optimizer.build(network.param_count, backend)
        self.schedule: Schedule = get_schedule(config.schedule)
        self.base_learning_rate = self.optimizer.learning_rate
        self.penalties = self._penalties(parse_regularizer(config.regularizer))
        self.classification = self.loss.classification
        self.n_classes = n_classes_of(network.infos[-1].output_shape)
        self.history: dict[str, list[float]] = {}
        self.epoch = 0
        self.step = 0
        self._stop_reason: str | None = None
        self._backup = self.xp.empty_like(network.flat_params)

    def _targets(self, y: Any) -> Array:
        y = np.asarray(y)
        if y.dtype.kind in "iub":
            return self.network.backend.xp.asarray(y.astype(np.int64))
        return self.network.backend.asarray(y)

    def _penalties(self, default: Regularizer | None) -> list[tuple[Regularizer, Array, Array]]:
        """(regularizer, weight, gradient) for every weight tensor that is penalised."""
        result = []
        for node in self.network.nodes:
            layer = node.layer
            reg = getattr(layer, "regularizer", None) or default
            if reg is None:
                continue
            for key in getattr(layer, "weight_keys", ()):
                result.append((reg, layer.params[key], layer.grads[key]))
        return result

    # ----- control -----------------------------------------------------------------------
    def request_stop(self, reason: str) -> None:
        self._stop_reason = reason

    @property
    def learning_rate(self) -> float:
        steps = max(1, self.steps_per_epoch)
        return self.base_learning_rate * self.schedule.factor(self.step, self.epoch, steps)

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.x_train.shape[0] / self.config.batch_size)

    # ----- the loop ------------------------------------------------------------------------
    def run(self) -> Iterator[Event]:
        n_train = int(self.x_train.shape[0])
        n_val = 0 if self.x_val is None else int(self.x_val.shape[0])
        yield Started(self.config.epochs, self.steps_per_epoch, n_train, n_val,
                      self.network.param_count)
        for callback in self.callbacks:
            callback.on_train_begin(self)
        last_snapshot = -math.inf
        start_epoch = self.epoch
        for epoch in range(start_epoch + 1, start_epoch + self.config.epochs + 1):
            self.epoch = epoch
            x, y = self._epoch_order()
            total_loss, correct, seen = 0.0, 0, 0
            for batch, start in enumerate(range(0, n_train, self.config.batch_size), start=1):
                if self.control.stop_requested:
                    yield from self._finish("stopped")
                    return
                if self.control.new_learning_rate is not None:
                    self.base_learning_rate = self.control.new_learning_rate
                    self.control.new_learning_rate = None
                xb = x[start:start + self.config.batch_size]
                yb = y[start:start + self.config.batch_size]
                lr = self.learning_rate
                loss, output, problem = self._train_step(xb, yb, lr)
                if problem:
                    self.xp.copyto(self.network.flat_params, self._backup)
                    yield Failed("diverged", f"{problem} at epoch {epoch}, batch {batch}; "
                                 "training stopped and the last good weights were kept. "
                                 "Try a smaller learning rate or gradient clipping.",
                                 epoch, batch, self.history)
                    return
                self.step += 1
                n = int(xb.shape[0])
                total_loss += loss * n
                seen += n
                if self.classification:
                    correct += int((predicted_labels(output, self.xp)
                                    == true_labels(yb, self.xp)).sum())
                yield BatchEnd(epoch, batch, self.step, loss, lr)
                now = time.monotonic()
                if self.probes and now - last_snapshot >= self.snapshot_interval:
                    last_snapshot = now
                    yield self.snapshot()
            logs = {"loss": total_loss / max(seen, 1)}
            if self.classification:
                logs["accuracy"] = correct / max(seen, 1)
            confusion = None
            if self.x_val is not None:
                val_loss, val_acc, confusion = self.evaluate(self.x_val, self.y_val)
                logs["val_loss"] = val_loss
                if val_acc is not None:
                    logs["val_accuracy"] = val_acc
            elif self.classification:
                confusion = self.evaluate(self.x_train, self.y_train)[2]
            logs["learning_rate"] = self.learning_rate
            for key, value in logs.items():
                self.history.setdefault(key, []).append(value)
            for callback in self.callbacks:
                callback.on_epoch_end(self, epoch, logs)
            yield EpochEnd(epoch, dict(logs), logs["learning_rate"], confusion)
            if self.probes:
                last_snapshot = time.monotonic()
                yield self.snapshot()
            if self._stop_reason:
                yield from self._finish(self._stop_reason)
                return
        yield from self._finish("completed")

    def _finish(self, reason: str) -> Iterator[Event]:
        for callback in self.callbacks:
            callback.on_train_end(self)
        yield Finished(reason, self.epoch if reason != "stopped" else self.epoch - 1,
                       {k: list(v) for k, v in self.history.items()})

    def _epoch_order(self) -> tuple[Array, Array]:
        if not self.config.shuffle:
            return self.x_train, self.y_train
        order = self.rng.permutation(self.x_train.shape[0])
        index = self.xp.asarray(order)
        return self.x_train[index], self.y_train[index]

    def _train_step(self, xb: Array, yb: Array, lr: float) -> tuple[float, Array, str | None]:
        """One forward/backward/update. Returns (loss, output, problem or None)."""
        xp, net = self.xp, self.network
        output = net.forward(xb, training=True)
        loss_value, grad = self.loss.value_and_grad(output, yb, xp, self.fused)
        loss = float(loss_value)
        if self.penalties:
            loss += sum(reg.penalty(w, xp) for reg, w, _ in self.penalties)
        if not math.isfinite(loss):
            return loss, output, f"the loss became {loss}"
        net.backward(grad, fused=self.fused is not None)
        for reg, w, g in self.penalties:
            reg.add_gradient(w, g, xp)
        grads = net.flat_grads
        clip = self.config.gradient_clip
        if clip is not None:
            norm = float(xp.sqrt(xp.dot(grads, grads)))
            if not math.isfinite(norm):
                return loss, output, "a gradient became NaN or infinite"
            if norm > clip:
                grads *= clip / norm
        xp.copyto(self._backup, net.flat_params)
        self.optimizer.step(net.flat_params, grads, lr)
        return loss, output, None

    def evaluate(self, x: Array, y: Array, batch_size: int = 1024
                 ) -> tuple[float, float | None, np.ndarray | None]:
        """(mean loss, accuracy or None, confusion matrix or None) in inference mode."""
        xp, net = self.xp, self.network
        total, correct, preds, n = 0.0, 0, [], int(x.shape[0])
        for start in range(0, n, batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            out = net.forward(xb, training=False)
            total += float(self.loss.value_and_grad(out, yb, xp, self.fused)[0]) * xb.shape[0]
            if self.classification:
                pred = predicted_labels(out, xp)
                correct += int((pred == true_labels(yb, xp)).sum())
                preds.append(pred)
        if not self.classification:
            return total / max(n, 1), None, None
        confusion = confusion_matrix(xp.concatenate(preds), true_labels(y, xp), self.n_classes)
        return total / max(n, 1), correct / max(n, 1), confusion

    def snapshot(self) -> Snapshot:
        data = {name: probe(self.network) for name, probe in self.probes.items()}
        return Snapshot(self.epoch, self.step, data)
