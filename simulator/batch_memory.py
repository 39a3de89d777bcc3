"""How much memory a batch of a design needs, estimated from its inferred shapes.

Parameters are capped by the design (``spec.MAX_PARAMS``); activations are not, and they grow
with the batch: ``padding: 100000`` on a small image asks for terabytes, a single sample
through 1,000 filters on a 1,000×1,000 image for 3.7 GiB. Before a batch runs, its estimate is
compared with :func:`simulator.memory.budget`, and a batch that cannot fit is refused with a
:class:`SpecError` that names the layer that needs the most and says what to change.

The estimate per sample (values of the network's dtype):

- training: every layer's output three times (the forward value, what the layer keeps for
  backward, and the gradient flowing back) plus its working copies
  (:meth:`Layer.scratch_size`), and five copies of the parameters (values, gradients and up
  to three optimizer slots);
- inference: every layer's output once (the forward pass keeps each until it ends) plus the
  largest layer's working copies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from simulator import memory
from simulator.errors import SpecError
from simulator.spec import LayerInfo

#: Copies of each layer's output alive during a training step.
TRAINING_COPIES = 3
#: Copies of the parameters during training (values, gradients, optimizer slots).
PARAMETER_COPIES = 5


def per_sample(infos: Sequence[LayerInfo], training: bool) -> list[int]:
    """Values each layer needs per sample (in the order of ``infos``)."""
    if training:
        return [TRAINING_COPIES * math.prod(i.output_shape) + i.scratch[0] for i in infos]
    return [math.prod(i.output_shape) + i.scratch[1] for i in infos]


def batch_bytes(infos: Sequence[LayerInfo], batch: int, itemsize: int, training: bool) -> int:
    """Estimated bytes one batch of ``batch`` samples needs."""
    values = per_sample(infos, training)
    params = sum(i.param_count for i in infos)
    if training:
        return itemsize * (batch * sum(values) + PARAMETER_COPIES * params)
    scratch = max((i.scratch[1] for i in infos), default=0)
    outputs = sum(math.prod(i.output_shape) for i in infos)
    return itemsize * (batch * (outputs + scratch) + params)


def fitting_batch(infos: Sequence[LayerInfo], wanted: int, itemsize: int, training: bool,
                  ) -> int:
    """The largest batch up to ``wanted`` that fits in memory now (at least 1), or a
    :class:`SpecError` when a single sample does not fit."""
    room = memory.budget()
    if batch_bytes(infos, wanted, itemsize, training) <= room:
        return wanted
    one = batch_bytes(infos, 1, itemsize, training)
    if one > room:
        raise _too_big(infos, 1, one, room, itemsize, training)
    per = max(batch_bytes(infos, 2, itemsize, training) - one, 1)
    return max(1, min(wanted, 1 + (room - one) // per))


def check_batch(infos: Sequence[LayerInfo], batch: int, itemsize: int, training: bool) -> None:
    """Refuse a batch of ``batch`` samples that cannot fit in memory now."""
    need, room = batch_bytes(infos, batch, itemsize, training), memory.budget()
    if need > room:
        raise _too_big(infos, batch, need, room, itemsize, training)


def _too_big(infos: Sequence[LayerInfo], batch: int, need: int, room: int, itemsize: int,
             training: bool) -> SpecError:
    values = per_sample(infos, training)
    worst = max(range(len(infos)), key=values.__getitem__)
    info = infos[worst]
    shape = "×".join(map(str, info.output_shape))
    samples = "one sample" if batch == 1 else f"a batch of {batch:,} samples"
    task = "training on" if training else "running"
    head = (f"{task} {samples} would need about {memory.human_bytes(need)} of memory "
            f"(this layer's output is {shape} values per sample), more than this machine can "
            f"spare now ({memory.human_bytes(room)}); ")
    fits_one = batch > 1 and batch_bytes(infos, 1, itemsize, training) <= room
    if fits_one:
        best = fitting_batch(infos, batch, itemsize, training)
        fix = (f"use a batch size of at most {best:,}, or make this layer's output smaller "
               "(fewer filters or units, less padding, a larger stride or smaller images)")
    else:
        fix = ("make this layer's output smaller: fewer filters or units, less padding, a "
               "larger stride, or smaller images")
    return SpecError(head + fix, layer=info.name)
