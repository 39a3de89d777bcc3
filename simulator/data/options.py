"""Checks shared by the generators and loaders: unknown options, size caps, the generators'
common options. Single values are checked with :mod:`simulator.checks` (``error=DataError``,
named ``"option '<name>'"``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from simulator import memory
from simulator.checks import integer, number
from simulator.errors import DataError
from simulator.memory import human_bytes
from simulator.paths import check_source

#: Largest file (or decoded array) a loader accepts unless the caller passes ``max_bytes``.
DEFAULT_MAX_BYTES = 2 * 1024**3
#: The generators' option ranges (:func:`check_generator`; the UI's controls read them too):
#: at most this many samples by default, a noise level in [0, NOISE_MAX], a seed >= 0.
N_MAX = 1_000_000
NOISE_MAX = 10.0


def reject_unknown(what: str, options: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Raise a DataError naming every option in ``options`` that ``what`` does not take."""
    allowed = sorted(allowed)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        known = ", ".join(allowed) if allowed else "none"
        raise DataError(f"unknown option{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(unknown)} for {what}; its options are: {known}")


def fewest_samples(classes: int | None) -> int:
    """The smallest ``n`` a generator takes: one sample per class (one when classless)."""
    return 1 if classes is None else classes


def check_generator(n: int, noise: float, seed: int, n_max: int = N_MAX,
                    classes: int | None = None, classes_max: int = 10) -> None:
    """The options every generator shares: sample count, noise level, seed (and classes)."""
    if classes is not None:
        integer(classes, "option 'classes'", low=2, high=classes_max, error=DataError)
    integer(n, "option 'n'", low=fewest_samples(classes), high=n_max, error=DataError)
    number(noise, "option 'noise'", low=0, high=NOISE_MAX, error=DataError)
    integer(seed, "option 'seed'", low=0, error=DataError)


def check_max_bytes(max_bytes: Any) -> int:
    return integer(max_bytes, "option 'max_bytes'", low=1, error=DataError)


def check_budget(where: str, nbytes: int, max_bytes: int, what: str = "data") -> None:
    """Refuse ``nbytes`` of ``what`` above the cap or above what this machine can spare now
    (:func:`simulator.memory.budget`), before anything is allocated."""
    if nbytes > max_bytes:
        raise DataError(f"{where}: {what} would take {human_bytes(nbytes)}, more than the limit "
                        f"of {human_bytes(max_bytes)}; use a smaller file, or pass "
                        f"max_bytes={nbytes} if this machine has the memory")
    check_memory(where, nbytes, what)


def check_memory(where: str, nbytes: int, what: str = "data") -> None:
    """Refuse ``nbytes`` of ``what`` above what this machine can spare now."""
    room = memory.budget()
    if nbytes > room:
        raise DataError(f"{where}: {what} would take {human_bytes(nbytes)} of memory, more than "
                        f"this machine can spare now ({human_bytes(room)}); use a smaller file "
                        "(fewer or smaller samples)")


def check_file(path: Path, max_bytes: int) -> int:
    """The size of regular file ``path``, refused when missing, empty or above the cap."""
    try:
        check_source(path, folder_ok=False)
        size = os.stat(path).st_size
    except OSError as exc:
        raise DataError(f"cannot open '{path}': {exc.strerror or exc}") from exc
    if size == 0:
        raise DataError(f"'{path}' is empty (0 bytes)")
    check_budget(f"'{path}'", size, max_bytes, "the file")
    return size
