"""Typed errors raised by the engine.

Every error that can reach a user carries a readable message that says what was wrong and,
where possible, how to fix it. The UI shows ``str(error)``; the command line prints it on one
line and exits non-zero.
"""

from __future__ import annotations


class BackpropError(Exception):
    """Base class of every error the engine raises on purpose."""


class SpecError(BackpropError, ValueError):
    """A network design (JSON or built in the app) is invalid.

    ``layer`` names the offending layer when there is one, so the UI can highlight it.
    """

    def __init__(self, message: str, layer: str | None = None) -> None:
        self.layer = layer
        super().__init__(f"layer '{layer}': {message}" if layer else message)


class BackendError(BackpropError, RuntimeError):
    """An array backend was asked for and cannot run here."""


class DataError(BackpropError, ValueError):
    """A dataset could not be loaded or does not fit the network."""


class MissingValuesError(DataError):
    """A data file has empty or NaN cells; loading again with ``nan="drop"`` skips those rows."""


class ModelFileError(BackpropError, ValueError):
    """A model, weights or project file is malformed, hostile or incompatible."""


class TrainingError(BackpropError, RuntimeError):
    """Training could not continue (for example the loss became NaN or infinite)."""


class OutputPathError(BackpropError):
    """A file cannot be written where it was asked for (missing or read-only folder, a folder
    or a special file in the way, or one of the run's own inputs)."""
