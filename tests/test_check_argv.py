"""The start-up fast path reads `check`'s command line exactly as typer does, or declines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from infralint import cli
from infralint.check_command import (
    FLAG_OPTIONS,
    VALUE_OPTIONS,
    CheckOptions,
    parse_check_argv,
)


def typer_options(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> CheckOptions | None:
    """What typer hands to run_check for `check ARGV` (None when typer rejects the line)."""
    seen: list[CheckOptions] = []

    def record(options: CheckOptions) -> int:
        seen.append(options)
        return 0

    monkeypatch.setattr(cli, "run_check", record)
    result = CliRunner().invoke(cli.app, ["check", *argv])
    return seen[0] if result.exit_code == 0 and seen else None


def test_the_fast_path_knows_every_option_of_check() -> None:
    command: Any = typer.main.get_command(cli.app)
    declared = {
        name
        for param in command.commands["check"].params
        if param.param_type_name == "option"
        for name in (*param.opts, *param.secondary_opts)
    }
    assert declared - {"-h", "--help"} == set(VALUE_OPTIONS) | set(FLAG_OPTIONS)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], CheckOptions()),
        (["Dockerfile", "compose.yaml"], CheckOptions(paths=["Dockerfile", "compose.yaml"])),
        (["-"], CheckOptions(paths=["-"])),
        (
            ["-q", "--exit-zero", "-f", "json", "--format=sarif:out.sarif", "src"],
            CheckOptions(
                paths=["src"], quiet=True, exit_zero=True, format=["json", "sarif:out.sarif"]
            ),
        ),
        (["-j", "4", "--jobs=2"], CheckOptions(jobs=2)),
        (
            ["--select", "DF1,DC", "--ignore=DF101"],
            CheckOptions(select=["DF1,DC"], ignore=["DF101"]),
        ),
        (["--config", "x.toml", "-o", "-"], CheckOptions(config=Path("x.toml"), output=Path("-"))),
    ],
)
def test_plain_command_lines(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], expected: CheckOptions
) -> None:
    assert parse_check_argv(argv) == expected
    assert typer_options(monkeypatch, argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["-h"],
        ["--", "-odd-name"],
        ["-j2"],
        ["-qv"],
        ["-j", "two"],
        ["-j", "-1"],
        ["-f"],
        ["--quiet=yes"],
        ["--select", "--ignore"],
        ["--no-such-option"],
        ["-x"],
    ],
)
def test_anything_unusual_goes_to_typer(argv: list[str]) -> None:
    assert parse_check_argv(argv) is None


VALUES = st.sampled_from(
    ["json", "text", "sarif:o.sarif", "DF101", "DF1,DC", "ALL", "0", "3", "12", "a=b", "-", "x y"]
)
PATHS = st.sampled_from(["Dockerfile", "a/compose.yaml", "-", ".", "dir with space", "ünï"])


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    argv: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["flag", "value", "joined", "path"]))
        if kind == "flag":
            argv.append(draw(st.sampled_from(sorted(FLAG_OPTIONS))))
        elif kind == "path":
            argv.append(draw(PATHS))
        else:
            name = draw(st.sampled_from(sorted(VALUE_OPTIONS)))
            value = draw(VALUES)
            if kind == "joined" and name.startswith("--"):
                argv.append(f"{name}={value}")
            else:
                argv += [name, value]
    return argv


@settings(max_examples=300, deadline=None)
@given(command_lines())
def test_whenever_the_fast_path_reads_a_line_typer_reads_it_the_same(argv: list[str]) -> None:
    fast = parse_check_argv(argv)
    with pytest.MonkeyPatch.context() as monkeypatch:
        slow = typer_options(monkeypatch, argv)
    if fast is not None:
        assert slow == fast, argv
