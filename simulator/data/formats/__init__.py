"""File formats a dataset is read from: CSV, NumPy ``.npz``, MNIST IDX and image folders.

Each module turns one kind of file into a :class:`simulator.data.Dataset` with typed errors
and declares itself as a :class:`DataFormat` (``FORMAT``): its name, how its files are named
and how they start, and its loader. :mod:`simulator.data.loader` builds the one format table
from these declarations and picks the format of a path with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulator.data.dataset import Dataset


@dataclass(frozen=True)
class DataFormat:
    """One kind of data file (or folder) and how to recognise it.

    ``suffixes`` are lower-case name endings (``".csv"``, ``"idx3-ubyte"``); with ``gzip``
    the same names ending in ``.gz`` count too. ``magic`` are the byte strings a file of this
    format may start with, used when the name says nothing. ``folder`` formats read a
    directory. ``description`` names the format in messages and the file dialog.
    """

    name: str
    description: str
    load: Callable[..., Dataset]
    suffixes: tuple[str, ...] = ()
    magic: tuple[bytes, ...] = ()
    gzip: bool = False
    folder: bool = False

    def matches_name(self, path: Path) -> bool:
        """Whether ``path``'s file name has one of this format's suffixes."""
        name = path.name.lower()
        if self.gzip:
            name = name.removesuffix(".gz")
        return name.endswith(self.suffixes) if self.suffixes else False

    def name_patterns(self) -> list[str]:
        """Glob patterns of the names this format recognises (``*.csv``), for file dialogs."""
        ends = [*self.suffixes, *(s + ".gz" for s in self.suffixes if self.gzip)]
        return [f"*{end}" for end in ends]
