"""Where the app keeps the user's things: recovery files (data folder) and settings (config).

The folders are the platform's usual ones (``platformdirs``); the environment variables
``BACKPROP_STUDIO_DATA_DIR`` and ``BACKPROP_STUDIO_CONFIG_DIR`` replace them (the tests point
them at temporary folders, and a classroom machine can point them at a shared drive).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

APP_NAME = "backprop-studio"
APP_AUTHOR = "Backprop Studio"
DATA_ENV = "BACKPROP_STUDIO_DATA_DIR"
CONFIG_ENV = "BACKPROP_STUDIO_CONFIG_DIR"


def data_dir() -> Path:
    """The user's data folder for the app (created on first use)."""
    return _ensure(os.environ.get(DATA_ENV) or platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    """The user's configuration folder for the app (created on first use)."""
    return _ensure(os.environ.get(CONFIG_ENV)
                   or platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def recovery_dir() -> Path:
    return _ensure(data_dir() / "recovery")


def user_settings() -> QSettings:
    """The app's settings file (an INI file in :func:`config_dir`, on every platform)."""
    return QSettings(str(config_dir() / "settings.ini"), QSettings.Format.IniFormat)


def _ensure(path: str | Path) -> Path:
    folder = Path(path).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return folder
