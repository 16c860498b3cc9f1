"""`--format json`: the stable contract of INTERFACES.md."""

from __future__ import annotations

import json
from typing import Any

from infralint.model import Finding
from infralint.reporters import Report


def finding_to_json(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": finding.path,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "fingerprint": finding.fingerprint,
    }
    if finding.peer:
        data["peer"] = finding.peer
    return data


def render(report: Report) -> str:
    document = {
        "version": 1,
        "tool": {"name": "infralint", "version": report.tool_version},
        "findings": [finding_to_json(finding) for finding in report.findings],
        "files_checked": report.files_checked,
    }
    if report.notifications:
        document["notifications"] = [
            {"message": n.message, "path": n.path, "level": n.level.value, "rule": n.rule}
            for n in report.notifications
        ]
    return escape_surrogates(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def escape_surrogates(text: str) -> str:
    """Paths that are not valid UTF-8 reach us as lone surrogates (PEP 383). Writing them as
    `\\udcXX` escapes keeps the JSON valid UTF-8 and loses nothing: `os.fsencode` of the
    decoded string gives back the original bytes."""
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    return "".join(f"\\u{ord(char):04x}" if "\ud800" <= char <= "\udfff" else char for char in text)
