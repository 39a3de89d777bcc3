"""``backprop-studio predict`` and ``export``: run a model on new samples, or write it as ONNX.

``predict`` writes CSV with a header row: for a classifier the predicted class's name and the
probability of each class (``class,p(setosa),p(versicolor),...``), for a regression model the
outputs (``y`` or ``y1,y2,...``); with ``--json`` one JSON object per input row instead. The
input is read and predicted a chunk at a time, so its size is not bounded by memory. A sample
whose prediction is NaN or infinite is written as ``nan`` (``null`` in JSON) with no class,
and the command then fails naming the samples.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TextIO

import numpy as np

from simulator.cli.inputs import input_path, load_runnable, read_samples
from simulator.cli.outputs import check_output, messages
from simulator.errors import DataError
from simulator.io import LoadedModel, export_onnx
from simulator.losses import get_loss

#: Samples named in the message about non-finite predictions.
SHOWN_SAMPLES = 10


@dataclass
class Columns:
    """How one row of outputs becomes the printed columns."""

    model: LoadedModel
    classes: list[str] = field(default_factory=list)
    #: "probabilities" (outputs are probabilities), "softmax" or "sigmoid" (outputs are logits
    #: for that function), for a classifier; "" for a regression model.
    reading: str = ""

    @classmethod
    def of(cls, model: LoadedModel) -> Columns:
        width = int(np.prod(model.network.infos[-1].output_shape))
        if model.task != "classification":
            return cls(model)
        names = model.class_names or [str(i) for i in range(max(width, 2))]
        activation = model.network.output_activation
        name = activation.name if activation is not None else ""
        if name in ("softmax", "sigmoid"):
            reading = "probabilities"
        else:
            loss = get_loss(model.spec.training.loss)
            reading = "sigmoid" if width == 1 or loss.fuses_with == "sigmoid" else "softmax"
        return cls(model, names, reading)

    def header(self) -> list[str]:
        if self.reading:
            return ["class", *(f"p({name})" for name in self.classes)]
        width = int(np.prod(self.model.network.infos[-1].output_shape))
        return ["y"] if width == 1 else [f"y{i}" for i in range(1, width + 1)]

    def values(self, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(the numbers to print per row, the class index per row or None)."""
        flat = outputs.reshape(len(outputs), -1)
        if not self.reading:
            return flat, None
        with np.errstate(over="ignore", invalid="ignore"):
            if self.reading == "softmax":
                shifted = np.exp(flat - flat.max(axis=1, keepdims=True))
                flat = shifted / shifted.sum(axis=1, keepdims=True)
            elif self.reading == "sigmoid":
                flat = 1.0 / (1.0 + np.exp(-flat))
            if flat.shape[1] == 1:
                flat = np.concatenate([1.0 - flat, flat], axis=1)
        return flat, flat.argmax(axis=1)


@dataclass
class Tally:
    samples: int = 0
    broken: list[int] = field(default_factory=list)
    broken_count: int = 0


def run_predict(args: argparse.Namespace, out: TextIO) -> int:
    output = check_output(args.output, "--output", [("model", input_path(args.model)),
                                                    ("input file", input_path(args.input))],
                          args.force) if args.output else check_output("-", "--output")
    model = load_runnable(args.model)
    columns = Columns.of(model)
    tally = Tally()
    warn = messages(args)

    samples = read_samples(args.input, warn)
    first = next(samples)               # the input opens and fits before anything is written
    model.network.check_input(first)

    def write(handle: BinaryIO) -> None:
        for text in _lines(columns, itertools.chain([first], samples), args.json, tally):
            handle.write(text.encode("utf-8"))

    output.write(write)
    if tally.broken_count:
        shown = ", ".join(map(str, tally.broken)) + (" …" if tally.broken_count > len(
            tally.broken) else "")
        raise DataError(f"{tally.broken_count} of {tally.samples} predictions are NaN or "
                        f"infinite (samples {shown}); check those inputs for huge values and "
                        "the model's weights and preprocessing")
    return 0


def _lines(columns: Columns, chunks: Iterator[np.ndarray], as_json: bool, tally: Tally
           ) -> Iterator[str]:
    """The output text, a chunk of rows at a time; non-finite rows are counted in ``tally``."""
    if not as_json:
        yield _csv_rows([columns.header()])
    for x in chunks:
        values, labels = columns.values(columns.model.predict(x))
        finite = np.isfinite(values).all(axis=1)
        for i in np.flatnonzero(~finite)[:max(SHOWN_SAMPLES - len(tally.broken), 0)]:
            tally.broken.append(tally.samples + int(i) + 1)
        tally.broken_count += int((~finite).sum())
        tally.samples += len(values)
        cells = list(map(str, values.ravel()))
        step = values.shape[1]
        texts = [cells[i:i + step] for i in range(0, len(cells), step)]
        classes = [columns.classes[k] if ok else None for k, ok in
                   zip(labels.tolist(), finite.tolist(), strict=True)] if labels is not None \
            else None
        if as_json:
            yield "".join(_json_row(columns, row, None if classes is None else classes[i])
                          for i, row in enumerate(texts))
        elif classes is not None:
            yield _csv_rows([[label or "", *row] for label, row in zip(classes, texts,
                                                                      strict=True)])
        else:
            yield _csv_rows(texts)


def _json_row(columns: Columns, row: list[str], label: str | None) -> str:
    numbers = [float(v) if math.isfinite(float(v)) else None for v in row]
    if not columns.reading:
        value: Any = numbers[0] if len(numbers) == 1 else numbers
        return json.dumps({"y": value}, allow_nan=False) + "\n"
    probabilities = dict(zip(columns.classes, numbers, strict=True))
    return json.dumps({"class": label, "probabilities": probabilities}, allow_nan=False) + "\n"


def _csv_rows(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    output = check_output(args.onnx, "--onnx", [("model", input_path(args.model))], args.force)
    model = load_runnable(args.model)
    output.save(lambda path: export_onnx(model, path))
    report = out if output.kind != "stdout" else messages(args)
    print(f"wrote {args.onnx} (ONNX opset 17)", file=report)
    return 0
