"""Baseline flow: create -> 0 new -> add one problem -> exactly 1 -> move lines -> still 1."""

from __future__ import annotations

import json
from pathlib import Path

from infralint.baseline import Entry, apply, dump, load
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
    assert "baseline entries match nothing" in result.stderr
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
