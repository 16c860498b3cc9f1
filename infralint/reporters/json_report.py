"""`--format json`, the stable contract of docs/interfaces.md, and `json-lines`: the same finding
objects, one per line, for tools that read a stream (run problems are the lines without `code`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from infralint.model import Finding, Fix, Notification
from infralint.reporters import Report
from infralint.reporters.json_stream import Streamed, document_chunks
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
    if finding.fix is not None:
        data["fix"] = fix_to_json(finding.fix)
    return data


def fix_to_json(fix: Fix) -> dict[str, Any]:
    """What `--fix` would do: replace the region with `content` (empty content deletes)."""
    span = fix.span
    edit = {
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "content": fix.replacement,
    }
    return {"applicability": "safe" if fix.safe else "unsafe", "edits": [edit]}


def notification_to_json(notification: Notification) -> dict[str, Any]:
    return {
        "message": notification.message,
        "path": notification.path,
        "level": notification.level.value,
        "rule": notification.rule,
    }


def chunks(report: Report) -> Iterator[str]:
    document: dict[str, Any] = {
        "version": 1,
        "tool": {"name": "infralint", "version": report.tool_version},
        "findings": Streamed(finding_to_json(finding) for finding in report.findings),
        "files_checked": report.files_checked,
    }
    if report.notifications:
        document["notifications"] = [notification_to_json(n) for n in report.notifications]
    return document_chunks(document)


def json_lines(report: Report) -> Iterator[str]:
    for notification in report.notifications:
        yield json_text(json.dumps(notification_to_json(notification), ensure_ascii=False))
    for finding in report.findings:
        yield json_text(json.dumps(finding_to_json(finding), ensure_ascii=False))
