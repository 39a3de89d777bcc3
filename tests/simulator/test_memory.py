"""Sizes of nested arrays and sizes in words."""

from __future__ import annotations

import numpy as np

from simulator.memory import array_bytes, human_bytes


def test_array_bytes_counts_the_arrays_of_a_tree_only() -> None:
    tree = {"w": np.zeros((3, 4), np.float32), "state": [np.zeros(5), {"n": 7, "x": 1.5}],
            "pair": (np.zeros(2, np.int8), "text")}
    assert array_bytes(tree) == 48 + 40 + 2
    assert array_bytes(3) == 0


def test_human_bytes() -> None:
    assert human_bytes(512) == "512 bytes"
    assert human_bytes(3 * 2**20) == "3.0 MiB"
