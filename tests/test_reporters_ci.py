"""The CI formats: github workflow commands, GitLab Code Quality, checkstyle and JUnit XML.

Each output is parsed with a real parser and compared with its golden file
(regenerate with `pytest --update-goldens`).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from conftest_goldens import assert_golden, sample_report

from infralint.model import Finding, Notification, Severity, Span
from infralint.reporters import render
from infralint.reporters.github import escape_data, escape_property

GOLDEN_NAMES = {
    "github": "report.github.txt",
    "gitlab": "report.gitlab.json",
    "checkstyle": "report.checkstyle.xml",
    "junit": "report.junit.xml",
}


@pytest.mark.parametrize("format_name", sorted(GOLDEN_NAMES))
def test_output_matches_golden_file(request: pytest.FixtureRequest, format_name: str) -> None:
    assert_golden(request.config, GOLDEN_NAMES[format_name], render(format_name, sample_report()))


def many(count: int, severity: Severity, code: str = "DF101") -> list[Finding]:
    return [
        Finding(code, "base-image-untagged", severity, f"finding {n}", "Dockerfile", Span(n))
        for n in range(1, count + 1)
    ]


# --------------------------------------------------------------------------- github

COMMAND = re.compile(r"^::(?P<kind>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def parse_commands(output: str) -> list[dict[str, Any]]:
    """Read workflow commands the way the runner does: split properties on `,` and `=`."""
    commands = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        if not match:
            continue
        props = {}
        for pair in (match["props"] or "").split(","):
            if pair:
                key, _, value = pair.partition("=")
                props[key] = unescape(value)
        commands.append({"kind": match["kind"], "props": props, "message": unescape(match["data"])})
    return commands


def test_github_escaping_follows_actions_core() -> None:
    assert escape_data("100%\r\ndone: a,b") == "100%25%0D%0Adone: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_commands_round_trip_through_the_runners_parsing() -> None:
    report = sample_report()
    commands = parse_commands(render("github", report))
    assert len(commands) == len(report.findings) + len(report.notifications)
    by_message = {command["message"]: command for command in commands}
    secret = by_message["ARG 'AWS_SECRET_ACCESS_KEY' holds a secret: 100% readable, in every layer"]
    assert secret["kind"] == "error"
    assert secret["props"] == {
        "file": "services/api/Dockerfile",
        "line": "2",
        "endLine": "2",
        "col": "5",
        "endColumn": "30",
        "title": "DF404 secret-in-image",
    }
    assert "ARG 'AWS_SECRET_ACCESS_KEY' has a value\nthat looks like a credential" in by_message


def test_github_notes_become_notices_and_paths_are_repo_relative() -> None:
    note = Finding("DF119", "apt-install-recommends", Severity.NOTE, "m", "x/Dockerfile", Span(3))
    (command,) = parse_commands(render("github", sample_report(findings=[note], notifications=[])))
    assert command["kind"] == "notice"
    assert command["props"]["file"] == "services/x/Dockerfile"


def test_github_multi_line_span_has_no_columns() -> None:
    finding = Finding("DF404", "secret-in-image", Severity.ERROR, "m", "D", Span(2, 3, 4, 5))
    (command,) = parse_commands(
        render("github", sample_report(findings=[finding], notifications=[]))
    )
    assert command["props"]["line"] == "2"
    assert command["props"]["endLine"] == "4"
    assert "col" not in command["props"]


def test_github_summarises_annotations_hidden_by_the_step_limit() -> None:
    findings = many(13, Severity.ERROR) + many(11, Severity.WARNING) + many(4, Severity.NOTE)
    output = render("github", sample_report(findings=findings, notifications=[]))
    assert len(parse_commands(output)) == 28
    last = output.splitlines()[-1]
    assert not last.startswith("::")
    assert "3 errors, 1 warning not shown as annotations" in last


def test_github_no_summary_within_the_limit() -> None:
    findings = many(10, Severity.ERROR) + many(10, Severity.WARNING)
    output = render("github", sample_report(findings=findings, notifications=[]))
    assert all(line.startswith("::") for line in output.splitlines())


def test_github_empty_run_prints_nothing() -> None:
    assert render("github", sample_report(findings=[], notifications=[])) == ""


# --------------------------------------------------------------------------- gitlab


def test_gitlab_code_quality_issues() -> None:
    issues = json.loads(render("gitlab", sample_report()))
    assert isinstance(issues, list)
    assert len(issues) == 5  # suppressed findings are not issues
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["path"].startswith("services/")
    severities = {issue["fingerprint"]: issue["severity"] for issue in issues}
    assert severities["df101-aaaa"] == "minor"  # warning
    assert severities["df404-bbbb"] == "critical"  # a security error
    assert severities["il001-eeee"] == "major"  # any other error


def test_gitlab_fingerprints_are_unique_even_when_findings_share_one() -> None:
    twins = [
        Finding("DF101", "base-image-untagged", Severity.WARNING, "m", "D", Span(1), "same"),
        Finding("DF101", "base-image-untagged", Severity.WARNING, "m", "D", Span(2), "same"),
        Finding("DF101", "base-image-untagged", Severity.NOTE, "m", "D", Span(3)),
    ]
    issues = json.loads(render("gitlab", sample_report(findings=twins)))
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == 3
    assert fingerprints[0] == "same"
    assert issues[2]["severity"] == "info"


def test_gitlab_empty_run_is_an_empty_array() -> None:
    assert json.loads(render("gitlab", sample_report(findings=[]))) == []


# --------------------------------------------------------------------------- checkstyle


def test_checkstyle_lists_every_checked_file_and_its_errors() -> None:
    report = sample_report()
    root = ET.fromstring(render("checkstyle", report))
    assert root.tag == "checkstyle"
    files = {element.get("name"): element for element in root.findall("file")}
    assert set(report.checked_paths) <= set(files)
    assert files["web/Dockerfile"].findall("error") == []
    errors = files["api/Dockerfile"].findall("error")
    positions = [
        (e.get("line"), e.get("column"), e.get("severity"), e.get("source")) for e in errors
    ]
    assert positions == [
        ("1", "6", "warning", "DF101"),
        ("2", "5", "error", "DF404"),
        ("2", "5", "error", "DF404"),
    ]
    assert "has a value\nthat looks like a credential" in (errors[1].get("message") or "")
    assert files["missing.yaml"].find("error") is not None  # the unreadable path


def test_checkstyle_note_is_info_and_control_characters_are_shown_escaped() -> None:
    note = Finding(
        "DF119", "apt-install-recommends", Severity.NOTE, "package '\x1b[31mx'", "D\udcff", Span(1)
    )
    root = ET.fromstring(render("checkstyle", sample_report(findings=[note], notifications=[])))
    (error,) = root.iter("error")
    assert error.get("severity") == "info"
    assert "package '\\x1b[31mx'" in (error.get("message") or "")
    # An undecodable byte of a file name cannot be written in XML at all.
    assert "D\ufffd" in {file.get("name") for file in root.iter("file")}


# --------------------------------------------------------------------------- junit


def junit_cases(report_text: str) -> tuple[ET.Element, list[ET.Element]]:
    root = ET.fromstring(report_text)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    return suite, suite.findall("testcase")


def test_junit_failures_errors_and_passing_files() -> None:
    report = sample_report()
    suite, cases = junit_cases(render("junit", report))
    names = [case.get("name") for case in cases]
    assert len(names) == len(set(names)), "testcase names must be unique"
    failures = [case for case in cases if case.find("failure") is not None]
    errors = [case for case in cases if case.find("error") is not None]
    passing = [case for case in cases if len(case) == 0]
    assert len(failures) == 4  # DF101, DF404 x2, DC401
    assert {case.findtext("error") for case in errors} >= {
        "broken/Dockerfile:2:1: IL001 parse-error [error] heredoc 'EOF' is never closed"
    }
    assert len(errors) == 2  # IL001 and the unreadable path
    # The cookbook's only finding is suppressed, so it counts as clean.
    assert {case.get("classname") for case in passing} == {
        "web/Dockerfile",
        "cookbooks/app/recipes/default.rb",
    }
    assert suite.get("tests") == str(len(cases))
    assert suite.get("failures") == "4"
    assert suite.get("errors") == "2"


def test_junit_duplicate_positions_get_distinct_names() -> None:
    findings = [
        Finding("DF404", "secret-in-image", Severity.ERROR, f"m{n}", "D", Span(1)) for n in range(3)
    ]
    _, cases = junit_cases(render("junit", sample_report(findings=findings, checked_paths=["D"])))
    assert [case.get("name") for case in cases if case.get("classname") == "D"] == [
        "D:1:1 DF404 secret-in-image",
        "D:1:1 DF404 secret-in-image #2",
        "D:1:1 DF404 secret-in-image #3",
    ]


def test_junit_run_problem_without_a_path() -> None:
    problem = Notification("check DF404 crashed: KeyError", rule="DF404")
    _, cases = junit_cases(
        render("junit", sample_report(findings=[], notifications=[problem], checked_paths=[]))
    )
    (case,) = cases
    error = case.find("error")
    assert error is not None
    assert error.get("type") == "DF404"
    assert case.get("classname") == "infralint"


# --------------------------------------------------------------------------- json and sarif

HOSTILE = "x\n::error::forged\r\x1b]52;c;aGk=\x07\x85\u202e\u2066"


@pytest.mark.parametrize("format_name", ["json", "sarif"])
def test_json_formats_escape_every_control_and_keep_the_exact_text(format_name: str) -> None:
    finding = Finding(
        "DF101", "base-image-untagged", Severity.WARNING, HOSTILE, "api/Dockerfile", Span(1)
    )
    notification = Notification(HOSTILE, path=f"{HOSTILE}/compose.yaml")
    output = render(format_name, sample_report(findings=[finding], notifications=[notification]))
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", output)
    assert not any(line.lstrip().startswith("::") for line in output.splitlines())
    document = json.loads(output)
    if format_name == "json":
        assert document["findings"][0]["message"] == HOSTILE
        assert document["notifications"][0]["path"] == f"{HOSTILE}/compose.yaml"
    else:
        messages = [result["message"]["text"] for result in document["runs"][0]["results"]]
        assert HOSTILE in messages


# --------------------------------------------------------------------------- text on a terminal


def test_text_excerpt_shows_escapes_and_the_caret_follows_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    source = 'RUN echo "\x1b[2J" && curl x | sh\n'
    finding = Finding("DF112", "pipe-to-shell", Severity.ERROR, "m", "D\x1b", Span(1, 20, 1, 29))
    report = sample_report(findings=[finding], notifications=[])._replace(
        options={"tty": True, "quiet": True}, source_lines=lambda _path: [source]
    )
    line, excerpt, caret = render("text", report).splitlines()
    assert line.startswith("D\\x1b:1:20:")
    assert excerpt.endswith('RUN echo "\\x1b[2J" && curl x | sh')
    # Under the same columns of the escaped line: the caret still points at the pipeline.
    assert excerpt[caret.index("^") : caret.rindex("^") + 1] == "curl x | "
