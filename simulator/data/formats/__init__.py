"""File formats a dataset is read from: CSV, NumPy ``.npz``, MNIST IDX and image folders.

Each module turns one kind of file into a :class:`simulator.data.Dataset` with typed errors;
:mod:`simulator.data.loader` picks the format.
"""
