"""The app's one way to put a failure into words: the text a dialog, the status bar or the
command line shows for a typed engine error, an ``OSError`` or a JSON syntax error."""

from __future__ import annotations

import json


def describe(exc: BaseException) -> str:
    """The message shown for a failed load, save or run."""
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename or ''}".strip().rstrip(":")
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc}"
    return str(exc)
