"""The engine owns the fix loop and the baseline: `engine.run` fixes, re-checks and reports
what is left, and the baseline is its last suppression layer (no CLI involved)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infralint import engine
from infralint.baseline import Entry
from infralint.catalog import load_catalog
from infralint.config import Config, enabled_codes
from infralint.fixing import FixRequest

FIXABLE = "FROM debian:12.7\nMAINTAINER someone@example.com\nRUN echo hello\n"


def _run(directory: Path, **overrides: Any) -> engine.RunResult:
    catalog = load_catalog()
    config = Config()
    settings = engine.Settings(
        config=config,
        catalog=catalog,
        enabled=frozenset(enabled_codes(config, catalog, select=["DF503", "DF101"])),
        cwd=directory,
        project_root=directory,
        use_cache=False,
        **overrides,
    )
    return engine.run([str(directory)], settings)


def test_run_with_fix_writes_and_reports_what_is_left(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(FIXABLE)
    assert [f.code for f in _run(tmp_path).findings] == ["DF503"]
    result = _run(tmp_path, fix=FixRequest(unsafe=False, write=True, targets=(str(tmp_path),)))
    assert result.fixes is not None
    assert (result.fixes.changed_files, result.fixes.applied) == (1, 1)
    assert "MAINTAINER" not in dockerfile.read_text()
    assert result.findings == []  # the findings of the fixed file, from the run after the fix


def test_run_with_diff_leaves_the_file_and_keeps_the_findings(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(FIXABLE)
    result = _run(tmp_path, fix=FixRequest(unsafe=False, write=False, targets=(str(tmp_path),)))
    assert dockerfile.read_text() == FIXABLE
    assert result.fixes is not None and len(result.fixes.diffs) == 1
    assert "-MAINTAINER someone@example.com" in result.fixes.diffs[0]
    assert [f.code for f in result.findings] == ["DF503"]


def test_fix_outside_the_targets_is_refused_in_the_report(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text(FIXABLE)
    result = _run(
        tmp_path, fix=FixRequest(unsafe=False, write=True, targets=(str(tmp_path / "b"),))
    )
    assert result.fixes is not None and result.fixes.changed_files == 0
    assert [path for path, _ in result.fixes.refusals] == ["a/Dockerfile"]
    assert (tmp_path / "a" / "Dockerfile").read_text() == FIXABLE


def test_baseline_is_the_last_suppression_layer(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(FIXABLE)
    [finding] = _run(tmp_path).findings
    held = Entry(finding.fingerprint, finding.code, "Dockerfile", finding.message)
    stale = Entry("0" * 16, "DF101", "Dockerfile", "gone")
    elsewhere = Entry(finding.fingerprint, finding.code, "other/Dockerfile", finding.message)
    result = _run(tmp_path, baseline=[held, stale])
    assert result.findings == []
    assert [f.code for f in result.suppressed] == ["DF503"]
    assert result.stale_baseline == 1
    assert [f.code for f in _run(tmp_path, baseline=[elsewhere]).findings] == ["DF503"]
