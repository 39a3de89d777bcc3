"""Build a ready-to-run Trainer from a design and a dataset (in the GUI thread, quickly).

The probes given to the trainer (:mod:`simulator.training.probes`, plus a few defined here) run
in the worker thread between batches and return NumPy arrays, which is all the panels ever
receive. Snapshot keys: ``weights``, ``gradients``, ``activations`` (dead/saturated units on a
fixed probe batch), ``samples`` (every layer's output for a small pool of validation samples, so
the feature-map panel can switch samples at once, even while paused), ``chosen`` (the same for
the sample last chosen by dataset index, see :class:`ChosenSample`; ``{}`` before any),
``units`` (small dense networks: every connection's weight and every unit's heat map, see
:mod:`simulator.training.units`), ``parameters`` (every layer's parameters as users read
them), ``kernels`` (networks with Conv2D layers: their kernels, for the Weights panel's
filter images), ``typed`` (every unit's z and a for the input last typed in the inspector; ``{}``
before any), ``decision`` (networks with 2 inputs: over the area the boundary plot shows, see
:class:`SharedBounds`) or ``curve`` (networks with 1 input and 1 output). Two epoch probes
(``Trainer.epoch_probes``, called at every epoch end whatever the snapshots' pace, their results
in ``Kept`` events): ``checkpoint`` (a :class:`~simulator.training.checkpoint.Checkpoint` at
the first epoch end after ``session.checkpoints.request()``; the autosave asks for it) and
``timeline`` (the run's :class:`~simulator.training.timeline.Timeline`, which keeps a resumable
frame at epoch ends; ``{"frames", "step"}`` when it kept one).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.backend import to_numpy
from simulator.data import Dataset
from simulator.data.prepare import fit_input
from simulator.data.preprocessing import Preprocessor
from simulator.errors import DataError
from simulator.network import Network, compile_network
from simulator.spec import NetworkSpec
from simulator.training.checkpoint import CheckpointProbe
from simulator.training.fork import ForkRun
from simulator.training.probes import (
    Bounds,
    default_probes,
    grid_points,
    layer_outputs,
    layer_values,
    network_lock,
)
from simulator.training.timeline import Timeline
from simulator.training.trainer import Trainer, TrainerControl
from simulator.training.units import units_probe

GRID_RESOLUTION = 80
#: Grid of each unit's heat map in the units view (small tiles).
UNIT_GRID_RESOLUTION = 32
CURVE_POINTS = 200
#: Samples whose activations every snapshot carries (the feature-map panel's choice).
SAMPLE_POOL = 16
#: Samples in the fixed batch that measures dead and saturated units.
PROBE_BATCH = 128
#: Seconds between snapshots: often enough to look live, rare enough to keep training fast.
SNAPSHOT_INTERVAL = 0.2

Probe = Any


class ChosenSample:
    """A network input chosen in the GUI thread, handed to a probe in the worker thread: an
    (index, network input) pair, replaced whole under a lock and never modified (the input
    array is read-only). The index is the dataset index of a sample chosen in the dataset
    view (``chosen``), or the request number of an input typed in the inspector (``typed``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: tuple[int, np.ndarray] | None = None

    def set(self, index: int, x: np.ndarray) -> None:
        x = np.array(x)
        x.setflags(write=False)
        with self._lock:
            self._value = (int(index), x)

    def get(self) -> tuple[int, np.ndarray] | None:
        with self._lock:
            return self._value


class SharedBounds:
    """The area the decision grid covers, (x0, x1, y0, y1): set by the boundary plot in the GUI
    thread (the area it shows, which follows its size and zoom), read by the ``decision`` probe
    in the worker thread; replaced whole under a lock."""

    def __init__(self, bounds: Bounds) -> None:
        self._lock = threading.Lock()
        self._value = self._checked(bounds)

    @staticmethod
    def _checked(bounds: Bounds) -> Bounds:
        grid_points(bounds, 2)   # a clear DataError for bounds no grid can cover
        x0, x1, y0, y1 = (float(b) for b in bounds)
        return x0, x1, y0, y1

    def set(self, bounds: Bounds) -> None:
        value = self._checked(bounds)
        with self._lock:
            self._value = value

    def get(self) -> Bounds:
        with self._lock:
            return self._value


@dataclass
class TrainingSession:
    spec: NetworkSpec
    dataset: Dataset
    network: Network
    trainer: Trainer
    x_train: np.ndarray
    y_train: np.ndarray
    grid_bounds: tuple[float, float, float, float] | None = None
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    #: The samples of the ``samples`` probe (network inputs) and their targets.
    sample_x: np.ndarray | None = None
    sample_y: np.ndarray | None = None
    #: (low, high) of the input of a 1-input network (the ``curve`` probe's range).
    curve_range: tuple[float, float] | None = None
    #: The run's preprocessing (fitted on the training split), for samples picked later.
    preprocessor: Preprocessor | None = None
    #: The sample the ``chosen`` probe measures (set with :meth:`choose_sample`).
    chosen: ChosenSample = field(default_factory=ChosenSample)
    #: The typed input the ``typed`` probe measures (set with :meth:`probe_input`).
    typed: ChosenSample = field(default_factory=ChosenSample)
    #: The ``checkpoint`` probe: ``request()`` it for a copy of the run at the next epoch end.
    checkpoints: CheckpointProbe | None = None
    #: The area the ``decision`` probe covers (networks with 2 inputs).
    grid_area: SharedBounds | None = None
    #: The run's frames (the ``timeline`` probe), for the scrubber, forks and animations.
    timeline: Timeline | None = None
    #: Runs forked from this one (saved in the project).
    forks: list[ForkRun] = field(default_factory=list)

    @property
    def task(self) -> str:
        return self.dataset.task

    @property
    def class_names(self) -> list[str]:
        return list(self.dataset.class_names)

    def network_input(self, index: int) -> np.ndarray:
        """Dataset sample ``index`` as the network sees it: (1, *input_shape), reshaped and
        preprocessed like the run's training data."""
        if not 0 <= index < len(self.dataset):
            raise DataError(f"sample {index} is outside the dataset's {len(self.dataset)}")
        return self.as_network_input(np.asarray(self.dataset.x[index:index + 1]))

    def as_network_input(self, x: np.ndarray) -> np.ndarray:
        """Raw samples ``x`` (with a batch axis, in the data's units) as the network sees
        them: reshaped and preprocessed like the run's training data."""
        x = fit_input(np.asarray(x), self.spec.input_shape)
        if self.preprocessor is not None:
            x = self.preprocessor.transform(x)
        return np.asarray(x, dtype=np.dtype(self.spec.training.dtype))

    def choose_sample(self, index: int) -> np.ndarray:
        """Have the ``chosen`` probe measure dataset sample ``index`` from its next run on
        (safe while the worker trains); returns the sample in network-input form."""
        x = self.network_input(index)
        self.chosen.set(index, x)
        return x

    def typed_input(self, values: Sequence[float], preprocess: bool = False) -> np.ndarray:
        """Numbers typed by a user as the network's input (1, *input_shape); with
        ``preprocess`` they are in the data's units and go through the run's preprocessing
        first. A DataError says how many numbers the network takes."""
        x = np.asarray(values, dtype=np.float64).reshape(1, -1)
        size = math.prod(self.spec.input_shape)
        if x.shape[1] != size:
            raise DataError(f"the network takes {size} number(s) (its input shape is "
                            f"{list(self.spec.input_shape)}), got {x.shape[1]}")
        x = x.reshape((1, *self.spec.input_shape))
        if preprocess and self.preprocessor is not None:
            x = self.preprocessor.transform(x)
        return np.asarray(x, dtype=np.dtype(self.spec.training.dtype))

    def probe_input(self, request: int, x: np.ndarray) -> None:
        """Have the ``typed`` probe measure network input ``x`` from its next run on (safe
        while the worker trains); ``request`` comes back with its result."""
        self.typed.set(request, x)

    def typed_values(self) -> dict[str, Any]:
        """The ``typed`` probe's result, computed now in the calling thread: only while no
        worker is training this session's network."""
        return typed_input_probe(self.typed)(self.network)

    def chosen_outputs(self) -> dict[str, Any]:
        """The ``chosen`` probe's result, computed now in the calling thread: only while no
        worker is training this session's network."""
        return chosen_sample_probe(self.chosen)(self.network)

    def probe_now(self, name: str) -> dict[str, Any] | None:
        """Probe ``name`` measured now in the calling thread, or None while a run trains the
        network (never waits: that run's snapshots bring the measurement)."""
        lock = network_lock(self.network)
        if not lock.acquire(blocking=False):
            return None
        try:
            probe = self.trainer.probes.get(name)
            return None if probe is None else probe(self.network)
        finally:
            lock.release()


def _split(dataset: Dataset, spec: NetworkSpec) -> tuple[Any, Any, Any, Any, Any]:
    from simulator.data import prepare

    prepared = prepare(dataset, spec.training, spec.input_shape)
    return prepared.x_train, prepared.y_train, prepared.x_val, prepared.y_val, prepared


def padded_bounds(x: np.ndarray, pad: float = 0.1) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) around the first two columns of ``x``, ``pad`` of the span added."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.maximum(hi - lo, 1e-6)
    return (float(lo[0] - pad * span[0]), float(hi[0] + pad * span[0]),
            float(lo[1] - pad * span[1]), float(hi[1] + pad * span[1]))


def curve_probe(low: float, high: float, points: int = CURVE_POINTS) -> Probe:
    """The network's first output over ``points`` inputs from ``low`` to ``high``."""
    xs = np.linspace(low, high, points)

    def probe(network: Network) -> dict[str, Any]:
        out = network.predict(xs[:, None])
        return {"x": xs, "y": np.asarray(out, dtype=np.float64).reshape(points, -1)[:, 0]}

    return probe


def outputs_by_layer(network: Network, batch: Any, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """{"input": inputs, layer: (K, ...) output} for the backend array ``batch``."""
    result = {"input": inputs}
    for name, _, out in layer_outputs(network, batch):
        result[name] = np.array(to_numpy(out))
    return result


def sample_pool_probe(network: Network, x_pool: np.ndarray) -> Probe:
    """Every layer's output for each sample of ``x_pool``: {"input": (K, ...), layer: (K, ...)}."""
    batch = network.backend.asarray(network.check_input(x_pool))
    inputs = np.array(to_numpy(batch))
    return lambda net: outputs_by_layer(net, batch, inputs)


def chosen_sample_probe(chosen: ChosenSample) -> Probe:
    """Every layer's output for the chosen sample: {"index": its index in the dataset,
    "outputs": {"input": (1, ...), layer: (1, ...)}}, or {} while none is chosen."""

    def probe(net: Network) -> dict[str, Any]:
        value = chosen.get()
        if value is None:
            return {}
        index, x = value
        batch = net.backend.asarray(np.array(x))   # a writable copy: the layers get their own
        return {"index": index, "outputs": outputs_by_layer(net, batch, np.array(x))}

    return probe


def typed_input_probe(typed: ChosenSample) -> Probe:
    """Every unit's z and a (:func:`simulator.training.probes.layer_values`) for the typed
    input: {"index": its request number, "values": ...}, or {} while none is typed."""

    def probe(net: Network) -> dict[str, Any]:
        value = typed.get()
        if value is None:
            return {}
        request, x = value
        return {"index": request, "values": layer_values(net, np.array(x))}

    return probe


def build_probes(network: Network, x_train: np.ndarray, x_pool: np.ndarray,
                 bounds: SharedBounds | None,
                 curve_range: tuple[float, float] | None,
                 chosen: ChosenSample | None = None,
                 typed: ChosenSample | None = None) -> dict[str, Probe]:
    probes = default_probes(network, x_train, probe_size=PROBE_BATCH,
                            grid_bounds=None if bounds is None else bounds.get,
                            grid_resolution=GRID_RESOLUTION)
    probes.pop("sample", None)   # replaced by the pool below
    probes["samples"] = sample_pool_probe(network, x_pool)
    if chosen is not None:
        probes["chosen"] = chosen_sample_probe(chosen)
    if typed is not None:
        probes["typed"] = typed_input_probe(typed)
    if curve_range is not None:
        probes["curve"] = curve_probe(*curve_range)
    # The unit heat maps cover the data's own area (the boundary plot's zoom does not move them).
    units = units_probe(network, None if bounds is None else bounds.get(),
                        UNIT_GRID_RESOLUTION)
    if units is not None:
        probes["units"] = units
    return probes


def build_session(spec: NetworkSpec, dataset: Dataset, backend: str = "numpy") -> TrainingSession:
    x_train, y_train, x_val, y_val, prepared = _split(dataset, spec)
    network = compile_network(spec, backend)
    x_train, y_train = np.asarray(x_train), np.asarray(y_train)
    has_val = x_val is not None and len(x_val) > 0
    pool_x, pool_y = (x_val, y_val) if has_val else (x_train, y_train)
    sample_x = np.asarray(pool_x)[:SAMPLE_POOL]
    sample_y = np.asarray(pool_y)[:SAMPLE_POOL]
    bounds = curve_range = area = None
    flat = x_train.reshape(len(x_train), -1)
    if tuple(spec.input_shape) == (2,):   # every point in view: the validation ones too
        every = np.concatenate([flat, np.asarray(x_val).reshape(len(x_val), -1)]) if has_val \
            else flat
        bounds = padded_bounds(every)
        area = SharedBounds(bounds)
    elif tuple(spec.input_shape) == (1,) and spec.infer_shapes()[-1].output_shape == (1,):
        low, high = float(flat.min()), float(flat.max())
        pad = 0.1 * max(high - low, 1e-6)
        curve_range = (low - pad, high + pad)
    chosen, typed = ChosenSample(), ChosenSample()
    probes = build_probes(network, x_train, sample_x, area, curve_range, chosen, typed)
    trainer = Trainer(network, spec.training, x_train, y_train, x_val, y_val,
                      control=TrainerControl(), probes=probes,
                      snapshot_interval=SNAPSHOT_INTERVAL)
    checkpoints = CheckpointProbe(trainer)
    timeline = Timeline(trainer)
    trainer.epoch_probes.update(checkpoint=checkpoints, timeline=timeline)
    return TrainingSession(
        spec, dataset, network, trainer, x_train, y_train, bounds,
        x_val=np.asarray(x_val) if has_val else None,
        y_val=np.asarray(y_val) if has_val else None,
        sample_x=sample_x, sample_y=sample_y, curve_range=curve_range,
        preprocessor=prepared.preprocessor, chosen=chosen, typed=typed,
        checkpoints=checkpoints, grid_area=area, timeline=timeline,
    )
