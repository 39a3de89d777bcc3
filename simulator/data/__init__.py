"""Datasets: built-in generators, loaders for the user's files, preprocessing and splits.

    dataset = load_dataset("spiral", n=400, classes=3)        # a built-in, by name
    dataset = load_dataset("~/data/iris.csv", label_column="species")
    prepared = prepare(dataset, config, input_shape=[2])       # split + preprocess
"""

from simulator.data.builtin import BuiltinInfo, builtin_datasets
from simulator.data.dataset import Dataset
from simulator.data.loader import (
    FORMATS,
    data_file_filter,
    detect_format,
    load_dataset,
    options_of,
)
from simulator.data.options import DEFAULT_MAX_BYTES
from simulator.data.prepare import Misfit, Prepared, find_misfit, fit_input, fit_problem, prepare
from simulator.data.preprocessing import Preprocessor
from simulator.data.splits import SplitIndices, kfold_indices, train_val_test_split

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "BuiltinInfo",
    "Dataset",
    "Prepared",
    "Preprocessor",
    "SplitIndices",
    "builtin_datasets",
    "data_file_filter",
    "detect_format",
    "fit_input",
    "find_misfit",
    "fit_problem",
    "Misfit",
    "kfold_indices",
    "load_dataset",
    "options_of",
    "prepare",
    "train_val_test_split",
]
