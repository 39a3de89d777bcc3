"""The architecture, machine-checked: the engine never imports Qt, pyqtgraph or ui; there is no
import circle at run time; the engine's layers and the interface's parts import only downwards.

The import graph comes from :mod:`tests.import_graph` (read from the source, so a late import
inside a function counts and a ``TYPE_CHECKING`` import does not).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.import_graph import cycles, external_imports, graph, modules, reachable

ROOT = Path(__file__).resolve().parents[1]


def test_simulator_alone_does_not_import_qt_or_ui() -> None:
    code = (
        "import sys, simulator, simulator.layers, simulator.training.trainer, simulator.data\n"
        "import pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(simulator.__path__, 'simulator.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
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


QT = ("PySide6", "pyqtgraph", "shiboken6")
#: The engine's layers, highest first: a layer imports only the layers below it.
ENGINE_LAYERS = ("simulator.cli", "simulator.io", "simulator.experiments", "simulator.training",
                 "simulator.network", "simulator.spec", "simulator.layers")
#: Interface parts that never import each other, in either direction.
INDEPENDENT = (("ui.panels", "ui.canvas"), ("ui.panels", "ui.editors"),
               ("ui.canvas", "ui.editors"))
#: What the training bridge (ui.training) may not import: any view.
VIEWS = ("ui.panels", "ui.canvas", "ui.editors", "ui.shell", "ui.experiments")


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _members(package: str) -> list[str]:
    return sorted(m for m in graph() if _inside(m, package))


def test_there_is_no_import_circle_at_run_time() -> None:
    assert cycles() == []


def test_the_import_graph_sees_every_module() -> None:
    """A guard for the tests below: the reader finds the real edges."""
    assert "simulator.network" in graph()["simulator.training.trainer"]
    assert "simulator.optim.adam" in graph()["simulator.optim"]
    assert {"numpy", "onnx"} <= external_imports("simulator.io.onnx.export")


def test_no_engine_module_imports_qt_or_ui_even_late() -> None:
    offenders = {m: sorted(external_imports(m) & set(QT)) for m in _members("simulator")}
    offenders = {m: bad for m, bad in offenders.items() if bad}
    ui_edges = {m: sorted(t for t in graph()[m] if _inside(t, "ui")) for m in _members("simulator")}
    assert offenders == {}
    assert {m: t for m, t in ui_edges.items() if t} == {}


@pytest.mark.parametrize("lower", ENGINE_LAYERS[1:])
def test_an_engine_layer_never_reaches_a_layer_above_it(lower: str) -> None:
    above = ENGINE_LAYERS[:ENGINE_LAYERS.index(lower)]
    bad = {m: sorted(t for t in reachable(m) if any(_inside(t, a) for a in above))
           for m in _members(lower)}
    assert {m: t for m, t in bad.items() if t} == {}


@pytest.mark.parametrize(("one", "other"), INDEPENDENT)
def test_interface_parts_that_never_import_each_other(one: str, other: str) -> None:
    bad = [(m, t) for a, b in ((one, other), (other, one)) for m in _members(a)
           for t in graph()[m] if _inside(t, b)]
    assert bad == []


def test_the_training_bridge_imports_no_view() -> None:
    bad = {m: sorted(t for t in reachable(m) if any(_inside(t, v) for v in VIEWS))
           for m in _members("ui.training")}
    assert {m: t for m, t in bad.items() if t} == {}


def test_every_package_has_a_docstring_naming_what_it_holds() -> None:
    import ast

    missing = [name for name, path in modules().items()
               if ast.get_docstring(ast.parse(path.read_text())) is None]
    assert missing == []


def test_only_the_app_imports_the_main_window_even_for_types() -> None:
    """The window's parts are given what they use; none needs the window's class, not even as
    a type (a ``TYPE_CHECKING`` import would say the class is split across modules)."""
    importers = sorted(m for m in graph() if "ui.shell.main_window" in graph()[m])
    assert importers == ["ui.app"]
    named = [str(path.relative_to(ROOT)) for path in (ROOT / "ui").rglob("*.py")
             if "import MainWindow" in path.read_text()
             and path.relative_to(ROOT).as_posix() not in ("ui/app.py", "ui/shell/main_window.py")]
    assert named == []
