"""``backprop-studio evaluate``: loss, accuracy and confusion matrix of a model on data.

The data's labels are matched to the classes stored in the model by name ("setosa" is the
model's "setosa" wherever it sits in either list), and by value for whole-number labels when
the model's classes are not whole numbers; a label the model never saw is an error naming it.
So a test file holding only some of the classes scores as it should.

Which rows are scored (``--split``): ``train`` or ``val``, the parts of the training's own split
(the same data, ``validation_split`` and seed give the same rows); ``test``, the data's own test
part (an ``.npz`` with ``x_test``); or ``all``. By default: ``test`` when the data has one, else
``val`` for a built-in dataset (so a built-in is never scored on the samples it trained on),
else ``all`` (a file given to evaluate is taken to be held-out data).
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any, TextIO

import numpy as np

from simulator.cli.inputs import load_runnable, open_dataset
from simulator.cli.outputs import messages
from simulator.data import Dataset, builtin_datasets
from simulator.data.prepare import split_of
from simulator.errors import DataError
from simulator.io import LoadedModel
from simulator.training.metrics import n_classes_of
from simulator.training.trainer import Trainer

#: Class names shown in a message before "…".
SHOWN_NAMES = 20


def run_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    model = load_runnable(args.model)
    dataset = open_dataset(args.data, dict(args.data_options), messages(args))
    split, x, y = choose_rows(dataset, model, args.split)
    model.network.check_input(x)   # the samples' shape first, then their labels
    result = {"split": split, **evaluate_model(model, x, model_targets(model, dataset, y))}
    if args.json:
        print(json.dumps(result, allow_nan=False), file=out)
        return 0
    loss = "n/a" if result["loss"] is None else f"{result['loss']:.4f}"
    print(f"samples   {result['samples']} ({result['split']})\nloss      {loss}", file=out)
    if "accuracy" in result:
        print(f"accuracy  {result['accuracy']:.4f}", file=out)
        print(_confusion_table(result["confusion_matrix"], result["class_names"]), file=out)
    return 0


def choose_rows(dataset: Dataset, model: LoadedModel, split: str | None
                ) -> tuple[str, np.ndarray, np.ndarray]:
    """(split name, samples, labels) of the rows to score; see the module docstring."""
    config = model.spec.training
    has_test = dataset.x_test is not None and dataset.y_test is not None
    if split is None:
        builtin = dataset.source in builtin_datasets()
        split = "test" if has_test else "val" if builtin and config.validation_split > 0 \
            else "all"
    if split == "all":
        return split, dataset.x, dataset.y
    if split == "test":
        if dataset.x_test is None or dataset.y_test is None:
            raise DataError(f"dataset '{dataset.name}' has no test part of its own; use "
                            "--split val (the part the training held out) or --split all")
        return split, dataset.x_test, dataset.y_test
    rows = split_of(dataset, config)
    chosen = rows.train if split == "train" else rows.val
    if not len(chosen):
        raise DataError(f"the model was trained with validation_split "
                        f"{config.validation_split}, so no rows were held out; use --split all")
    return split, dataset.x[chosen], dataset.y[chosen]


def model_targets(model: LoadedModel, dataset: Dataset, y: np.ndarray) -> np.ndarray:
    """``y`` in the model's terms: class labels mapped onto the model's classes."""
    loss = model.spec.training.loss
    if model.task != "classification":
        if dataset.task == "classification":
            raise DataError(f"the model fits numbers (loss '{loss}') but the data has class "
                            "labels; if they are numbers, read the data with "
                            "--data-option task=regression")
        return y
    classes = n_classes_of(model.network.infos[-1].output_shape)
    if dataset.task != "classification":
        raise DataError(f"the model sorts samples into {classes} classes but the data's "
                        "targets are numbers (a regression dataset)")
    names = model.class_names or [str(i) for i in range(classes)]
    present = np.unique(y).tolist()
    mapping = class_mapping([dataset.class_names[i] for i in present], names)
    table = np.zeros(len(dataset.class_names), dtype=np.int64)
    table[present] = mapping
    return table[y]


def class_mapping(labels: list[str], names: list[str]) -> list[int]:
    """The model's class index for each label: by name, else by value for a whole-number
    label when the model's names are not whole numbers; a DataError names what is unknown."""
    index = {name: i for i, name in enumerate(names)}
    by_value = not all(_whole(name) for name in names)
    found, unseen = [], []
    for label in labels:
        if label in index:
            found.append(index[label])
        elif by_value and _whole(label) and 0 <= int(label) < len(names):
            found.append(int(label))
        else:
            unseen.append(label)
    if unseen:
        shown = ", ".join(repr(label) for label in unseen[:5]) + (" …" if len(unseen) > 5 else "")
        listed = ", ".join(names[:SHOWN_NAMES]) + (f" … ({len(names)} in all)"
                                                   if len(names) > SHOWN_NAMES else "")
        raise DataError(f"the data has label{'s' if len(unseen) > 1 else ''} {shown}, which "
                        f"the model never saw; its classes are: {listed}")
    return found


def _whole(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def evaluate_model(model: LoadedModel, x: Any, y: Any) -> dict[str, Any]:
    """Loss (and accuracy, confusion matrix) of ``model`` on RAW samples ``x`` with targets
    ``y`` in the model's terms (see :func:`model_targets`)."""
    network = model.network
    inputs = model.preprocess(x)
    targets = np.asarray(y)
    if len(targets) != len(inputs):
        raise DataError(f"{len(inputs)} samples but {len(targets)} targets")
    trainer = Trainer(network, network.spec.training, inputs, targets)
    loss, accuracy, confusion = trainer.evaluate(inputs, targets)
    result: dict[str, Any] = {"samples": len(inputs),
                              "loss": loss if math.isfinite(loss) else None}
    if accuracy is not None and confusion is not None:
        result["accuracy"] = accuracy
        result["confusion_matrix"] = confusion.tolist()
        result["class_names"] = model.class_names or [str(i) for i in range(len(confusion))]
    return result


def _confusion_table(matrix: list[list[int]], names: list[str]) -> str:
    labels = [str(n) for n in names]
    width = max([len(s) for s in labels] + [len(str(v)) for row in matrix for v in row]) + 2
    lines = ["confusion matrix (rows: true class, columns: predicted class)",
             " " * width + "".join(s.rjust(width) for s in labels)]
    lines += [label.rjust(width) + "".join(str(v).rjust(width) for v in row)
              for label, row in zip(labels, matrix, strict=True)]
    return "\n".join(lines)
