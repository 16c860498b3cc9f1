"""`--format json`: the stable contract of docs/interfaces.md."""

from __future__ import annotations

import json
from typing import Any

from infralint.model import Finding
from infralint.reporters import Report
from infralint.textsafe import json_text


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
    return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
