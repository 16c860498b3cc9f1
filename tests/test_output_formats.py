"""ruff's output conventions: `--output-format` and its formats, `--statistics`, fixable marks,
`--show-fixes`, JSON `fix`, colour, `--min-severity`, atomic report files, completion."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest_goldens import sample_report

from infralint import check_command
from infralint.check_command import (
    ACCEPTED_FORMATS,
    FORMATS,
    CheckOptions,
    UsageError,
    parse_check_argv,
    parse_outputs,
)
from infralint.model import Finding, Fix, Severity, Span
from infralint.reporters import REPORTERS, Report, render
from infralint.reporters.azure import escape_data, escape_property
from infralint.reporters.fingerprints import line_hashes
from infralint.reporters.rdjson import byte_column

# Two findings with fixes (one safe, one unsafe) and one without, in one file.
FIXABLE_SOURCE = "FROM alpine\nRUN apt-get install curl\n"


def fixable_report(**options: Any) -> Report:
    findings = [
        Finding(
            "DF101", "base-image-untagged", Severity.WARNING, "untagged", "D", Span(1, 6, 1, 12)
        ),
        Finding(
            "DF204",
            "interactive-install",
            Severity.WARNING,
            "no -y",
            "D",
            Span(2, 5, 2, 12),
            fix=Fix(Span(2, 13, 2, 20), "install -y"),
        ),
        Finding(
            "DF119",
            "apt-install-recommends",
            Severity.NOTE,
            "recommends",
            "D",
            Span(2, 5, 2, 12),
            fix=Fix(Span(2, 20, 2, 20), " --no-install-recommends", safe=False),
        ),
    ]
    return sample_report(findings=findings, suppressed=[], notifications=[])._replace(
        files_checked=1,
        checked_paths=["D"],
        options=options,
        source_lines=lambda _path: FIXABLE_SOURCE.splitlines(keepends=True),
    )


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, *, script: bool = False
) -> subprocess.CompletedProcess[str]:
    """`python -m infralint ARGS`, or with SCRIPT the console script (shell completion is keyed
    to the program's name)."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    for name in ("GITHUB_ACTIONS", "FORCE_COLOR", "_INFRALINT_COMPLETE"):
        if name not in (env or {}):
            environment.pop(name, None)
    return subprocess.run(
        [str(Path(sys.executable).parent / "infralint"), *args]
        if script
        else [sys.executable, "-m", "infralint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(FIXABLE_SOURCE)
    return tmp_path


# --------------------------------------------------------------------------- format names


def test_every_format_name_has_a_reporter() -> None:
    assert set(REPORTERS) == set(ACCEPTED_FORMATS)
    assert "text" not in FORMATS  # the earlier name: accepted, not listed


@pytest.mark.parametrize("option", ["-f", "--format", "--output-format"])
def test_the_three_option_names_mean_the_same(option: str) -> None:
    options = parse_check_argv([option, "grouped", "."])
    assert options == CheckOptions(paths=["."], format=["grouped"])


def test_unknown_format_lists_the_ruff_names() -> None:
    with pytest.raises(UsageError, match=r"json-lines.*rdjson.*azure"):
        parse_outputs(["pylint"], None)


@pytest.mark.parametrize("name", ACCEPTED_FORMATS)
def test_every_format_runs_from_the_command_line(project: Path, name: str) -> None:
    result = run(["check", "--no-cache", "--output-format", name, "."], project)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert "DF101" in result.stdout


# --------------------------------------------------------------------------- the text family


def test_concise_is_one_line_per_finding_even_on_a_terminal() -> None:
    output = render("concise", fixable_report(tty=True, colour=False, quiet=True))
    assert output.splitlines() == [
        "D:1:6: DF101 [warning] untagged",
        "D:2:5: DF204 [warning] [*] no -y",
        "D:2:5: DF119 [note] recommends",
    ]


def test_full_shows_the_source_and_a_caret_without_a_terminal() -> None:
    lines = render("full", fixable_report(tty=False, quiet=True)).splitlines()
    assert lines[:3] == [
        "D:1:6: DF101 [warning] untagged",
        "     1 | FROM alpine",
        "       |      ^^^^^^",
    ]
    assert len(lines) == 9


def test_text_shows_excerpts_only_on_a_terminal() -> None:
    assert len(render("text", fixable_report(tty=False, quiet=True)).splitlines()) == 3
    on_terminal = fixable_report(tty=True, colour=False, quiet=True)
    assert len(render("text", on_terminal).splitlines()) == 9


def test_grouped_lists_findings_under_their_file() -> None:
    report = fixable_report(quiet=True)
    other = report.findings[0]._replace(path="other/Dockerfile", span=Span(12, 3))
    output = render("grouped", report._replace(findings=[*report.findings, other]))
    assert output.splitlines() == [
        "D:",
        "  1:6 DF101 [warning] untagged",
        "  2:5 DF204 [warning] [*] no -y",
        "  2:5 DF119 [note] recommends",
        "",
        "other/Dockerfile:",
        "  12:3 DF101 [warning] untagged",
        "",
    ]


def test_statistics_prints_only_the_table() -> None:
    for name in ("text", "concise", "full", "grouped"):
        lines = render(name, fixable_report(statistics=True)).splitlines()
        assert [line.split() for line in lines] == [
            ["1", "DF101", "base-image-untagged", "[warning]"],
            ["1", "DF119", "apt-install-recommends", "[note]"],
            ["1", "DF204", "[*]", "interactive-install", "[warning]"],
        ]


def test_summary_counts_fixable_findings_and_the_unsafe_ones_apart() -> None:
    summary = render("concise", fixable_report()).splitlines()[-1]
    assert summary == (
        "Found 3 findings (2 warnings, 1 note) in 1 file. "
        "1 fixable with `--fix` (1 more with `--unsafe-fixes`)."
    )
    with_unsafe = render("concise", fixable_report(unsafe_fixes=True))
    assert "D:2:5: DF119 [note] [*] recommends" in with_unsafe
    assert with_unsafe.splitlines()[-1].endswith("in 1 file. 2 fixable with `--fix`.")
    only_unsafe = fixable_report()
    only_unsafe = only_unsafe._replace(findings=only_unsafe.findings[2:], files_checked=2)
    assert render("concise", only_unsafe).splitlines()[-1] == (
        "Found 1 finding (1 note) in 2 files. 1 fixable with `--fix --unsafe-fixes`."
    )
    # After --fix, what is left is what it could not fix: no advice to run it again.
    assert "fixable" not in render("concise", fixable_report(fixed=True))


def test_colour_follows_no_color_and_force_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\x1b[" not in render("concise", fixable_report(tty=False))
    assert "\x1b[33mDF101\x1b[0m" in render("concise", fixable_report(tty=True))
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[33mDF101\x1b[0m" in render("concise", fixable_report(tty=False))
    monkeypatch.setenv("NO_COLOR", "1")  # NO_COLOR wins
    assert "\x1b[" not in render("concise", fixable_report(tty=True))


def test_force_color_reaches_a_pipe_but_never_a_report_file(project: Path) -> None:
    env = {"FORCE_COLOR": "1", "NO_COLOR": ""}
    piped = run(
        ["check", "--no-cache", "-f", "concise", "-f", "grouped:out.txt", "."], project, env
    )
    assert "\x1b[1mDockerfile:1:1:\x1b[0m" in piped.stdout
    assert "\x1b[" not in (project / "out.txt").read_text()
    assert "\x1b[" not in run(["check", "--no-cache", "."], project).stdout


# --------------------------------------------------------------------------- machine formats


def test_json_findings_carry_their_fix() -> None:
    document = json.loads(render("json", fixable_report()))
    by_code = {finding["code"]: finding for finding in document["findings"]}
    assert "fix" not in by_code["DF101"]
    assert by_code["DF204"]["fix"] == {
        "applicability": "safe",
        "edits": [
            {"line": 2, "column": 13, "end_line": 2, "end_column": 20, "content": "install -y"}
        ],
    }
    assert by_code["DF119"]["fix"]["applicability"] == "unsafe"


def test_json_lines_has_the_json_findings_one_per_line() -> None:
    report = sample_report()
    lines = render("json-lines", report).splitlines()
    objects = [json.loads(line) for line in lines]
    problems = [o for o in objects if "code" not in o]
    assert len(problems) == len(report.notifications)
    assert [o for o in objects if "code" in o] == json.loads(render("json", report))["findings"]


def test_rdjson_follows_reviewdogs_format() -> None:
    document = json.loads(render("rdjson", fixable_report()))
    assert document["source"]["name"] == "infralint"
    by_code = {d["code"]["value"]: d for d in document["diagnostics"]}
    assert by_code["DF101"]["severity"] == "WARNING"
    assert by_code["DF119"]["severity"] == "INFO"
    assert by_code["DF101"]["location"] == {
        "path": "D",
        "range": {"start": {"line": 1, "column": 6}, "end": {"line": 1, "column": 12}},
    }
    assert by_code["DF101"]["code"]["url"].endswith("/rules/DF101/")
    # reviewdog applies suggestions as they stand: only safe fixes are offered.
    assert by_code["DF204"]["suggestions"] == [
        {
            "range": {"start": {"line": 2, "column": 13}, "end": {"line": 2, "column": 20}},
            "text": "install -y",
        }
    ]
    assert "suggestions" not in by_code["DF119"]


def test_rdjson_columns_count_utf8_bytes() -> None:
    assert byte_column("é = x", 3) == 4
    assert byte_column("😀x", 2) == 5
    assert byte_column("ab", 5) == 5  # past the end: one column each
    assert byte_column(None, 7) == 7


AZURE_COMMAND = re.compile(r"^##vso\[task\.logissue (?P<props>[^\]]*)\](?P<data>.*)$")


def azure_unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3B", ";"), ("%5D", "]")):
        text = text.replace(escaped, raw)
    return text.replace("%AZP25", "%")


def test_azure_commands_round_trip_through_the_agents_parsing() -> None:
    finding = Finding(
        "DF101", "base-image-untagged", Severity.NOTE, "100%;\nnext]", "a;b]c%/D", Span(3, 4)
    )
    output = render("azure", fixable_report()._replace(findings=[finding]))
    (line,) = output.splitlines()
    match = AZURE_COMMAND.match(line)
    assert match, line
    props = dict(pair.split("=", 1) for pair in match["props"].split(";") if pair)
    assert {key: azure_unescape(value) for key, value in props.items()} == {
        "type": "warning",
        "sourcepath": "a;b]c%/D",
        "linenumber": "3",
        "columnnumber": "4",
        "code": "DF101",
    }
    assert azure_unescape(match["data"]) == "DF101 base-image-untagged: 100%;\nnext]"
    assert escape_data("\x1b[2J") == "\\x1b[2J"
    assert escape_property("x;y]") == "x%3By%5D"


# --------------------------------------------------------------------------- --min-severity


def test_min_severity_hides_findings_but_not_the_exit_status(project: Path) -> None:
    shown = run(["check", "--no-cache", "-f", "json", "--min-severity", "error", "."], project)
    assert shown.returncode == 1
    assert json.loads(shown.stdout)["findings"] == []
    text = run(["check", "--no-cache", "--min-severity", "warning", "."], project)
    codes = re.findall(r" (DF\d+) \[(\w+)\]", text.stdout)
    assert codes and all(level != "note" for _, level in codes)
    assert "below --min-severity warning not shown" in text.stdout
    exit_zero = run(["check", "--no-cache", "--min-severity", "error", "--exit-zero", "."], project)
    assert exit_zero.returncode == 0


def test_min_severity_from_the_config(project: Path) -> None:
    (project / ".infralint.toml").write_text('min-severity = "warning"\n')
    document = json.loads(run(["check", "--no-cache", "-f", "json", "."], project).stdout)
    levels = {finding["severity"] for finding in document["findings"]}
    assert levels == {"warning"}
    # The command line wins over the config.
    override = run(["check", "--no-cache", "-f", "json", "--min-severity", "note", "."], project)
    assert "note" in {f["severity"] for f in json.loads(override.stdout)["findings"]}


def test_min_severity_rejects_what_is_no_severity(project: Path) -> None:
    result = run(["check", "--no-cache", "--min-severity", "never", "."], project)
    assert result.returncode == 2
    assert "--min-severity: expected note, warning or error" in result.stderr
    (project / ".infralint.toml").write_text('min-severity = "loud"\n')
    bad = run(["check", "--no-cache", "."], project)
    assert bad.returncode == 2 and "min-severity" in bad.stderr


# --------------------------------------------------------------------------- --fix --show-fixes


def test_show_fixes_lists_what_was_fixed(project: Path) -> None:
    result = run(["check", "--no-cache", "--fix", "--show-fixes", "."], project)
    assert "infralint: fixed 2 findings in 1 file" in result.stderr
    assert "infralint: fixed:\n- Dockerfile:\n" in result.stderr
    assert "    1 × DF119 (apt-install-recommends)" in result.stderr
    assert "    1 × DF204 (interactive-install)" in result.stderr
    assert "fixable" not in result.stdout
    assert "[*]" not in result.stdout


def test_show_fixes_with_diff_says_what_would_be_fixed(project: Path) -> None:
    result = run(["check", "--no-cache", "--diff", "--show-fixes", "."], project)
    assert "infralint: would fix:" in result.stderr
    assert (project / "Dockerfile").read_text() == FIXABLE_SOURCE


# --------------------------------------------------------------------------- report files


def test_a_report_that_fails_half_way_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("the previous report\n")
    target.chmod(0o640)

    def failing(_name: str, _report: Report) -> Iterator[str]:
        yield "half a report\n"
        raise RuntimeError("a reporter bug")

    monkeypatch.setattr("infralint.reporters.render_chunks", failing)
    with pytest.raises(RuntimeError):
        check_command.write_report("concise", target, fixable_report())
    assert target.read_text() == "the previous report\n"
    assert os.listdir(tmp_path) == ["report.txt"]
    monkeypatch.undo()
    check_command.write_report("json", target, fixable_report())
    assert json.loads(target.read_text())["findings"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # an existing file keeps its mode


def test_a_report_replaces_a_planted_symlink_instead_of_following_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    link = tmp_path / "tree" / "report.sarif"
    link.parent.mkdir()
    link.symlink_to(victim)
    check_command.write_report("json", link, fixable_report())
    assert not victim.exists()
    assert not link.is_symlink()
    assert json.loads(link.read_text())["version"] == 1


@pytest.mark.parametrize(
    ("path", "in_place"),
    [
        ("/dev/stdout", True),
        ("/dev/null", True),
        ("/proc/self/fd/1", True),
        ("/dev/../tmp/x", False),
        ("report.sarif", False),
        ("/tmp/dev/x", False),
    ],
)
def test_streams_are_written_in_place_files_replaced(path: str, in_place: bool) -> None:
    assert check_command.writes_in_place(Path(path)) is in_place


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="no /dev/stdout here")
def test_a_report_to_dev_stdout_reaches_standard_output(project: Path) -> None:
    before = os.lstat("/dev/stdout")
    result = run(["check", "--no-cache", "-f", "json", "-o", "/dev/stdout", "."], project)
    assert json.loads(result.stdout)["findings"]
    after = os.lstat("/dev/stdout")
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_a_report_to_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write"):
        check_command.write_report("json", tmp_path, fixable_report())


# --------------------------------------------------------------------------- completion


def test_show_completion_prints_a_script(tmp_path: Path) -> None:
    result = run(["--show-completion", "bash"], tmp_path, script=True)
    assert result.returncode == 0
    assert "_INFRALINT_COMPLETE=complete_bash" in result.stdout


@pytest.mark.parametrize("argv", [[], ["check"]])
def test_completion_goes_to_typer_also_for_check(tmp_path: Path, argv: list[str]) -> None:
    env = {
        "_INFRALINT_COMPLETE": "complete_bash",
        "COMP_WORDS": "infralint check --output-f",
        "COMP_CWORD": "2",
    }
    result = run(argv, tmp_path, env, script=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["--output-format"]


def test_a_baseline_replaces_a_planted_symlink_and_counts_in_words(project: Path) -> None:
    victim = project.parent / f"{project.name}-victim"
    (project / ".infralint-baseline.json").symlink_to(victim)
    result = run(["baseline", "create", "--no-config", "Dockerfile"], project)
    assert result.returncode == 0, result.stderr
    assert not victim.exists()
    baseline = project / ".infralint-baseline.json"
    assert not baseline.is_symlink()
    count = len(json.loads(baseline.read_text())["findings"])
    assert result.stdout.strip() == f"wrote {count} findings to .infralint-baseline.json"
    (project / "Dockerfile").write_text("FROM alpine:3.20\nUSER app\n")
    pruned = run(["baseline", "update", "--prune", "--no-config", "Dockerfile"], project)
    assert pruned.stdout.strip() == f"wrote 0 findings to .infralint-baseline.json (was {count})"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("infralint check -f j", ["json", "json-lines", "junit"]),
        ("infralint check --output-format gr", ["grouped"]),
        ("infralint check --min-severity w", ["warning"]),
    ],
)
def test_completion_offers_the_values_of_an_option(
    tmp_path: Path, words: str, expected: list[str]
) -> None:
    env = {"_INFRALINT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": "3"}
    result = run([], tmp_path, env, script=True)
    assert result.stdout.split() == expected


def test_excerpts_and_line_hashes_of_stdin_come_from_stdin(project: Path) -> None:
    """An editor pipes its unsaved buffer under the file's name: the disk has other content."""
    buffer = "FROM alpine\nRUN apt-get install -y curl\n"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "infralint",
            "check",
            "--no-cache",
            "-f",
            "full",
            "-f",
            "sarif:out.sarif",
            "--stdin-filename",
            "Dockerfile",
            "-",
        ],
        cwd=project,
        input=buffer,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )
    assert "     2 | RUN apt-get install -y curl" in result.stdout, result.stdout
    assert "     2 | RUN apt-get install curl" not in result.stdout
    (run_,) = json.loads((project / "out.sarif").read_text())["runs"]
    expected = line_hashes(buffer)
    for sarif_result in run_["results"]:
        line = sarif_result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert sarif_result["partialFingerprints"]["primaryLocationLineHash"] == expected[line - 1]
