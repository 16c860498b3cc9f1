"""`--format gitlab`: a GitLab Code Quality report (a JSON array of Code Climate issues).

GitLab compares the issues of a merge request with its target branch by `fingerprint`, so each
must be unique in the report and stable across edits: ours is content-based, never the line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from infralint.model import Finding, Severity
from infralint.reporters.fingerprints import repo_relative
from infralint.reporters.json_stream import Streamed, document_chunks
from infralint.textsafe import visible

if TYPE_CHECKING:
    from infralint.reporters import Report

SEVERITY = {Severity.NOTE: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}


def code_quality_severity(finding: Finding) -> str:
    # An error of the security concern (4xx) is what a reviewer must not merge.
    if finding.severity is Severity.ERROR and finding.code[2:3] == "4":
        return "critical"
    return SEVERITY[finding.severity]


def _fallback_fingerprint(finding: Finding, path: str) -> str:
    key = f"{finding.code}\0{path}\0{finding.span.line}\0{finding.message}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue(finding: Finding, path: str, fingerprint: str) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": finding.code,
        # Shown to reviewers in the merge request: controls visible, line breaks kept.
        "description": visible(f"{finding.code} {finding.name}: {finding.message}", keep="\r\n"),
        "categories": ["Security" if finding.code[2:3] == "4" else "Bug Risk"],
        "severity": code_quality_severity(finding),
        "fingerprint": fingerprint,
        "location": {
            "path": path,
            "lines": {"begin": finding.span.line, "end": finding.span.end_line},
        },
    }


def issues(report: Report) -> Iterator[dict[str, Any]]:
    used: set[str] = set()
    current = None
    for finding in report.findings:
        # Code Quality paths are relative to the repository root.
        path = repo_relative(finding.path, report) or finding.path
        if path != current:  # a fingerprint is of one file (its path is hashed in)
            current = path
            used.clear()
        fingerprint = finding.fingerprint or _fallback_fingerprint(finding, path)
        # Two findings with one fingerprint would hide each other in the merge request widget.
        candidate, counter = fingerprint, 1
        while candidate in used:
            counter += 1
            candidate = f"{fingerprint}-{counter}"
        used.add(candidate)
        yield issue(finding, path, candidate)


def chunks(report: Report) -> Iterator[str]:
    return document_chunks(Streamed(issues(report)))
