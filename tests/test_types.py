"""The engine's type hints are checked: mypy (configured in pyproject.toml) finds no error in
``simulator/``."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_error_in_the_engine(tmp_path: Path) -> None:
    try:
        import mypy  # noqa: F401  (only checks that it is installed)
    except ImportError:
        pytest.fail("mypy is part of the test extra; install it with pip install -e '.[test]'")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"), "simulator"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
