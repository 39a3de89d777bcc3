"""The engine never imports Qt, pyqtgraph or ui."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_simulator_alone_does_not_import_qt_or_ui() -> None:
    code = (
        "import sys, simulator, simulator.layers, simulator.training, simulator.data\n"
        "import pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(simulator.__path__, 'simulator.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'ui', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "", f"simulator pulled in: {result.stdout}"


def test_no_source_file_in_simulator_imports_qt() -> None:
    offenders = []
    for path in (ROOT / "simulator").rglob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and any(
                stripped.split()[1].split(".")[0] == name
                for name in ("PySide6", "pyqtgraph", "ui", "shiboken6")
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []


def test_only_backend_module_imports_cupy() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "simulator").rglob("*.py")
        if p.name != "backend.py" and "import cupy" in p.read_text()
    ]
    assert offenders == []


def test_help_and_subcommands_need_no_display_and_no_qt() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    shown = subprocess.run([sys.executable, "-m", "ui", "--help"], capture_output=True,
                           text=True, cwd=ROOT, env=env)
    assert shown.returncode == 0
    assert "--screenshot" in shown.stdout
    code = ("import sys\nfrom ui.launch import main\nrc = main(['train', '--help'])\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0] == 'PySide6'))")
    cli = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=env)
    assert "usage: backprop-studio train" in cli.stdout
    assert cli.stdout.strip().endswith("[]")
