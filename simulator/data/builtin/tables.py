"""The course's small tabular example: three features per row and a class label."""

from __future__ import annotations

import numpy as np

from simulator.data.dataset import Dataset

COURSE_TABLE_X = [[1.4, 2.7, 1.9], [3.8, 3.4, 3.2], [6.4, 2.8, 1.7], [4.1, 0.1, 0.2]]
COURSE_TABLE_Y = [0, 0, 1, 0]


def course_table() -> Dataset:
    """The four rows of the course's features/class table (three of class 0, one of class 1).

    Small enough to follow every multiplication of a forward pass by hand.
    """
    return Dataset("course_table", np.array(COURSE_TABLE_X, dtype=np.float64),
                   np.array(COURSE_TABLE_Y, dtype=np.int64), class_names=["0", "1"],
                   description="The course's 4-row table: 3 features, classes 0 and 1")
