"""The top level: anything that goes wrong is one line (details of the unexpected ones in a log
file it names); --version, --help and the one list of commands."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from simulator.cli import COMMANDS, build_parser, main
from simulator.cli.main import HANDLERS
from simulator.version import __version__
from tests.simulator.cli.helpers import EXAMPLES, cli

COURSE = EXAMPLES / "course_sigmoid.json"


@pytest.mark.parametrize(("error", "says"), [
    (MemoryError(), "ran out of memory; try a smaller --batch-size"),
    (RecursionError("maximum recursion depth exceeded"), "a file or option is nested too deeply"),
    (OverflowError("Python int too large to convert to C long"),
     "internal error (OverflowError: Python int too large to convert to C long)"),
    (ValueError("zero-size array"), "internal error (ValueError: zero-size array)"),
])
def test_unexpected_errors_are_one_line_with_a_log(error, says, tmp_path: Path, monkeypatch,
                                                   capsys) -> None:
    def boom(args: argparse.Namespace, out: object) -> int:
        raise error

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setitem(HANDLERS, "export", boom)
    assert main(["export", str(COURSE), "--onnx", str(tmp_path / "x.onnx")]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith(f"backprop-studio: error: {says}")
    logs = list((tmp_path / "state" / "backprop-studio" / "logs").glob("*.log"))
    assert len(logs) == 1
    assert f"; the details are in {logs[0]}" in err
    text = logs[0].read_text()
    assert "Traceback" in text
    assert type(error).__name__ in text
    assert f"backprop-studio export {COURSE}" in text


def test_a_deeply_nested_data_option_is_a_usage_error() -> None:
    result = cli("train", COURSE, "--data", "xor", "--data-option", "n=" + "[" * 5000,
                 check=False)
    assert result.returncode == 2
    assert "nested more than 8 levels deep" in result.stderr


def test_version_and_help() -> None:
    assert cli("--version").stdout.strip() == f"backprop-studio {__version__}"
    text = cli("--help").stdout
    for command in COMMANDS:
        assert f"backprop-studio {command} " in text
    assert "backprop-studio predict [-q] --input FILE [--output FILE] [--force] [--json] MODEL" \
        in text


def test_the_commands_are_the_parsers_subcommands() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert tuple(sub.choices) == COMMANDS == tuple(HANDLERS)


def test_quiet_keeps_warnings_off_stderr(tmp_path: Path) -> None:
    data = tmp_path / "gaps.csv"
    data.write_text("a,b,label\n" + "".join(f"{i / 9},{i % 3},{i % 2}\n" for i in range(30))
                    + "1,,0\n")
    loud = cli("evaluate", COURSE, "--data", data, "--data-option", "nan=drop")
    assert "warning: dropped 1 rows" in loud.stderr
    quiet = cli("evaluate", COURSE, "--data", data, "--data-option", "nan=drop", "--quiet")
    assert quiet.stderr == ""
    assert quiet.stdout == loud.stdout


def test_the_readme_shows_every_option_of_every_command() -> None:
    readme = (EXAMPLES.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Train from the command line", 1)[1].split("\n## ", 1)[0]
    syntax = section.split("```", 2)[1]
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in sub.choices.items():
        block = syntax.split(f"backprop-studio {name} ", 1)[1].split("backprop-studio ", 1)[0]
        for action in command._actions:
            longest = max(action.option_strings, key=len, default=None)
            if longest and longest != "--help":
                assert longest in block or (longest == "--quiet" and "-q" in block), \
                    f"README does not show {name} {longest}"
