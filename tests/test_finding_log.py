"""A large run keeps its findings in a temporary file: same findings, same order, same reports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Collection
from pathlib import Path

import pytest

from infralint import engine
from infralint.baseline import Entry, entry_for
from infralint.catalog import load_catalog
from infralint.config import Config, enabled_codes
from infralint.finding_log import FindingLog, FindingView
from infralint.model import Finding, Severity
from infralint.reporters import REPORTERS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _run(directory: Path, spill: bool, baseline: list[Entry] | None = None) -> engine.RunResult:
    catalog = load_catalog()
    config = Config()
    settings = engine.Settings(
        config=config,
        catalog=catalog,
        enabled=frozenset(enabled_codes(config, catalog, select=["ALL"])),
        cwd=directory,
        project_root=directory,
        use_cache=False,
        spill_findings=spill,
        baseline=baseline,
    )
    return engine.run([str(directory)], settings)


# `infralint ...` with the first argument as the number of files from which findings spill.
PROBE = (
    "import sys\nfrom infralint import engine\n"
    "engine.SPILL_THRESHOLD = int(sys.argv.pop(1))\n"
    "from infralint.entry import main\nsys.argv = ['infralint', *sys.argv[1:]]\nmain()\n"
)


def _reports_both_ways(
    directory: Path, reports: Path, names: Collection[str], *options: str
) -> tuple[dict[str, list[bytes]], list[bytes]]:
    """`infralint check OPTIONS --output-format NAME:FILE ... .` run with findings spilled
    from the first file and with them kept in memory: each format's two reports, and stderr."""
    outputs: dict[str, list[bytes]] = {name: [] for name in names}
    errors = []
    for threshold in ("1", "1000000000"):
        folder = reports / f"threshold-{threshold}"
        folder.mkdir()
        formats = [f"--output-format={name}:{folder / name}" for name in names]
        result = subprocess.run(
            [sys.executable, "-c", PROBE, threshold, "check", *options, *formats, "."],
            cwd=directory,
            capture_output=True,
            timeout=300,
        )
        assert result.returncode == 1, result.stderr
        errors.append(result.stderr)
        for name in names:
            outputs[name].append((folder / name).read_bytes())
    return outputs, errors


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target, symlinks=True)
    return target


def test_spilled_findings_equal_the_sorted_list(
    fixtures_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "SPILL_THRESHOLD", 1)
    kept = _run(fixtures_copy, spill=False)
    spilled = _run(fixtures_copy, spill=True)
    assert spilled.finding_log is not None and spilled.findings == []
    assert len(kept.findings) > 100
    assert list(spilled.all_findings()) == kept.findings
    assert list(spilled.all_findings()) == kept.findings  # read again: the same
    assert len(spilled.all_findings()) == len(kept.findings)
    spilled.finding_log.close()


def test_a_small_run_keeps_its_list(fixtures_copy: Path) -> None:
    result = _run(fixtures_copy, spill=True)
    assert result.finding_log is None and result.findings


def test_files_in_any_order_read_back_sorted(fixtures_copy: Path) -> None:
    findings = _run(fixtures_copy, spill=False).findings
    log = FindingLog()
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path in sorted(by_path, reverse=True):  # files arrive in any order
        log.add(list(reversed(by_path[path])))
    assert list(log) == findings
    warnings = FindingView(log, Severity.WARNING.rank)
    expected = [f for f in findings if f.severity.rank >= Severity.WARNING.rank]
    assert list(warnings) == expected and len(warnings) == len(expected)
    errors = sum(f.severity is Severity.ERROR for f in findings)
    assert log.count(lambda severity: severity is Severity.ERROR) == errors
    log.close()


def test_cli_output_is_the_same_with_and_without_the_log(
    fixtures_copy: Path, tmp_path: Path
) -> None:
    """Every format, from findings in memory and from findings read back from the log."""
    options = ("--no-cache", "--min-severity", "warning")
    outputs, _ = _reports_both_ways(fixtures_copy, tmp_path, REPORTERS, *options)
    for name, (spilled, kept) in outputs.items():
        assert spilled == kept, name
        assert len(kept) > 1000, name  # a report of many findings, not an empty one
    assert b"below --min-severity warning not shown" in outputs["concise"][0]


def test_the_run_keeps_no_result_per_file(
    fixtures_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file's result is folded into the run as it arrives and then let go: a run that
    kept one per file until the last arrived grew the parent's memory with the files."""
    import weakref

    from infralint.model import FileResult

    monkeypatch.setattr(engine, "SHELLCHECK_FILES", 1)  # one file per call, with or without
    calls: list[list[weakref.ref[FileResult]]] = []
    check_files = engine.check_files

    def watched(*args: object, **kwargs: object) -> list[FileResult]:
        # The previous call's results may still be in the caller's hands; older ones not.
        alive = [ref for refs in calls[:-1] for ref in refs if ref() is not None]
        assert not alive, f"{len(alive)} results of earlier files are still held"
        results = check_files(*args, **kwargs)  # type: ignore[arg-type]
        calls.append([weakref.ref(result) for result in results])
        return results

    monkeypatch.setattr(engine, "check_files", watched)
    for spill in (False, True):
        calls.clear()
        monkeypatch.setattr(engine, "SPILL_THRESHOLD", 1 if spill else 10**6)
        result = _run(fixtures_copy, spill=spill)
        assert len(calls) > 50
        assert len(result.all_findings()) > 100
        if result.finding_log is not None:
            result.finding_log.close()


def test_a_baseline_is_matched_as_files_arrive(fixtures_copy: Path, tmp_path: Path) -> None:
    """With a baseline, a large run still keeps its findings (and the baselined ones) on disk,
    and reports exactly what matching the whole sorted list gives."""
    created = subprocess.run(
        [sys.executable, "-m", "infralint", "baseline", "create", "."],
        cwd=fixtures_copy,
        capture_output=True,
        timeout=300,
    )
    assert created.returncode == 0, created.stderr
    baseline_file = fixtures_copy / ".infralint-baseline.json"
    document = json.loads(baseline_file.read_text())
    entries = document["findings"]
    assert len(entries) > 100
    stale = {**entries[0], "fingerprint": "0" * 32}
    document["findings"] = [entry for number, entry in enumerate(entries) if number % 3] + [stale]
    baseline_file.write_text(json.dumps(document))
    names = ("json", "sarif", "concise", "junit")
    options = ("--no-cache", "--baseline", str(baseline_file))
    outputs, errors = _reports_both_ways(fixtures_copy, tmp_path, names, *options)
    assert all(b"1 baseline entry matches nothing any more" in text for text in errors)
    for name, (spilled, kept) in outputs.items():
        assert spilled == kept, name
    shown = json.loads(outputs["json"][0])["findings"]
    assert len(shown) == len(entries) - len(document["findings"]) + 1  # a third are new
    sarif = json.loads(outputs["sarif"][0])["runs"][0]["results"]
    assert sum("suppressions" in result for result in sarif) >= len(document["findings"]) - 1


def test_a_large_run_with_a_baseline_keeps_both_lists_on_disk(
    fixtures_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "SPILL_THRESHOLD", 1)
    plain = _run(fixtures_copy, spill=False)
    paths = plain.repo_paths
    half = [entry_for(f, paths.get(f.path, f.path)) for f in plain.findings[::2]]
    stale = Entry("0" * 32, "DF101", "nowhere/Dockerfile", "gone")
    result = _run(fixtures_copy, spill=True, baseline=[*half, stale])
    assert isinstance(result.finding_log, FindingLog)
    assert isinstance(result.suppressed, FindingLog)
    assert list(result.all_findings()) == plain.findings[1::2]
    baselined = [f for f in result.suppressed if f.suppression_reason == "baseline"]
    assert [f._replace(suppressed=False, suppression_reason=None) for f in baselined] == (
        plain.findings[::2]
    )
    assert result.stale_baseline == 1
    result.close()
