"""The protocol-free parts of the server: settings, edits, hover text, the workspace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types

from infralint.catalog import load_catalog
from infralint.lsp import convert
from infralint.lsp.workspace import ClientSettings, Workspace
from infralint.model import Finding, Severity, Span


def _apply(text: str, edit: types.TextEdit) -> str:
    lines = [*re.findall(r"[^\n]*\n|[^\n]+$", text), ""]

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    return text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]


@given(
    st.lists(st.sampled_from(["a\n", "b\n", "\n", "c", "a\r\n"]), max_size=8),
    st.lists(st.sampled_from(["a\n", "b\n", "\n", "c", "d\n"]), max_size=8),
)
def test_whole_text_edit_turns_old_into_new(old: list[str], new: list[str]) -> None:
    before, after = "".join(old), "".join(new)
    assert _apply(before, convert.whole_text_edit(before, after)) == after


def test_whole_text_edit_touches_only_the_changed_lines() -> None:
    edit = convert.whole_text_edit("a\nb\nc\n", "a\nB\nc\n")
    assert (edit.range.start.line, edit.range.end.line, edit.new_text) == (1, 2, "B\n")


def _finding(code: str, line: int, column: int = 1) -> Finding:
    return Finding(code, "name", Severity.WARNING, "message", "x", Span(line, column))


def test_ignore_comment_goes_above_a_continued_dockerfile_instruction() -> None:
    lines = ["FROM alpine:3.20", "RUN apk add \\", "    curl"]
    edit = convert.ignore_comment_edit(_finding("DF104", 3, 5), lines, "dockerfile")
    assert edit is not None
    assert edit.range.start == types.Position(line=1, character=0)
    assert edit.new_text == "# infralint: ignore DF104 -- <reason>\n"


def test_ignore_comment_is_indented_like_the_yaml_line() -> None:
    lines = ["services:", "  web:", "    image: nginx"]
    edit = convert.ignore_comment_edit(_finding("DC101", 3, 12), lines, "compose")
    assert edit is not None
    assert edit.range.start == types.Position(line=2, character=0)
    assert edit.new_text == "    # infralint: ignore DC101 -- <reason>\n"


def test_no_ignore_comment_above_a_parser_directive() -> None:
    lines = ["# syntax=docker/dockerfile:1", "FROM alpine"]
    assert convert.ignore_comment_edit(_finding("DF999", 1), lines, "dockerfile") is None


def test_hover_escapes_markdown_from_the_scanned_file() -> None:
    rule = load_catalog().rules["DF107"]
    finding = _finding("DF107", 1)._replace(message="package '[x](http://evil)' is not pinned")
    text = convert.hover_markdown(rule, [finding])
    assert "[x](http://evil)" not in text
    assert rule.summary in text
    assert convert.rule_url(rule) in text


def test_severities_map_to_the_protocol() -> None:
    diagnostic = convert.diagnostic(_finding("IL002", 2), None, fixable=False)
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.tags == [types.DiagnosticTag.Unnecessary]
    assert diagnostic.code_description is None  # no rule, no link
    assert convert.SEVERITIES[Severity.NOTE] == types.DiagnosticSeverity.Information


def test_related_places_become_related_information() -> None:
    related = [(Span(2, 5, 2, 9), "package 'curl'"), (Span(2, 10, 2, 14), "package 'wget'")]
    diagnostic = convert.diagnostic(_finding("DF104", 2, 5), None, False, "file:///D", related)
    assert diagnostic.related_information is not None
    places = [
        (r.location.uri, r.location.range.start.character, r.message)
        for r in diagnostic.related_information
    ]
    assert places == [("file:///D", 4, "package 'curl'"), ("file:///D", 9, "package 'wget'")]
    assert convert.diagnostic(_finding("DF104", 2), None, False).related_information is None


@pytest.mark.parametrize(
    ("value", "expected", "problems"),
    [
        (None, ClientSettings(), 0),
        ({}, ClientSettings(), 0),
        (
            {"select": "DF1", "ignore": ["DF107"], "minSeverity": "ERROR", "run": "onSave"},
            ClientSettings(("DF1",), ("DF107",), Severity.ERROR, "onSave"),
            0,
        ),
        ({"minSeverity": "fatal", "run": "always", "timeBudget": -1}, ClientSettings(), 3),
        ({"select": [1, 2], "timeBudget": True}, ClientSettings(), 2),
        ({"timeBudget": 2}, ClientSettings(time_budget=2.0), 0),
        ({"minseverity": "error"}, ClientSettings(), 1),  # a typo is reported
        ("nonsense", ClientSettings(), 1),
    ],
)
def test_client_settings_are_read_leniently(value: object, expected: object, problems: int) -> None:
    settings, found = ClientSettings.from_json(value)
    assert settings == expected
    assert len(found) == problems


def test_fix_all_keeps_crlf_line_endings(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM python:3.12\r\n")
    space = Workspace(tmp_path, ClientSettings())
    job = space.job(tmp_path / "Dockerfile")
    assert job is not None
    text = "FROM python:3.12\r\nRUN pip install flask==3.0.3\r\n"
    fixed = space.fix_all(job, text)
    assert fixed == "FROM python:3.12\r\nRUN pip install --no-cache-dir flask==3.0.3\r\n"


def test_a_broken_config_falls_back_to_the_defaults_and_says_so(tmp_path: Path) -> None:
    (tmp_path / ".infralint.toml").write_text("select = [\n")
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n")
    space = Workspace(tmp_path, ClientSettings())
    assert space.problems and "using the defaults" in space.problems[0]
    job = space.job(tmp_path / "Dockerfile")
    assert job is not None
    assert "DF107" in {f.code for f in space.check(job, "FROM a:1\nRUN pip install x\n").findings}


def test_excluded_and_unknown_files_are_not_checked(tmp_path: Path) -> None:
    (tmp_path / ".infralint.toml").write_text('exclude = ["vendor/"]\n')
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "Dockerfile").write_text("FROM a\n")
    space = Workspace(tmp_path, ClientSettings())
    assert space.job(tmp_path / "vendor" / "Dockerfile") is None
    assert space.job(tmp_path / "notes.txt") is None
    assert space.job(tmp_path / "new" / "Containerfile") is not None  # not saved yet


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("services:\n  web:\n    image: \ud800\n", "not valid UTF-8"),  # a lone surrogate
        ("services:\n  web: " + "[" * 50_000 + "\n", ""),  # nesting past every parser limit
        ("services:\n\0", "binary"),
    ],
)
def test_hostile_buffers_are_il001(tmp_path: Path, text: str, fragment: str) -> None:
    (tmp_path / "compose.yaml").write_text("services: {}\n")
    space = Workspace(tmp_path, ClientSettings())
    job = space.job(tmp_path / "compose.yaml")
    assert job is not None
    findings = space.check(job, text).findings
    assert "IL001" in {f.code for f in findings}
    assert any(fragment in f.message for f in findings if f.code == "IL001")
