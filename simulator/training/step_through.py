"""One training step on one sample, taken apart the way the course tells it.

"Present a training instance; feed it through to get the output; compare with the target;
adjust the weights based on the error." :class:`StepThrough` runs exactly that on a run's
:class:`~simulator.training.trainer.Trainer`, in two calls::

    stepper = StepThrough(trainer)
    trace = stepper.trace(x, y)       # forward and backward, nothing updated yet
    update = stepper.update()         # one step of the run's own optimizer

Every number is the engine's own: :meth:`StepThrough.trace` calls the trainer's
``compute_gradient`` (the first half of a training step: forward in training mode, the loss,
backward, penalties and clipping) while watching the layers' own ``forward``, ``backward`` and
activation calls, and copies what passes through them; :meth:`StepThrough.update` calls the
trainer's ``apply_gradient`` (the second half: one optimizer step, counted as a step of the
run) with that gradient and reports the weights before and after and the optimizer's state.
Nothing is recomputed here.

What is recorded per layer, batch axis removed, as NumPy copies:

* forward: ``inputs`` (what came in), ``z`` (a Dense or Conv2D layer's weighted sum
  ``W x + b``; an activation layer's input), ``a`` (the output), the parameters;
* backward: ``grad_output`` = ∂L/∂a (``None`` for an output whose activation the loss
  absorbed: the engine never forms it), ``delta`` = ∂L/∂z, and ``grads`` = ∂L/∂w for each
  parameter (the gradient the optimizer uses: penalties added, clipped when the run clips);
* update: each parameter before and after and ``change`` = Δw, and the optimizer's state
  slots (momentum's velocity, Adam's ``m`` and ``v``...) cut per parameter, with its step
  count ``t``.

Dense weights are given in the course's layout, ``[units][inputs]`` (one row per unit, so
``z = W x + b``), whatever the engine's storage; Conv2D kernels ``[filters][channels][kh][kw]``.
A ``StepThrough`` must be used from one thread at a time, and only while no other code
trains the same network (the app calls it from its training thread).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.backend import to_numpy
from simulator.errors import DataError, TrainingError
from simulator.training.trainer import Trainer

Array = Any


def _copy(value: Array) -> np.ndarray:
    return np.array(to_numpy(value), dtype=np.float64)


def _one(value: Array) -> np.ndarray:
    """The single sample of a batch of one, as float64 NumPy."""
    return _copy(value)[0]


@dataclass(frozen=True)
class LayerForward:
    name: str
    type: str
    activation: str | None           # the activation a weighted or activation layer applies
    inputs: tuple[np.ndarray, ...]   # one array per input (merge layers take several)
    z: np.ndarray | None             # weighted sum (Dense, Conv2D) or an activation's input
    a: np.ndarray                    # the layer's output
    params: dict[str, np.ndarray]    # course layout


@dataclass(frozen=True)
class LayerBackward:
    name: str
    grad_output: np.ndarray | None   # ∂L/∂a, None where the loss absorbed the activation
    delta: np.ndarray | None         # ∂L/∂z (weighted and activation layers)
    grads: dict[str, np.ndarray]     # ∂L/∂w per parameter, course layout


@dataclass(frozen=True)
class Trace:
    """The forward and backward stages of one sample (nothing updated)."""

    label: str                       # where the sample came from ("training sample 3")
    x: np.ndarray                    # the network input
    target: np.ndarray               # as given (a class index or a vector)
    output: np.ndarray
    loss: float                      # the run's loss on this sample, penalties included
    grad_norm: float                 # L2 norm of the gradient before clipping
    forward: tuple[LayerForward, ...]
    backward: tuple[LayerBackward, ...]   # in the order the engine ran them: output first
    fused: str | None                # the output activation the loss absorbed, if any
    loss_name: str
    problem: str | None = None       # a non-finite loss or gradient: no update possible

    def layer(self, name: str) -> LayerForward:
        return next(f for f in self.forward if f.name == name)

    def gradients(self, name: str) -> LayerBackward:
        return next(b for b in self.backward if b.name == name)


@dataclass(frozen=True)
class ParamUpdate:
    before: np.ndarray
    after: np.ndarray
    change: np.ndarray               # Δw = after - before, as applied


@dataclass(frozen=True)
class Update:
    """The update stage: one step of the run's optimizer with the traced gradient."""

    optimizer: str
    config: dict[str, Any]           # the optimizer's settings (learning rate, β…)
    learning_rate: float             # the rate this step used (schedule applied)
    step: int                        # the run's step count after it (1-based)
    t: int                           # the optimizer's own iteration count after it
    params: dict[str, dict[str, ParamUpdate]]        # layer -> key -> before/after/Δ
    state: dict[str, dict[str, dict[str, np.ndarray]]] = field(default_factory=dict)
    #: ^ slot -> layer -> key -> values (course layout), e.g. state["m"]["dense"]["W"]


@dataclass
class _Watch:
    inputs: dict[str, tuple[np.ndarray, ...]] = field(default_factory=dict)
    z: dict[str, np.ndarray] = field(default_factory=dict)
    a: dict[str, np.ndarray] = field(default_factory=dict)
    grad_output: dict[str, np.ndarray] = field(default_factory=dict)
    delta: dict[str, np.ndarray] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


def _spy(obj: Any, method: str, before: Callable[..., None] | None = None,
         after: Callable[[Any], None] | None = None) -> None:
    """Shadow ``obj.method`` with an instance attribute that calls the real one and lets
    ``before(*args)`` / ``after(result)`` look at what passes (removed by ``_unspy``)."""
    real = getattr(obj, method)

    def watched(*args: Any, **kwargs: Any) -> Any:
        if before is not None:
            before(*args)
        result = real(*args, **kwargs)
        if after is not None:
            after(result)
        return result

    setattr(obj, method, watched)


def _unspy(obj: Any, method: str) -> None:
    if method in vars(obj):
        delattr(obj, method)


@contextmanager
def _watching(trainer: Trainer) -> Iterator[_Watch]:
    """Record what every layer of the trainer's network computes, for one call."""
    watch, patched = _Watch(), list[tuple[Any, str]]()
    for node in trainer.network.nodes:
        layer, name = node.layer, node.name
        weighted = hasattr(layer, "weight_keys")
        activation_layer = not weighted and hasattr(layer, "activation")

        def took(*args: Any, _n: str = name, _act: bool = activation_layer) -> None:
            x = args[0]
            inputs = tuple(_one(v) for v in x) if isinstance(x, list) else (_one(x),)
            watch.inputs[_n] = inputs
            if _act:
                watch.z[_n] = inputs[0]

        def gave(out: Any, _n: str = name) -> None:
            watch.a[_n] = _one(out)

        def seen_output_grad(grad: Any, _n: str = name) -> None:
            watch.grad_output[_n] = _one(grad)
            if _n not in watch.order:
                watch.order.append(_n)

        def seen_delta(grad: Any, _n: str = name) -> None:
            watch.delta[_n] = _one(grad)
            if _n not in watch.order:
                watch.order.append(_n)

        def gave_delta(grad: Any, _n: str = name) -> None:
            if grad is not None:
                watch.delta[_n] = _one(grad)

        _spy(layer, "forward", before=took, after=gave)
        patched.append((layer, "forward"))
        activation = getattr(layer, "activation", None)
        if weighted:
            _spy(layer, "backward", before=seen_output_grad)
            _spy(layer, "backward_linear", before=seen_delta)
            _spy(activation, "forward",
                 before=lambda z, *_rest, _n=name: watch.z.__setitem__(_n, _one(z)))
            patched += [(layer, "backward"), (layer, "backward_linear"),
                        (activation, "forward")]
        elif activation_layer:
            _spy(layer, "backward", before=seen_output_grad, after=gave_delta)
            _spy(layer, "backward_linear", before=seen_delta)
            patched += [(layer, "backward"), (layer, "backward_linear")]
        else:
            _spy(layer, "backward", before=seen_output_grad)
            patched.append((layer, "backward"))
    try:
        yield watch
    finally:
        for obj, method in patched:
            _unspy(obj, method)


class StepThrough:
    """Forward, backward and update of one sample on a run's trainer, stage by stage."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self._pending: np.ndarray | None = None
        #: The training-set index :meth:`trace_next` presents next.
        self.next_index = 0

    @property
    def pending(self) -> bool:
        """Whether a trace waits for its update."""
        return self._pending is not None

    def _params(self) -> dict[str, dict[str, np.ndarray]]:
        return {node.name: {key: _copy(value)
                            for key, value in node.layer.params.items()}
                for node in self.trainer.network.nodes}

    def trace(self, x: np.ndarray, y: Any, label: str = "a sample") -> Trace:
        """Forward and backward of one sample: ``x`` a network input (with or without a batch
        axis of 1), ``y`` its target (a class index, or a vector for regression)."""
        trainer, net = self.trainer, self.trainer.network
        x = np.asarray(x)
        want = tuple(net.spec.input_shape)
        if x.shape == want or int(np.prod(x.shape)) == int(np.prod(want)):
            x = x.reshape((1, *want))
        else:
            raise DataError(f"the step-through takes one sample of shape {list(want)}, got an "
                            f"array of shape {list(x.shape)}")
        target = np.asarray(y)
        batch_target = target.reshape(1, *target.shape) if target.ndim else target.reshape(1)
        xb, yb = trainer.as_batch(x, batch_target)
        params = self._params()
        with _watching(trainer) as watch:
            loss, _penalty, output, norm, problem = trainer.compute_gradient(xb, yb)
        forward = tuple(
            LayerForward(node.name, node.layer.type_name,
                         getattr(getattr(node.layer, "activation", None), "name", None),
                         watch.inputs[node.name], watch.z.get(node.name),
                         watch.a[node.name], params[node.name])
            for node in net.nodes)
        backward: tuple[LayerBackward, ...] = ()
        if problem is None:
            layers = {node.name: node.layer for node in net.nodes}
            backward = tuple(
                LayerBackward(name, watch.grad_output.get(name), watch.delta.get(name),
                              {key: _copy(g)
                               for key, g in layers[name].grads.items()})
                for name in watch.order)
            self._pending = np.array(to_numpy(net.flat_grads))
        else:
            self._pending = None
        fused = trainer.fused.name if trainer.fused is not None else None
        return Trace(label, _one(xb), target, _one(output), float(loss), float(norm), forward,
                     backward, fused, trainer.loss.name, problem)

    def trace_index(self, index: int) -> Trace:
        """Trace training sample ``index`` (of the run's training split)."""
        trainer = self.trainer
        n = int(trainer.x_train.shape[0])
        if isinstance(index, bool) or not isinstance(index, int | np.integer) \
                or not 0 <= index < n:
            raise DataError(f"training sample {index!r} does not exist; the training split "
                            f"has {n} samples (0 to {n - 1})")
        x = np.asarray(to_numpy(trainer.x_train[index:index + 1]))
        y = np.asarray(to_numpy(trainer.y_train[index]))
        self.next_index = (int(index) + 1) % n
        return self.trace(x, y, f"training sample {int(index)}")

    def trace_next(self) -> Trace:
        """Trace the next training sample in order (0, 1, 2, … and round again)."""
        return self.trace_index(self.next_index)

    def update(self) -> Update:
        """Apply the last trace's gradient with one step of the run's optimizer."""
        if self._pending is None:
            raise TrainingError("there is no traced sample to update from: trace one first "
                                "(a sample whose loss or gradient was not finite cannot be "
                                "applied)")
        trainer, net = self.trainer, self.trainer.network
        net.flat_grads[...] = net.backend.asarray(self._pending)
        self._pending = None
        trainer.take_live_changes()
        lr = trainer.learning_rate
        before = self._params()
        trainer.apply_gradient(lr)
        after = self._params()
        params = {layer: {key: ParamUpdate(before[layer][key], after[layer][key],
                                           after[layer][key] - before[layer][key])
                          for key in after[layer]}
                  for layer in after if after[layer]}
        optimizer = trainer.optimizer
        state: dict[str, dict[str, dict[str, np.ndarray]]] = {}
        for slot, values in optimizer.slots.items():
            flat = _copy(values)
            per_layer: dict[str, dict[str, np.ndarray]] = {}
            for node in net.nodes:
                for key, value in node.layer.params.items():
                    part = flat[net.param_slices[f"{node.name}.{key}"]].reshape(value.shape)
                    per_layer.setdefault(node.name, {})[key] = part
            state[slot] = per_layer
        return Update(optimizer.name, optimizer.get_config(), float(lr), trainer.step,
                      optimizer.iterations, params, state)
