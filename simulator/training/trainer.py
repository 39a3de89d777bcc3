"""The Trainer: a generator of typed events. It knows nothing of threads or Qt.

    trainer = Trainer(network, config, x_train, y_train, x_val, y_val)
    for event in trainer.run():
        ...                  # Started, BatchEnd, EpochEnd, Snapshot, Kept, Finished or Failed

``loss`` is the data loss alone, on the training and the validation side alike; a weight
penalty (L1/L2) is reported beside it as ``penalty`` (its mean over the epoch's batches), while
the gradient descends on their sum.

Between batches it honours a :class:`TrainerControl` (stop, live learning-rate change, a
snapshot taken now). A worker thread that wants to pause simply stops pulling events. A
non-finite loss or gradient stops the run with a :class:`Failed` event naming the epoch and
batch, with the last good weights kept. Early stopping and reduce-on-plateau come from the config
(:mod:`simulator.callbacks`); ``state_dict()`` / ``load_state_dict()`` resume a run exactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Iterator
from typing import Any

import numpy as np

from simulator import batch_memory
from simulator.backend import Array, to_numpy
from simulator.callbacks import Callback, callbacks_from_config
from simulator.checks import integer, number
from simulator.config import TrainingConfig
from simulator.errors import ModelFileError
from simulator.losses import Loss, get_loss
from simulator.network import Network
from simulator.optim import Optimizer, get_optimizer
from simulator.optim.schedules import Schedule, get_schedule
from simulator.regularizers import Regularizer, get_regularizer
from simulator.training.events import (
    BatchEnd,
    EpochEnd,
    Event,
    Failed,
    Finished,
    Kept,
    Snapshot,
    Started,
    TrainerControl,
)
from simulator.training.metrics import (
    MAX_CONFUSION_CLASSES,
    confusion_matrix,
    n_classes_of,
    predicted_labels,
    true_labels,
)
from simulator.training.probes import Probe

__all__ = ["BatchEnd", "Callback", "EpochEnd", "Event", "Failed", "Finished", "Kept", "Probe",
           "Snapshot", "Started", "Trainer", "TrainerControl"]

#: Version of the :meth:`Trainer.state_dict` layout.
STATE_FORMAT = 1


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
        epoch_probes: dict[str, Probe] | None = None,
        snapshot_interval: float = 0.1,
        optimizer: Optimizer | None = None,
    ) -> None:
        self.network = network
        self.config = config
        backend = network.backend
        self.xp = backend.xp
        self.loss: Loss = get_loss(config.loss)
        output_shape = network.infos[-1].output_shape
        for targets in (y_train, y_val):   # parts of the data: their labels may be a subset
            if targets is not None and isinstance(targets, np.ndarray):
                self.loss.check_targets(targets, output_shape, classes=n_classes_of(output_shape))
        self.x_train, self.y_train = self._data(x_train), self._targets(y_train)
        batch_memory.check_batch(network.infos, max(1, min(config.batch_size,
                                                           int(self.x_train.shape[0]))),
                                 np.dtype(backend.dtype).itemsize, training=True)
        has_val = x_val is not None and len(x_val) > 0
        self.x_val = self._data(x_val) if has_val else None
        self.y_val = self._targets(y_val) if has_val else None
        self.rng = rng if rng is not None else np.random.default_rng(config.seed)
        self.control = control or TrainerControl()
        self.callbacks = callbacks_from_config(config) + list(callbacks or [])
        self.probes = dict(probes or {})
        #: Probes called at every epoch end, where a run resumes exactly (a checkpoint, a
        #: timeline frame), however the snapshots are paced; what they return that is not
        #: None comes in a :class:`Kept` event just before the ``EpochEnd``.
        self.epoch_probes: dict[str, Any] = dict(epoch_probes or {})
        self.snapshot_interval = snapshot_interval
        #: Whether :meth:`run` takes its own snapshots (``paced_run`` turns it off while it
        #: takes them at its own pace; the probes stay where everyone reads them).
        self.takes_snapshots = True
        self.fused = self.loss.fuse(network.output_activation)
        self.optimizer = optimizer or get_optimizer(config.optimizer)
        if self.optimizer.size != network.param_count:
            self.optimizer.build(network.param_count, backend)
        self.schedule: Schedule = get_schedule(config.schedule)
        self.base_learning_rate = self.optimizer.learning_rate
        self.penalties = self._penalties(get_regularizer(config.regularizer))
        self.classification = self.loss.classification
        self.n_classes = n_classes_of(network.infos[-1].output_shape)
        self.history: dict[str, list[float]] = {}
        self.epoch = 0      # completed epochs (the current one while running)
        self.step = 0       # completed updates
        self._in_epoch = False
        self._batch = 0     # the batch in progress, for messages
        self._updating = False   # inside optimizer.step (the weights may be half-updated)
        self._stop_reason: str | None = None
        self._notes: list[str] = []
        self._backup = self.xp.empty_like(network.flat_params)
        self._buffer_backups = [(b, self.xp.empty_like(b)) for node in network.nodes
                                for b in node.layer.buffers.values()]
        for cb in self.callbacks:    # a monitor naming a metric this run lacks fails here
            if hasattr(cb, "resolve"):
                cb.resolve(self.metric_names, self.x_val is not None)

    def _data(self, x: Any) -> Array:
        if isinstance(x, np.ndarray) or not hasattr(x, "__cuda_array_interface__"):
            return self.network.backend.asarray(self.network.check_input(x))
        return x

    def _targets(self, y: Any) -> Array:
        if not isinstance(y, np.ndarray) and hasattr(y, "__cuda_array_interface__"):
            return y
        y = np.asarray(y)
        if y.dtype.kind in "iub":
            return self.network.backend.xp.asarray(y.astype(np.int64))
        return self.network.backend.asarray(y)

    def _penalties(self, default: Regularizer | None) -> list[tuple[Regularizer, Array, Array]]:
        """(regularizer, weight, gradient) for every weight tensor that is penalised.

        A layer's own ``regularizer`` wins over the global one, a zero one too (it switches the
        penalty off for that layer)."""
        result = []
        for node in self.network.nodes:
            layer = node.layer
            reg = layer.regularizer if layer.regularizer is not None else default
            if reg is None or not reg.active:
                continue
            for key in layer.weight_keys:
                result.append((reg, layer.params[key], layer.grads[key]))
        return result

    # ----- control -----------------------------------------------------------------------
    def request_stop(self, reason: str) -> None:
        """Stop after the current epoch (callbacks call this)."""
        self._stop_reason = reason

    def note(self, message: str) -> None:
        """Attach a one-line explanation to the next Started/EpochEnd/Finished event."""
        self._notes.append(message)

    def _take_notes(self) -> tuple[str, ...]:
        notes, self._notes = tuple(self._notes), []
        return notes

    @property
    def metric_names(self) -> list[str]:
        """Names of the metrics every EpochEnd reports (besides ``learning_rate``)."""
        names = ["loss", "accuracy"] if self.classification else ["loss"]
        penalty = ["penalty"] if self.penalties else []
        return names + penalty + ([f"val_{n}" for n in names] if self.x_val is not None else [])

    @property
    def completed_epochs(self) -> int:
        """Epochs fully trained (``epoch`` counts the one in progress while running)."""
        return self.epoch - 1 if self._in_epoch else self.epoch

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.x_train.shape[0] / self.config.batch_size)

    def learning_rate_at(self, step: int) -> float:
        """Learning rate of update ``step`` (0-based): base rate × schedule multiplier."""
        spe = max(1, self.steps_per_epoch)
        return self.base_learning_rate * self.schedule.factor(step, spe, self.config.epochs * spe)

    @property
    def learning_rate(self) -> float:
        """The learning rate of the next update."""
        return self.learning_rate_at(self.step)

    def state_dict(self, *, history: bool = True) -> dict[str, Any]:
        """Everything needed to resume exactly, as plain data (weights are *not* included:
        save them with ``network.get_weights()``; ``history=False`` leaves out the history,
        for a caller that keeps it itself)::

            {"format": 1,
             "epoch": 4,                     # completed epochs
             "step": 40,                     # completed updates
             "base_learning_rate": 0.001,    # after live changes and plateau reductions
             "optimizer": {"type": "adam", "iterations": 40,
                           "slots": {"m": ndarray, "v": ndarray}},
             "rng": {...},                   # bit_generator.state of the shuffling Generator
             "layer_rngs": {"drop": {...}},  # the same for layers that draw (``rng``)
             "history": {"loss": [...], "val_loss": [...], ...},
             "callbacks": [{"type": "EarlyStopping", "state": {"best": 0.3, ...}}]}

        Every value is JSON-safe except the NumPy arrays (see
        :func:`simulator.io.common.split_arrays`). Resuming is exact at an epoch
        boundary. State taken in the middle of an epoch (a paused or stopped run) records the
        completed epochs only: the resumed run starts that epoch again from a fresh shuffle,
        with the partial epoch's updates kept in the weights and the step count.
        """
        return {
            "format": STATE_FORMAT,
            "epoch": self.completed_epochs,
            "step": self.step,
            "base_learning_rate": self.base_learning_rate,
            "optimizer": self.optimizer.state_dict(),
            "rng": self.rng.bit_generator.state,
            "layer_rngs": {k: g.bit_generator.state for k, g in _layer_generators(self).items()},
            "history": {k: list(v) for k, v in self.history.items()} if history else {},
            "callbacks": [{"type": type(cb).__name__, "state": cb.state_dict()}
                          for cb in self.callbacks],
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output (load the weights separately): everything is
        validated first, then applied; on any problem nothing changes."""
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            raise ModelFileError(f"training state must be an object with format {STATE_FORMAT}")
        epoch, step = (integer(state.get(key), f"training state '{key}'", low=0,
                               error=ModelFileError) for key in ("epoch", "step"))
        lr = number(state.get("base_learning_rate"), "training state 'base_learning_rate'",
                    low=0, error=ModelFileError)
        self.optimizer.check_state_dict(state.get("optimizer"))
        _check_rng(self.rng, state.get("rng"), "random generator")
        gens = _layer_generators(self)
        layer_rngs = state.get("layer_rngs", {})
        if not isinstance(layer_rngs, dict) or set(layer_rngs) != set(gens):
            raise ModelFileError(f"training state has random generators for layers "
                                 f"{sorted(layer_rngs)}, this network has {sorted(gens)}")
        for name, gen in gens.items():
            _check_rng(gen, layer_rngs[name], f"layer '{name}' random generator")
        history = state.get("history", {})
        if not isinstance(history, dict) or not all(
                isinstance(v, list) and all(isinstance(x, int | float) for x in v)
                for v in history.values()):
            raise ModelFileError("training state 'history' must map names to lists of numbers")
        saved = state.get("callbacks", [])
        kinds = [type(cb).__name__ for cb in self.callbacks]
        if not isinstance(saved, list) or [
                c.get("type") if isinstance(c, dict) else None for c in saved] != kinds:
            raise ModelFileError(f"training state holds callbacks "
                                 f"{[c.get('type') for c in saved if isinstance(c, dict)]}, "
                                 f"this run has {kinds}; use the same early stopping and "
                                 "reduce-on-plateau settings to resume")
        backups = [cb.state_dict() for cb in self.callbacks]
        try:
            for cb, item in zip(self.callbacks, saved, strict=True):
                cb.load_state_dict(item.get("state", {}))
        except (ModelFileError, TypeError, AttributeError, ValueError) as exc:
            for cb, backup in zip(self.callbacks, backups, strict=True):
                cb.load_state_dict(backup)
            raise ModelFileError(f"training state: bad callback state ({exc})") from None
        self.optimizer.load_state_dict(state["optimizer"])
        self.rng.bit_generator.state = state["rng"]
        for name, gen in gens.items():
            gen.bit_generator.state = layer_rngs[name]
        self.epoch, self.step, self._in_epoch = epoch, step, False
        self.base_learning_rate = lr
        self.history = {str(k): [float(x) for x in v] for k, v in history.items()}

    # ----- the loop ------------------------------------------------------------------------
    def run(self, epochs: int | None = None) -> Iterator[Event]:
        """Train ``epochs`` more epochs; by default up to ``config.epochs`` in total (or
        ``config.epochs`` more when that many are already done)."""
        first = self.epoch = self.completed_epochs      # an abandoned epoch starts again
        self._in_epoch = False
        if epochs is None:
            epochs = self.config.epochs - first if first < self.config.epochs \
                else self.config.epochs
        self._stop_reason = None
        for callback in self.callbacks:
            callback.on_train_begin(self)
        n_val = 0 if self.x_val is None else int(self.x_val.shape[0])
        yield Started(first + epochs, self.steps_per_epoch, int(self.x_train.shape[0]), n_val,
                      self.network.param_count, first, self._take_notes())
        self._last_snapshot = -math.inf
        self.xp.copyto(self._backup, self.network.flat_params)
        for epoch in range(first + 1, first + epochs + 1):
            self.epoch, self._in_epoch = epoch, True
            self._batch = 0
            try:
                ended = yield from self._epoch(epoch)
            except MemoryError:
                yield self._fail("this machine ran out of memory", epoch, self._batch,
                                 "Use a smaller batch size or a smaller network, or close "
                                 "other programs.", restore=self._updating)
                return
            if ended == "failed":
                return
            reason = ended or self._stop_reason
            if reason:
                yield self._finish(reason)
                return
        yield self._finish("completed")

    def _epoch(self, epoch: int) -> Generator[Event, None, str | None]:
        """Yield one epoch's events; return "stopped" or "failed" if the run must end now
        (a failure has already yielded its :class:`Failed` event)."""
        order = self._epoch_order()
        x, y = self.x_train, self.y_train
        xp, size, n_train = self.xp, self.config.batch_size, int(x.shape[0])
        total_loss = total_penalty = 0.0
        # Training-set predictions, gathered from the batches as they are trained (no second
        # pass over the data) as codes true * K + predicted; counted once the epoch ends.
        k = self.n_classes
        pairs: list[Array] | None = [] if self.classification else None
        batch = 0
        for batch, start in enumerate(range(0, n_train, size), start=1):
            self._batch = batch
            if self.control.stop_requested:
                self.control.stop_requested = False
                self.epoch, self._in_epoch = epoch - 1, False
                return "stopped"
            self.take_live_changes()
            if order is None:
                xb, yb = x[start:start + size], y[start:start + size]
            else:  # gather one shuffled batch at a time: it stays in cache for the forward pass
                rows = order[start:start + size]
                xb, yb = xp.take(x, rows, axis=0), xp.take(y, rows, axis=0)
            lr = self.learning_rate
            loss, penalty, output, norm, problem = self._train_step(xb, yb, lr)
            if problem:
                yield self._fail(problem, epoch, batch)
                return "failed"
            total_loss += loss * int(xb.shape[0])
            total_penalty += penalty * int(xb.shape[0])
            if pairs is not None:
                pairs.append(true_labels(yb, xp) * k + predicted_labels(output, xp))
            yield BatchEnd(epoch, batch, self.step, loss, lr, norm)
            if self.probes and self.takes_snapshots and (self.control.snapshot_requested
                                or time.monotonic() - self._last_snapshot
                                >= self.snapshot_interval):
                yield self.snapshot()
        if not bool(xp.isfinite(self.network.flat_params).all()):
            # The epoch's last update is followed by no forward pass that would notice it.
            yield self._fail("a weight became NaN or infinite", epoch, batch)
            return "failed"
        logs = {"loss": total_loss / max(n_train, 1)}
        confusion = None
        if pairs is not None:
            codes = np.asarray(to_numpy(xp.concatenate(pairs))) if pairs else np.zeros(0, int)
            logs["accuracy"] = float(np.count_nonzero(codes // k == codes % k)) / max(n_train, 1)
            if k <= MAX_CONFUSION_CLASSES:
                confusion = np.bincount(codes, minlength=k * k)[: k * k].reshape(k, k)
        if self.penalties:
            logs["penalty"] = total_penalty / max(n_train, 1)
        if self.x_val is not None:
            val_loss, val_acc, confusion = self.evaluate(self.x_val, self.y_val)
            if not math.isfinite(val_loss):
                yield self._fail(f"the validation loss became {val_loss}", epoch, batch)
                return "failed"
            logs["val_loss"] = val_loss
            if val_acc is not None:
                logs["val_accuracy"] = val_acc
        logs["learning_rate"] = self.learning_rate_at(max(self.step - 1, 0))
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        self._in_epoch = False
        for callback in self.callbacks:
            callback.on_epoch_end(self, epoch, logs)
        kept = {name: value for name, probe in self.epoch_probes.items()
                if (value := probe(self.network)) is not None}
        if kept:        # before the EpochEnd, so a step that pauses there has it already
            yield Kept(epoch, self.step, kept)
        yield EpochEnd(epoch, dict(logs), logs["learning_rate"], confusion, self._take_notes())
        if self.probes and self.takes_snapshots:
            yield self.snapshot()
        return None

    def _finish(self, reason: str) -> Finished:
        """Run the callbacks' end of training; the closing event."""
        for callback in self.callbacks:
            callback.on_train_end(self)
        return Finished(reason, self.epoch, {k: list(v) for k, v in self.history.items()},
                        self._take_notes())

    def _fail(self, problem: str, epoch: int, batch: int, advice: str | None = None,
              restore: bool = True) -> Failed:
        """Put back the last good weights (unless ``restore`` is off); the closing event."""
        # The weights from before the last update are the last ones known to give a finite
        # loss and gradient; running statistics go back to before the failed forward pass.
        # (A failure that is not the numbers' fault, outside an update, keeps the weights.)
        if restore:
            self.xp.copyto(self.network.flat_params, self._backup)
        self._updating = False
        for buffer, backup in self._buffer_backups:
            self.xp.copyto(buffer, backup)
        self.epoch, self._in_epoch = epoch - 1, False
        advice = advice or ("Try a smaller learning rate, gradient clipping, or check the data "
                             "for NaN values.")
        return Failed("diverged", f"{problem} at epoch {epoch}, batch {batch}; training stopped "
                      f"and the last good weights were kept. {advice}",
                      epoch, batch, {k: list(v) for k, v in self.history.items()})

    def _epoch_order(self) -> Array | None:
        """This epoch's sample order (None when not shuffling), drawn from the run's RNG."""
        if not self.config.shuffle:
            return None
        return self.xp.asarray(self.rng.permutation(self.x_train.shape[0]))

    def take_live_changes(self) -> None:
        """Apply what another thread asked for through the control (a new learning rate)."""
        if self.control.new_learning_rate is not None:
            self.base_learning_rate = self.control.new_learning_rate
            self.control.new_learning_rate = None

    def as_batch(self, x: np.ndarray, y: np.ndarray) -> tuple[Array, Array]:
        """Network inputs ``x`` and targets ``y`` (NumPy, with a batch axis) on the run's
        backend, checked like the training data (a DataError says what does not fit)."""
        output_shape = self.network.infos[-1].output_shape
        self.loss.check_targets(np.asarray(y), output_shape, classes=n_classes_of(output_shape))
        return self._data(x), self._targets(y)

    def _train_step(self, xb: Array, yb: Array, lr: float
                    ) -> tuple[float, float, Array, float, str | None]:
        """One forward/backward/update on data loss + penalty: (data loss, penalty, output,
        gradient norm, problem or None)."""
        loss, penalty, output, norm, problem = self.compute_gradient(xb, yb)
        if problem is None:
            self.apply_gradient(lr)
        return loss, penalty, output, norm, problem

    def compute_gradient(self, xb: Array, yb: Array
                         ) -> tuple[float, float, Array, float, str | None]:
        """The first half of a training step: forward in training mode, the data loss and the
        penalty, backward, the penalties' gradients and clipping, leaving the gradient to
        apply in ``network.flat_grads``. Returns (data loss, penalty, output, gradient norm
        before clipping, a problem or None); nothing is updated yet."""
        # Overflow is expected when training diverges: it is detected below and reported as a
        # Failed event, so NumPy's floating-point warnings are silenced here.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            xp, net = self.xp, self.network
            for buffer, backup in self._buffer_backups:
                xp.copyto(backup, buffer)
            output = net.forward(xb, training=True)
            loss_value, grad = self.loss.value_and_grad(output, yb, xp, self.fused)
            loss = float(loss_value)
            penalty = float(sum(reg.penalty(w, xp) for reg, w, _ in self.penalties))
            if not math.isfinite(loss + penalty):
                return loss, penalty, output, math.nan, f"the loss became {loss + penalty}"
            net.backward(grad, fused=self.fused is not None)
            for reg, w, g in self.penalties:
                reg.add_gradient(w, g, xp)
            grads = net.flat_grads
            norm = math.sqrt(float(xp.dot(grads, grads)))
            if not math.isfinite(norm):
                return loss, penalty, output, norm, "a gradient became NaN or infinite"
            clip = self.config.gradient_clip
            if clip is not None and norm > clip:
                grads *= clip / norm
            return loss, penalty, output, norm, None

    def apply_gradient(self, lr: float) -> None:
        """The second half of a training step: one optimizer update with learning rate ``lr``
        from the gradient in ``network.flat_grads`` (the weights before it are kept for a
        rollback); it counts as one step of the run."""
        net = self.network
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self.xp.copyto(self._backup, net.flat_params)
            self._updating = True
            self.optimizer.step(net.flat_params, net.flat_grads, lr)
            self._updating = False
        self.step += 1

    def evaluate(self, x: Array, y: Array, batch_size: int = 1024
                 ) -> tuple[float, float | None, np.ndarray | None]:
        """(mean loss, accuracy or None, confusion matrix or None) in inference mode."""
        xp, net = self.xp, self.network
        x, y = self._data(x), self._targets(y)
        total, correct, preds, n = 0.0, 0, [], int(x.shape[0])
        if n:
            batch_size = net.fitting_batch(min(batch_size, n), training=False)
        for start in range(0, n, batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                out = net.forward(xb, training=False)
                loss = self.loss.value_and_grad(out, yb, xp, self.fused)[0]
            total += float(loss) * xb.shape[0]
            if self.classification:
                pred = predicted_labels(out, xp)
                correct += int((pred == true_labels(yb, xp)).sum())
                preds.append(pred)
        if not self.classification:
            return total / max(n, 1), None, None
        confusion = None
        if self.n_classes <= MAX_CONFUSION_CLASSES:
            pred_all = xp.concatenate(preds) if preds else xp.zeros(0, dtype=xp.int64)
            confusion = confusion_matrix(pred_all, true_labels(y, xp), self.n_classes)
        return total / max(n, 1), correct / max(n, 1), confusion

    def snapshot(self) -> Snapshot:
        """Run every probe now (in inference mode; they must not change the weights)."""
        self._last_snapshot = time.monotonic()
        self.control.snapshot_requested = False
        data = {name: probe(self.network) for name, probe in self.probes.items()}
        return Snapshot(self.epoch, self.step, data)



def _layer_generators(trainer: Trainer) -> dict[str, np.random.Generator]:
    """Layers that keep their own ``numpy.random.Generator`` as ``rng`` (e.g. Dropout)."""
    found = {}
    for node in trainer.network.nodes:
        gen = node.layer.rng
        if gen is not None and gen is not trainer.rng:
            found[node.name] = gen
    return found


def _check_rng(gen: np.random.Generator, state: Any, what: str) -> None:
    if not isinstance(state, dict) or state.get("bit_generator") != type(
            gen.bit_generator).__name__:
        raise ModelFileError(f"{what} state is not a {type(gen.bit_generator).__name__} state")
    probe = type(gen.bit_generator)()
    try:
        probe.state = state
    except (TypeError, ValueError, KeyError, OverflowError, AttributeError) as exc:
        raise ModelFileError(f"{what} state is malformed ({exc})") from None
