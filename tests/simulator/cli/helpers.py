"""Running the command line as a user does: a subprocess of ``python -m simulator.cli``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "resources" / "examples"
LESSONS = ROOT / "resources" / "presets"


def cli(*args: object, check: bool = True, stdin: bytes | None = None,
        env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``backprop-studio ARGS``; ``check`` wants exit status 0. Never a traceback."""
    result = subprocess.run([sys.executable, "-m", "simulator.cli", *map(str, args)], cwd=cwd,
                            input=None if stdin is None else stdin.decode(),
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert "Traceback" not in result.stderr, result.stderr
    if check:
        assert result.returncode == 0, result.stderr
    return result


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a failed run (and a check that there is exactly one)."""
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, result.stderr
    assert result.stderr.splitlines()[-1] == errors[0]
    return errors[0]
