"""--fix: golden before/after per fixture, idempotence, refusals, newline style."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from infralint.fixes import apply_edits, fix_text
from infralint.model import Finding, Fix, Severity, Span
from tests.conftest import REPO
from tests.test_cli import run

CASES = sorted(path for path in (REPO / "fixtures" / "fixes").iterdir() if path.is_dir())


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".infralint_cache" not in path.parts
    }


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_fix_matches_golden_and_is_idempotent(
    case: Path, tmp_path: Path, update_goldens: bool
) -> None:
    work = tmp_path / "work"
    shutil.copytree(case / "input", work)
    unsafe = ["--unsafe-fixes"] if (case / "unsafe").exists() else []
    first = run(["check", "--no-cache", "--select", "ALL", "--fix", *unsafe, "."], work)
    assert "Traceback" not in first.stderr
    if update_goldens:
        shutil.rmtree(case / "expected", ignore_errors=True)
        shutil.copytree(work, case / "expected")
    assert _files(work) == _files(case / "expected")
    again = run(["check", "--no-cache", "--select", "ALL", "--fix", *unsafe, "--diff", "."], work)
    assert again.returncode == 0 and again.stdout == "", again.stdout


def test_diff_changes_no_file(tmp_path: Path) -> None:
    case = CASES[0]
    shutil.copytree(case / "input", tmp_path / "work")
    before = _files(tmp_path / "work")
    result = run(["check", "--no-cache", "--select", "ALL", "--diff", "."], tmp_path / "work")
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/")
    assert _files(tmp_path / "work") == before


def test_apply_edits_skips_overlaps_and_keeps_order() -> None:
    text = "abc\ndef\n"
    edits = [Fix(Span(1, 2, 1, 3), "B"), Fix(Span(1, 1, 1, 4), "X"), Fix(Span(2, 4, 2, 4), "!")]
    fixed, count = apply_edits(text, edits)
    assert fixed == "X\ndef!\n" and count == 2


def _finding(code: str, fix: Fix | None = None) -> Finding:
    return Finding(code, "n", Severity.WARNING, f"{code} message", "f", Span(1), fix=fix)


def test_fix_that_adds_a_finding_is_refused() -> None:
    finding = _finding("DF999", Fix(Span(1, 1, 1, 2), "Y"))
    outcome = fix_text("x\n", [finding], lambda text: [_finding("DF998")], False, "f")
    assert outcome.fixed == "x\n" and outcome.refused


def test_file_with_parse_error_is_never_fixed() -> None:
    findings = [_finding("IL001"), _finding("DF999", Fix(Span(1, 1, 1, 2), "Y"))]
    outcome = fix_text("x\n", findings, lambda text: [], False, "f")
    assert outcome.fixed == "x\n" and "IL001" in outcome.refused[0]


def test_unsafe_fixes_need_the_flag() -> None:
    finding = _finding("DF999", Fix(Span(1, 1, 1, 2), "Y", safe=False))
    assert fix_text("x\n", [finding], lambda text: [], False, "f").fixed == "x\n"
    assert fix_text("x\n", [finding], lambda text: [], True, "f").fixed == "Y\n"
