"""The ``backprop-studio`` launcher: commands go to the command line, the rest to the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from simulator.cli import COMMANDS
from simulator.version import __version__

ROOT = Path(__file__).resolve().parents[2]


def launch(*args: str, display: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    code = ("import sys\nfrom ui.launch import main\nrc = main(sys.argv[1:])\n"
            "print('qt' if 'PySide6' in sys.modules else 'no qt', file=sys.stderr)\n"
            "sys.exit(rc)")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_a_mistyped_command_without_a_display_gets_invalid_choice() -> None:
    result = launch("trian")
    assert result.returncode == 2
    assert "invalid choice: 'trian' (choose from 'train', 'evaluate', 'predict', 'export')" \
        in result.stderr
    assert "no display" not in result.stderr
    assert result.stderr.strip().endswith("no qt")


def test_a_mistyped_command_with_a_display_goes_to_the_command_line_too() -> None:
    result = launch("evalute", display=True)
    assert result.returncode == 2
    assert "invalid choice: 'evalute'" in result.stderr


def test_a_lesson_name_is_not_taken_for_a_command() -> None:
    result = launch("spiral")
    assert result.returncode == 1
    assert "no display found" in result.stderr


def test_help_lists_the_app_and_every_commands_syntax() -> None:
    result = launch("--help")
    assert result.returncode == 0
    assert "--screenshot" in result.stdout
    for command in COMMANDS:
        assert f"backprop-studio {command} " in result.stdout
    assert "backprop-studio train [-q] [--data DATA]" in result.stdout


def test_version() -> None:
    result = launch("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"backprop-studio {__version__}")
    assert result.stderr.strip() == "no qt"
