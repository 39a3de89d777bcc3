"""Loss functions: softmax cross-entropy, binary cross-entropy, MSE and MAE.

``value_and_grad(y_pred, target, xp, fused)`` returns the mean loss over the batch and its
gradient; it is the one definition of each loss (training and evaluation both call it).
Without a fused activation, cross-entropy reads the outputs as logits.

**Fusing the output activation with the loss** (the one place it is decided): when the
network's output layer ends in the activation a loss names in ``fuses_with`` (softmax for
cross-entropy, sigmoid for binary cross-entropy), :meth:`Loss.fuse` returns that activation
object and asks it to keep its input z (``keep_logits``). ``value_and_grad`` with that
``fused`` activation computes the loss from the logits and returns the gradient with respect
to them, ``(p - y) / N``, which is exact and numerically stable; the network then calls the
output layer's ``backward_linear`` instead of ``backward``, skipping the activation's own step
(see :class:`simulator.layers.base.Layer`).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from simulator.activations import Activation
from simulator.backend import Array
from simulator.errors import DataError
from simulator.registry import Registry

EPS = 1e-7


def one_hot_like(target: Array, pred: Array, xp: Any) -> Array:
    """Targets as a float array shaped like ``pred``: integer labels become one-hot rows."""
    if target.ndim == 1 and pred.ndim == 2 and (pred.shape[1] > 1 or target.dtype.kind in "iu"):
        if pred.shape[1] == 1:
            return target.reshape(-1, 1).astype(pred.dtype)
        onehot = xp.zeros(pred.shape, dtype=pred.dtype)
        onehot[xp.arange(target.shape[0]), target.astype(xp.int64)] = 1.0
        return onehot
    return target.reshape(pred.shape).astype(pred.dtype, copy=False)


class Loss:
    name: ClassVar[str] = ""
    #: Name of the output activation whose gradient this loss can fuse with.
    fuses_with: ClassVar[str | None] = None
    #: Whether accuracy is a meaningful metric alongside this loss.
    classification: ClassVar[bool] = False

    def fuse(self, activation: Activation | None) -> Activation | None:
        """The output ``activation`` if this loss absorbs its gradient, else None.

        A fused activation keeps its logits from now on, so the loss can be computed from
        them exactly (see the module docstring).
        """
        if activation is None or activation.name != self.fuses_with:
            return None
        activation.keep_logits = True
        return activation

    def value_and_grad(
        self, y_pred: Array, target: Array, xp: Any, fused: Activation | None = None
    ) -> tuple[Array, Array]:
        raise NotImplementedError

    def check_targets(self, y: Any, output_shape: tuple[int, ...], layer: str | None = None,
                      classes: int | None = None) -> None:
        """Raise a DataError when targets ``y`` (NumPy) cannot be compared with the output.

        Class labels (integers) are refused with a regression loss, beyond the output's
        classes, and when the output has a unit per class but the data has another number of
        classes. ``classes`` is the data's number of classes; by default the largest label + 1,
        right when ``y`` holds all the data's labels (a caller that sees only a part of the
        data passes the count it knows). ``layer`` names the layer whose units set the output
        size, for a precise fix.
        """
        y = np.asarray(y)
        if y.ndim <= 2 and len(output_shape) != 1:
            raise DataError(f"the network's output has shape {list(output_shape)}; it must be "
                            "a vector (add Flatten and a Dense layer at the end)")
        width = int(np.prod(output_shape))
        fix = f"set the units of layer '{layer}' to" if layer else "set the last layer's units to"
        if y.ndim == 1 and y.dtype.kind in "iub":
            self._check_labels(y, width, fix, classes)
        elif y.ndim == 2 and y.shape[1] != width:
            raise DataError(f"each target has {y.shape[1]} values but the network's output "
                            f"has {width}; " + (f"{fix} {y.shape[1]}" if layer else
                                                  f"make the last layer's units {y.shape[1]}"))
        elif y.ndim == 1 and y.dtype.kind == "f" and width != 1:
            raise DataError(f"the targets are single numbers but the network's output has "
                            f"{width} units; use 1 unit for regression")

    def _check_labels(self, y: np.ndarray, width: int, fix: str, classes: int | None) -> None:
        seen = int(y.max()) + 1 if len(y) else 0
        if not self.classification:
            raise DataError(
                f"the targets are class labels ({seen} classes) but the loss '{self.name}' "
                f"fits numbers; use the loss 'cross_entropy' with a Softmax output of "
                f"{max(seen, 2)} units, or, if the labels are numbers to fit, read the data "
                "with task=regression (--data-option task=regression)")
        if not len(y):
            return
        if int(y.min()) < 0 or seen > max(width, 2):
            raise DataError(f"the labels run from {int(y.min())} to {seen - 1} ({seen} classes) "
                            f"but the network's output has {width} unit(s); {fix} {seen}")
        count = seen if classes is None else classes
        if count == 1:
            raise DataError("the data has only one class; a classifier needs at least two")
        if (width > count) or (classes is not None and max(width, 2) != count):
            sigmoid = " (or 1 with a sigmoid)" if count == 2 and self.fuses_with == "sigmoid" \
                else ""
            raise DataError(f"the data has {count} classes but the network's output has {width} "
                            f"units, one per class; {fix} {count}{sigmoid}")

    def get_config(self) -> str:
        return self.name


LOSSES: Registry[type[Loss]] = Registry("loss")


@LOSSES.register(aliases=("categorical_crossentropy", "crossentropy", "ce"))
class CrossEntropy(Loss):
    """L = -1/N Σ_i Σ_k y_ik log ŷ_ik (integer labels or one-hot rows)."""

    name = "cross_entropy"
    fuses_with = "softmax"
    classification = True

    def value_and_grad(self, y_pred, target, xp, fused=None):
        n = y_pred.shape[0]
        # Without a softmax output layer, the outputs are read as logits.
        logits = fused.logits if fused is not None else y_pred
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = xp.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        probs = y_pred if fused is not None else exp / total
        shifted -= xp.log(total)                             # log-probabilities
        onehot = one_hot_like(target, y_pred, xp)
        loss = -(onehot * shifted).sum() / n
        return loss, (probs - onehot) / n


@LOSSES.register(aliases=("bce", "binary_crossentropy"))
class BinaryCrossEntropy(Loss):
    """L = -1/N Σ [y log p + (1 - y) log(1 - p)] for one sigmoid output (or several).

    Fused with a sigmoid that keeps its input (``fused.logits``), the loss is computed from
    the logits z as ``max(z, 0) - z·y + log(1 + e^-|z|)``, exact even where p rounds to 0 or 1;
    otherwise p is clipped to [1e-7, 1 - 1e-7] so the loss stays finite.
    """

    name = "binary_cross_entropy"
    fuses_with = "sigmoid"
    classification = True

    def value_and_grad(self, y_pred, target, xp, fused=None):
        n = y_pred.shape[0]
        y = one_hot_like(target, y_pred, xp)
        logits = None if fused is None else fused.logits
        if logits is not None and logits is not y_pred:
            loss = (xp.maximum(logits, 0) - logits * y
                    + xp.log1p(xp.exp(-xp.abs(logits)))).sum() / n
            return loss, (y_pred - y) / n
        p = xp.clip(y_pred, EPS, 1.0 - EPS)
        loss = -(y * xp.log(p) + (1.0 - y) * xp.log(1.0 - p)).sum() / n
        if fused is not None:
            return loss, (y_pred - y) / n
        return loss, (p - y) / (p * (1.0 - p)) / n


@LOSSES.register(aliases=("mean_squared_error",))
class MeanSquaredError(Loss):
    """L = 1/n Σ (y - ŷ)², averaged over samples and outputs."""

    name = "mse"

    def value_and_grad(self, y_pred, target, xp, fused=None):
        diff = y_pred - one_hot_like(target, y_pred, xp)
        return (diff * diff).mean(), diff * (2.0 / diff.size)


@LOSSES.register(aliases=("mean_absolute_error",))
class MeanAbsoluteError(Loss):
    """L = 1/n Σ |y - ŷ|, averaged over samples and outputs."""

    name = "mae"

    def value_and_grad(self, y_pred, target, xp, fused=None):
        diff = y_pred - one_hot_like(target, y_pred, xp)
        return xp.abs(diff).mean(), xp.sign(diff) / diff.size


def loss_names() -> list[str]:
    return LOSSES.names()


def get_loss(spec: str | Loss) -> Loss:
    """The loss named ``spec`` (any registered name or alias), or ``spec`` itself."""
    return spec if isinstance(spec, Loss) else LOSSES.get(spec)()
