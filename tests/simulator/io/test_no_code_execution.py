"""No code path in the engine can run code from a file (checklist item 1)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FORBIDDEN = re.compile(
    r"allow_pickle\s*=\s*True|\bpickle\.loads?\b|\bcPickle\b|\bmarshal\.loads?\b|\bdill\b"
    r"|(?<![\w.])(eval|exec)\s*\(|__import__\s*\(|\bimport_module\s*\((?![\"'f])"
)


def test_no_unpickling_eval_or_dynamic_imports_in_the_engine() -> None:
    offenders = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if FORBIDDEN.search(code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_pattern_catches_what_it_should() -> None:
    for bad in ("np.load(f, allow_pickle=True)", "pickle.load(f)", "eval(text)",
                "exec(code)", "importlib.import_module(name)", "marshal.loads(b)"):
        assert FORBIDDEN.search(bad), bad
    for fine in ("np.load(f, allow_pickle=False)", "ast.literal_eval(x)", "safe_eval(x)",
                 'importlib.import_module(f"{__name__}.{m}")', "model.evaluate(x)"):
        assert not FORBIDDEN.search(fine), fine
