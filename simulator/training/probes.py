"""Probes: cheap measurements of a network that the Trainer samples between batches.

A probe is a callable ``probe(network) -> dict`` whose leaves are NumPy arrays and Python
floats (never CuPy arrays). The Trainer calls its probes every ``snapshot_interval`` seconds
in the worker thread and yields the results as a ``Snapshot``. Probes run the network in
inference mode (``training=False``), so Dropout draws no random numbers and BatchNorm keeps
its running statistics: sampling them never changes how training goes.

Payloads (``name`` is ``"layer.param"``, e.g. ``"dense_1.W"``)::

    weight_stats      {name: {"counts": int64 (bins,), "edges": float64 (bins+1,),
                              "mean": float, "std": float, "norm": float}}
    gradient_stats    {name: {"counts", "edges", "norm", "mean_abs"}}   (the last update's
                      gradient, after penalties and clipping)
    activation_stats  {layer: {"dead_fraction" (ReLU) | "saturated_fraction" (sigmoid/tanh),
                               "mean": float, "std": float}}
    sample_activations {"input": x, layer: output}   (one sample, no batch axis; conv layers
                      give feature maps (C, H, W))
    decision_grid     {"grid": (R, R, outputs), "xs": (R,), "ys": (R,), "bounds": (4,)}
    parameter_values  {layer: {"weights": W, "bias": b, ...}}   (as users read them: Dense
                      weights ``[units][inputs]``; tensors over a size limit left out)
    layer_values      {"input": {"a": x}, layer: {"z": pre-activation, "a": output}}
                      (``z`` only for layers with an activation; batch axis kept)
    conv_kernels      {conv layer: {"kernels": (F', C, kh, kw), "filters": F}}   (every
                      Conv2D layer's kernels; the first F' of its F filters that fit a bound)

Histogram edges are symmetric, ``[-L, L]`` with ``L`` the smallest power of two covering the
largest magnitude, so they stay put from one snapshot to the next until the values outgrow them.

:func:`paced_run` is ``trainer.run()`` with its snapshots taken at a pace the run can afford (a
live view's rate: at most every ``interval`` seconds and a small share of the run's time, plus
one at the end), instead of after every epoch; while it runs it holds the network's
:func:`network_lock`, so another thread can measure the network between runs without racing
the training.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.backend import Array, to_numpy
from simulator.checks import integer
from simulator.errors import DataError
from simulator.layers.conv import Conv2D
from simulator.network import Network
from simulator.training.events import BatchEnd, EpochEnd, Event, Failed, Finished

if TYPE_CHECKING:
    from simulator.training.trainer import Trainer

Probe = Callable[[Network], dict[str, Any]]
Bounds = tuple[float, float, float, float]
DEFAULT_BINS = 32
#: Largest parameter tensor whose values every snapshot carries (``parameter_values``).
MAX_PARAMETER_VALUES = 4096
#: Most kernel values ``conv_kernels`` sends per Conv2D layer (its first filters that fit): the
#: digits CNN's 32 × 16 × 3 × 3 = 4608 all go, and no layer's cost grows beyond this.
MAX_KERNEL_VALUES = 16384
#: Largest share of a paced run's time its snapshots may take.
SNAPSHOT_BUDGET = 0.05
_LOCKS: weakref.WeakKeyDictionary[Network, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def _histogram(values: Array, xp: Any, bins: int) -> dict[str, Any]:
    flat = values.reshape(-1)
    if flat.size == 0:
        return {"counts": np.zeros(bins, np.int64), "edges": np.linspace(-1.0, 1.0, bins + 1)}
    largest = float(xp.abs(flat).max())
    if not math.isfinite(largest):
        flat = flat[xp.isfinite(flat)]
        largest = float(xp.abs(flat).max()) if flat.size else 0.0
    limit = 2.0 ** math.ceil(math.log2(largest)) if largest > 0 else 1.0
    edges = xp.linspace(-limit, limit, bins + 1)
    counts, _ = xp.histogram(flat, bins=edges)
    return {"counts": np.asarray(to_numpy(counts), np.int64),
            "edges": np.asarray(to_numpy(edges), np.float64)}


def _parameters(network: Network) -> list[tuple[str, Array, Array]]:
    return [(f"{node.name}.{key}", value, node.layer.grads[key])
            for node in network.nodes for key, value in node.layer.params.items()]


def weight_stats(network: Network, bins: int = DEFAULT_BINS) -> dict[str, dict[str, Any]]:
    """Histogram, mean, standard deviation and L2 norm of every parameter tensor."""
    xp, result = network.backend.xp, {}
    for name, w, _ in _parameters(network):
        flat = w.reshape(-1)
        stats = _histogram(flat, xp, bins)
        stats["mean"] = float(flat.mean()) if flat.size else 0.0
        stats["std"] = float(flat.std()) if flat.size else 0.0
        stats["norm"] = math.sqrt(float(xp.dot(flat, flat)))
        result[name] = stats
    return result


def gradient_stats(network: Network, bins: int = DEFAULT_BINS) -> dict[str, dict[str, Any]]:
    """L2 norm, mean magnitude and histogram of the last update's gradient per tensor."""
    xp, result = network.backend.xp, {}
    for name, _, g in _parameters(network):
        flat = g.reshape(-1)
        stats = _histogram(flat, xp, bins)
        stats["norm"] = math.sqrt(float(xp.dot(flat, flat)))
        stats["mean_abs"] = float(xp.abs(flat).mean()) if flat.size else 0.0
        result[name] = stats
    return result


def layer_outputs(network: Network, x: Array) -> list[tuple[str, Any, Array]]:
    """(name, layer, output) of every layer for backend array ``x``, in inference mode."""
    values = network.forward_all(x, training=False)
    return [(node.name, node.layer, out)
            for node, out in zip(network.nodes, values[1:], strict=True)]


def parameter_values(network: Network, max_values: int = MAX_PARAMETER_VALUES
                     ) -> dict[str, dict[str, np.ndarray]]:
    """Each layer's trainable parameters now, as NumPy copies laid out as users type and read
    them (:meth:`Layer.user_params`: Dense ``weights`` are ``[units][inputs]``, one row per
    unit). A tensor of more than ``max_values`` values is left out (``weight_stats`` still
    summarises it)."""
    result = {}
    for node in network.nodes:
        shown = {key: value for key, value in node.layer.user_params().items()
                 if value.size <= max_values}
        if shown:
            result[node.name] = shown
    return result


def conv_kernels(network: Network, max_values: int = MAX_KERNEL_VALUES
                 ) -> dict[str, dict[str, Any]]:
    """Every Conv2D layer's kernels now, as NumPy copies ``(filters, channels, kh, kw)``:
    ``W[f, c]`` is the kernel filter ``f`` slides over input channel ``c``. A layer with more
    than ``max_values`` values sends its first filters that fit (at least one); ``filters``
    is how many it has."""
    max_values = integer(max_values, "max_values", low=1)
    result = {}
    for node in network.nodes:
        if isinstance(node.layer, Conv2D):
            kernels = node.layer.params["W"]
            per_filter = max(1, int(np.prod(kernels.shape[1:])))
            keep = max(1, min(kernels.shape[0], max_values // per_filter))
            result[node.name] = {"kernels": np.array(to_numpy(kernels[:keep]), dtype=np.float64),
                                 "filters": float(kernels.shape[0])}
    return result


def layer_values(network: Network, x: Any) -> dict[str, dict[str, np.ndarray]]:
    """Every unit's value for inputs ``x`` (network inputs, one sample or a batch), in
    inference mode, as NumPy with the batch axis: ``{"input": {"a": x}, layer: {"z": what
    the layer feeds its activation, "a": its output}}`` in the order the network computes
    them. ``z`` is given for the layers that apply an activation (Dense, Conv2D and the
    activation layers); for them ``a`` is the activation of ``z``."""
    batch = _as_batch(network, x)
    values = network.forward_all(batch, training=False)
    result = {"input": {"a": np.array(to_numpy(batch))}}
    for node, out in zip(network.nodes, values[1:], strict=True):
        entry = {}
        if len(node.sources) == 1:
            z = node.layer.pre_activation(values[node.sources[0]])
            if z is not None:
                entry["z"] = np.array(to_numpy(z))
        entry["a"] = np.array(to_numpy(out))
        result[node.name] = entry
    return result


def _as_batch(network: Network, x: Any) -> Array:
    if not isinstance(x, np.ndarray) and hasattr(x, "__cuda_array_interface__"):
        return x
    return network.backend.asarray(network.check_input(x))


def activation_stats(network: Network, x_probe: Any,
                     saturation: float = 0.99) -> dict[str, dict[str, float]]:
    """Dead ReLU units and saturated sigmoid/tanh outputs on a fixed probe batch.

    A ReLU unit (a feature, or a channel of a feature map) is dead when it outputs 0 for
    every sample of the batch. A sigmoid output is saturated beyond ``saturation`` or below
    ``1 - saturation``, a tanh output beyond ``±saturation``.
    """
    xp, result = network.backend.xp, {}
    for name, layer, out in layer_outputs(network, _as_batch(network, x_probe)):
        kind = None if layer.output_activation is None else layer.output_activation.name
        if kind not in ("relu", "sigmoid", "tanh") or out.ndim < 2:
            continue
        stats = {"mean": float(out.mean()), "std": float(out.std())}
        if kind == "relu":
            alive = (out > 0).any(axis=tuple(a for a in range(out.ndim) if a != 1))
            stats["dead_fraction"] = 1.0 - float(alive.sum()) / alive.size
        else:
            centred = xp.abs(2.0 * out - 1.0) if kind == "sigmoid" else xp.abs(out)
            threshold = 2.0 * saturation - 1.0 if kind == "sigmoid" else saturation
            stats["saturated_fraction"] = float((centred > threshold).sum()) / centred.size
        result[name] = stats
    return result


def sample_activations(network: Network, x_one_sample: Any) -> dict[str, np.ndarray]:
    """Every layer's output for one sample (batch axis removed), plus ``"input"``."""
    x = _as_batch(network, x_one_sample)
    if x.shape[0] != 1:
        raise DataError(f"sample_activations takes one sample, got {x.shape[0]}")
    result = {"input": np.array(to_numpy(x[0]))}
    for name, _, out in layer_outputs(network, x):
        result[name] = np.array(to_numpy(out[0]))
    return result


def grid_points(bounds: tuple[float, float, float, float], resolution: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(xs, ys, points) of a resolution × resolution grid; points row-major over ys."""
    x0, x1, y0, y1 = (float(b) for b in bounds)
    if not (all(map(math.isfinite, (x0, x1, y0, y1))) and x1 > x0 and y1 > y0):
        raise DataError(f"grid bounds must be finite (x0, x1, y0, y1) with x0 < x1 and "
                        f"y0 < y1, got {bounds!r}")
    resolution = integer(resolution, "grid resolution", low=2, high=1024, error=DataError)
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    return xs, ys, np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)


def decision_grid(network: Network, bounds: tuple[float, float, float, float],
                  resolution: int = 64,
                  transform: Callable[[np.ndarray], np.ndarray] | None = None
                  ) -> dict[str, np.ndarray]:
    """The network's output (class probabilities) over a grid of a 2-input network.

    ``bounds`` are in the data's coordinates; ``transform`` maps grid points to network
    inputs (the run's preprocessing), if any. ``grid[i, j]`` is the output at (xs[j], ys[i]).
    """
    if tuple(network.spec.input_shape) != (2,):
        raise DataError(f"the decision grid needs a network with 2 inputs, this one takes "
                        f"{list(network.spec.input_shape)}")
    xs, ys, points = grid_points(bounds, resolution)
    inputs = transform(points) if transform is not None else points
    out = network.predict(inputs)
    return {"grid": out.reshape(resolution, resolution, -1), "xs": xs, "ys": ys,
            "bounds": np.array(bounds, dtype=np.float64)}


def default_probes(network: Network, x_sample_batch: Any, *, bins: int = DEFAULT_BINS,
                   probe_size: int = 128, sample_index: int = 0,
                   grid_bounds: Bounds | Callable[[], Bounds] | None = None,
                   grid_resolution: int = 48,
                   grid_transform: Callable[[np.ndarray], np.ndarray] | None = None
                   ) -> dict[str, Probe]:
    """The probes the app shows: ``weights``, ``gradients``, ``activations``, ``sample``,
    ``parameters``, for networks with Conv2D layers ``kernels`` and, for 2-input networks
    with ``grid_bounds``, ``decision``.

    ``x_sample_batch`` are network inputs (already preprocessed); the first ``probe_size``
    of them form the fixed activation batch and ``sample_index`` picks the sample whose
    feature maps are shown. ``grid_bounds`` may be a function returning the bounds, asked at
    every snapshot (the area a plot shows, which follows its size and zoom).
    """
    batch = _as_batch(network, np.asarray(to_numpy(x_sample_batch))[:probe_size])
    if not 0 <= sample_index < batch.shape[0]:
        raise DataError(f"sample_index {sample_index} is outside the {batch.shape[0]} samples")
    sample = batch[sample_index:sample_index + 1]
    probes: dict[str, Probe] = {
        "weights": lambda net: weight_stats(net, bins),
        "gradients": lambda net: gradient_stats(net, bins),
        "activations": lambda net: activation_stats(net, batch),
        "sample": lambda net: sample_activations(net, sample),
        "parameters": lambda net: parameter_values(net),
    }
    if any(isinstance(node.layer, Conv2D) for node in network.nodes):
        probes["kernels"] = lambda net: conv_kernels(net)
    if grid_bounds is not None and tuple(network.spec.input_shape) == (2,):
        area = grid_bounds if callable(grid_bounds) else (lambda: grid_bounds)
        grid_points(area(), grid_resolution)  # fail now, not in the worker thread
        probes["decision"] = lambda net: decision_grid(net, area(), grid_resolution,
                                                       grid_transform)
    return probes


def network_lock(network: Network) -> threading.Lock:
    """The lock :func:`paced_run` holds on ``network`` while it trains (one per network)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.get(network)
        if lock is None:
            lock = _LOCKS[network] = threading.Lock()
        return lock


def paced_run(trainer: Trainer, interval: float | None = None,
              budget: float = SNAPSHOT_BUDGET,
              stretch: Callable[[], float] = lambda: 1.0) -> Iterator[Event]:
    """``trainer.run()`` with its probes sampled at a pace a live view can afford.

    The trainer itself takes no snapshot (it would after every epoch: for a small network
    that is more work than the training). One is taken after a batch or an epoch whenever
    ``interval`` seconds (default: the trainer's ``snapshot_interval``) have passed since the
    last, and never more often than keeps the probes within ``budget`` of the run's time; one
    at once when the trainer's control asks for it (a step that ends on a snapshot); and
    one just before the run ends, so the final weights are what is shown last. ``stretch()``
    (read when ``interval`` has passed) multiplies the interval: a view that draws less often
    while it is busy asks for fewer snapshots. The network's :func:`network_lock` is held from
    the first event to the last.
    """
    wait = trainer.snapshot_interval if interval is None else interval
    if not (0.0 < budget <= 1.0 and wait >= 0.0):
        raise ValueError(f"paced_run needs 0 < budget <= 1 and interval >= 0, got budget "
                         f"{budget!r} and interval {wait!r}")
    return _paced(trainer, float(wait), float(budget), stretch)


def _paced(trainer: Trainer, wait: float, budget: float,
           stretch: Callable[[], float]) -> Iterator[Event]:
    # This runs for every batch (10,000 a second for a small network): the checks between two
    # events are kept to a clock reading and a comparison while no snapshot is due.
    ends, steps = (Finished, Failed), (BatchEnd, EpochEnd)
    control, monotonic = trainer.control, time.monotonic
    with network_lock(trainer.network):
        trainer.takes_snapshots = False
        try:
            last, cost = -math.inf, 0.0
            for event in trainer.run():
                if isinstance(event, ends) and trainer.probes:
                    yield trainer.snapshot()
                yield event
                now = monotonic()
                elapsed = now - last
                if ((elapsed >= wait or control.snapshot_requested) and trainer.probes
                        and isinstance(event, steps)
                        and (control.snapshot_requested
                             or elapsed >= max(wait * stretch(), cost / budget))):
                    snapshot = trainer.snapshot()
                    last, cost = now, monotonic() - now
                    yield snapshot
        finally:
            trainer.takes_snapshots = True
