"""The fix loop of a run: for each file with fixable findings, apply its fixes, re-check, keep
only fixes that add no finding, and write the result atomically (or show it as a diff).

It belongs to the engine (engine.run calls it), as the re-check needs the run's checks and
context. Each file is fixed from the bytes read here, not from the run's positions, which may
be stale by now; a file that cannot be fixed is reported and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from infralint import fixes

if TYPE_CHECKING:
    from infralint.engine import FileJob
    from infralint.model import Finding

# Lints a file's candidate text in memory, with the run's checks and context.
Recheck = Callable[["FileJob", str], list["Finding"]]


class FixRequest(NamedTuple):
    """What the command line asked for: `--fix` (write) or `--diff` (show), and where."""

    unsafe: bool
    write: bool
    targets: tuple[str, ...]  # the paths given: --fix writes only inside them


@dataclass
class FixReport:
    """What the fix loop did: files and fixes counted, diffs to show, files it refused."""

    changed_files: int = 0
    applied: int = 0
    diffs: list[str] = field(default_factory=list)
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (shown path, why)
    fixed: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # (path, rule -> n)


def fix_files(
    jobs: list[FileJob],
    findings: list[Finding],
    recheck: Recheck,
    max_size: int,
    request: FixRequest,
) -> FixReport:
    """Fix (or diff) every file of JOBS that has a fixable finding among FINDINGS."""
    fixable = {finding.path for finding in findings if finding.fix}
    roots = fixes.fix_roots(list(request.targets))
    report = FixReport()
    for job in jobs:
        if not job.path or job.display_path not in fixable:
            continue
        try:
            count = _fix_file(job, recheck, max_size, request, roots, report)
        except fixes.FixRefused as refusal:
            report.refusals.append((job.display_path, str(refusal)))
            continue
        except OSError as error:
            report.refusals.append((job.display_path, f"cannot write: {error.strerror}"))
            continue
        if count:
            report.changed_files += 1
            report.applied += count
    return report


def _fix_file(
    job: FileJob,
    recheck: Recheck,
    max_size: int,
    request: FixRequest,
    roots: list[str],
    report: FixReport,
) -> int:
    """Fix one file; return how many fixes were applied (or shown)."""
    target = fixes.open_target(job.path, roots, job.reason, max_size)

    def lint(candidate: str) -> list[Finding]:
        return recheck(job, candidate)

    text = fixes.normalise_newlines(target.text)
    outcome = fixes.fix_text(target.text, lint(text), lint, request.unsafe, job.display_path)
    report.refusals.extend((job.display_path, reason) for reason in outcome.refused)
    if outcome.fixed == target.text:
        return 0
    data = fixes.encode_exactly(outcome.fixed, target.encoding)
    if request.write:
        fixes.write_atomically(target, data)
    else:
        report.diffs.append(outcome.diff())
    if outcome.fixed_codes:
        report.fixed.append((job.display_path, outcome.fixed_codes))
    return outcome.applied
