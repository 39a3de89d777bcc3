"""The registry of built-in datasets the UI lists and ``load_dataset`` knows by name.

:data:`BUILTINS` holds one :class:`BuiltinInfo` per dataset, in the order the UI lists them;
the generators themselves live in :mod:`toy2d`, :mod:`regression`, :mod:`images` and
:mod:`tables`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.data.builtin import images, regression, tables, toy2d
from simulator.data.dataset import Dataset, Task
from simulator.data.options import reject_unknown
from simulator.errors import DataError
from simulator.registry import Registry


@dataclass(frozen=True)
class BuiltinInfo:
    """What the UI shows about a built-in dataset, and how to make it.

    ``preprocessing`` is the ``TrainingConfig.preprocessing`` that suits the data (the UI may
    pre-select it); ``sample_shape`` is the shape of one sample with the default options.
    """

    name: str
    description: str
    category: str
    lesson: str
    task: Task
    sample_shape: tuple[int, ...]
    preprocessing: str
    make: Callable[..., Dataset] = field(repr=False, compare=False)

    @property
    def defaults(self) -> dict[str, Any]:
        """The options this dataset takes, with their default values (a fresh dict)."""
        return {name: p.default for name, p in inspect.signature(self.make).parameters.items()}

    def load(self, **options: Any) -> Dataset:
        reject_unknown(f"built-in dataset '{self.name}'", options, self.defaults)
        dataset = self.make(**options)
        dataset.source = self.name
        return dataset


def _info(make: Callable[..., Dataset], description: str, category: str, lesson: str,
          shape: tuple[int, ...], task: Task = "classification",
          preprocessing: str = "none") -> BuiltinInfo:
    return BuiltinInfo(make.__name__, description, category, lesson, task, shape,
                       preprocessing, make)


_TOY, _REG = "2-D classification", "regression"
BUILTINS: Registry[BuiltinInfo] = Registry("built-in dataset", fold_case=False, error=DataError)
for _entry in (
    _info(toy2d.circles, "A disc of one class inside a ring of the other", _TOY,
          "Decision boundaries: a ring needs a hidden layer", (2,)),
    _info(toy2d.xor, "Exclusive or: opposite quadrants share a class", _TOY,
          "The perceptron's limit: no single line separates XOR", (2,)),
    _info(toy2d.blobs, "Gaussian clusters, one per class (2-10 classes)", _TOY,
          "Softmax over several classes", (2,)),
    _info(toy2d.spiral, "Interleaved spiral arms, one per class (2-10 classes)", _TOY,
          "Depth and width: the hardest 2-D boundary", (2,)),
    _info(toy2d.moons, "Two interleaving half circles", _TOY,
          "Non-linear boundaries and overfitting", (2,)),
    _info(regression.sine, "y = sin(pi x) with noise", _REG,
          "Universal approximation: fitting a curve", (1,), "regression"),
    _info(regression.polynomial, "y = 2x^3 - x with noise", _REG,
          "Universal approximation: fitting a polynomial", (1,), "regression"),
    _info(regression.step, "A jump from -0.5 to 0.5 at x = 0", _REG,
          "Universal approximation: steep units build a step", (1,), "regression"),
    _info(regression.surface, "y = sin(pi x1) cos(pi x2 / 2) on a square", _REG,
          "Regression with two inputs", (2,), "regression"),
    _info(images.digits, "Real handwritten digits, 8x8, grey levels 0..16", "images",
          "Classifying real images: 64 inputs, 10 classes", (1, 8, 8),
          preprocessing="minmax"),
    _info(images.digits16, "The handwritten digits upscaled to 16x16", "images",
          "The 16x16 = 256 inputs example", (1, 16, 16), preprocessing="minmax"),
    _info(images.shapes, "Circles, squares, triangles and lines, 28x28", "images",
          "Convolutions: feature maps that find edges and corners", (1, 28, 28)),
    _info(tables.course_table, "The course's 4-row table: 3 features, classes 0/1",
          "tabular", "A forward pass by hand", (3,)),
):
    BUILTINS.add(_entry.name, _entry)


def builtin_datasets() -> dict[str, BuiltinInfo]:
    """Every built-in dataset by name, in the order the UI lists them (a copy)."""
    return dict(BUILTINS.items())
