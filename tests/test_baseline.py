"""Baseline flow: create -> 0 new -> add one problem -> exactly 1 -> move lines -> still 1."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from infralint.baseline import BaselineError, Entry, apply, dump, load
from tests.test_cli import run

DOCKERFILE = "FROM ubuntu\nRUN echo hi\n"


def _new_findings(project: Path) -> list[dict[str, object]]:
    result = run(
        ["check", "--no-cache", "-f", "json", "--baseline", ".infralint-baseline.json", "."],
        project,
    )
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert isinstance(findings, list)
    return findings


def test_baseline_flow(tmp_path: Path) -> None:
    (tmp_path / ".infralint.toml").write_text('select = ["DF101"]\n')
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    created = run(["baseline", "create", "."], tmp_path)
    assert created.returncode == 0, created.stderr
    baseline = json.loads((tmp_path / ".infralint-baseline.json").read_text())
    assert baseline["findings"], "the untagged base image is recorded"
    assert _new_findings(tmp_path) == []

    (tmp_path / "Dockerfile").write_text(DOCKERFILE + "FROM debian AS second\n")
    first = _new_findings(tmp_path)
    assert len(first) == 1 and first[0]["line"] == 3

    (tmp_path / "Dockerfile").write_text("# moved\n\n" + DOCKERFILE + "FROM debian AS second\n")
    moved = _new_findings(tmp_path)
    assert len(moved) == 1 and moved[0]["line"] == 5
    assert moved[0]["fingerprint"] == first[0]["fingerprint"]


def test_stale_entries_are_reported_and_pruned(tmp_path: Path) -> None:
    (tmp_path / ".infralint.toml").write_text('select = ["DF101"]\n')
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    run(["baseline", "create", "."], tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM ubuntu:24.04\nRUN echo hi\n")
    result = run(["check", "--no-cache", "--baseline", ".infralint-baseline.json", "."], tmp_path)
    assert "1 baseline entry matches nothing any more" in result.stderr
    run(["baseline", "update", "--prune", "."], tmp_path)
    assert json.loads((tmp_path / ".infralint-baseline.json").read_text())["findings"] == []


def test_duplicate_findings_need_one_entry_each() -> None:
    from infralint.model import Finding, Severity, Span

    finding = Finding(
        "DF101",
        "base-image-untagged",
        Severity.WARNING,
        "m",
        "Dockerfile",
        Span(1),
        fingerprint="abc",
    )
    entries = [Entry("abc", "DF101", "Dockerfile", "m")]
    applied = apply([finding, finding], entries)
    assert len(applied.new) == 1 and len(applied.baselined) == 1 and not applied.stale


def test_file_is_sorted_and_round_trips(tmp_path: Path) -> None:
    entries = [Entry("b", "DF102", "z", "m"), Entry("a", "DF101", "a", "m")]
    path = tmp_path / "b.json"
    path.write_text(dump(entries))
    assert [e.path for e in load(path)] == ["a", "z"]


def test_bad_baseline_exits_2(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "b.json").write_text("{}")
    result = run(["check", "--baseline", "b.json", "."], tmp_path)
    assert result.returncode == 2
    assert "not an infralint baseline" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read the baseline"),
        ('{"version": 2, "findings": []}', "not an infralint baseline"),
        ('{"version": 1}', "findings: expected a list of entries"),
        ('{"version": 1, "findings": {"a": 1}}', "findings: expected a list of entries"),
        ('{"version": 1, "findings": [7]}', r"findings\[0\]: expected an object"),
        ('{"version": 1, "findings": [{"code": "DF101", "path": "D"}]}', "fingerprint"),
        (
            '{"version": 1, "findings": [{"fingerprint": "f", "code": 1, "path": "D"}]}',
            r"findings\[0\]\.code: expected a string",
        ),
    ],
)
def test_malformed_baselines_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        load(path)


def test_entries_record_and_match_the_repo_relative_path(tmp_path: Path) -> None:
    """Created at the root, applied from a subdirectory: paths differ as shown, not as recorded."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".infralint.toml").write_text('select = ["DF101"]\n')
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "Dockerfile").write_text(DOCKERFILE)
    run(["baseline", "create", "."], tmp_path)
    baseline = json.loads((tmp_path / ".infralint-baseline.json").read_text())
    assert [entry["path"] for entry in baseline["findings"]] == ["services/Dockerfile"]
    result = run(
        ["check", "--no-cache", "-f", "json", "--baseline", "../.infralint-baseline.json", "."],
        tmp_path / "services",
    )
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []
    assert "match nothing" not in result.stderr


def test_an_entry_for_another_file_matches_nothing() -> None:
    from infralint.model import Finding, Severity, Span

    finding = Finding(
        "DF112", "pipe-to-shell", Severity.ERROR, "m", "api/Dockerfile", Span(2), fingerprint="f"
    )
    entries = [Entry("f", "DF112", "legacy/Dockerfile", "m")]
    applied = apply([finding], entries, {"api/Dockerfile": "services/api/Dockerfile"})
    assert applied.new == [finding] and applied.stale == entries
    applied = apply(
        [finding],
        [Entry("f", "DF112", "services/api/Dockerfile", "m")],
        {"api/Dockerfile": "services/api/Dockerfile"},
    )
    assert applied.new == [] and not applied.stale


def test_a_fifo_or_device_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.json")
    for path in (tmp_path / "fifo.json", Path("/dev/zero")):
        with pytest.raises(BaselineError, match="not a regular file"):
            load(path)
