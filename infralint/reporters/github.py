"""`--format github`: GitHub Actions workflow commands, which become annotations on the run and
the pull request.

GitHub turns at most 10 errors, 10 warnings and 10 notices of one step into annotations and
silently drops the rest, so a closing line says how many are only in the log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from infralint.model import Finding, Notification, Severity
from infralint.reporters.fingerprints import repo_relative
from infralint.textsafe import visible

if TYPE_CHECKING:
    from infralint.reporters import Report

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
ANNOTATIONS_PER_KIND = 10  # GitHub's per-step limit for each of error, warning, notice


def escape_data(text: str) -> str:
    """The message part of a workflow command (as @actions/core escapes it), after any other
    control character is made visible: line breaks are the only ones the runner decodes."""
    text = visible(text, keep="\r\n")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A `key=value` property: the data escapes plus the separators `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: str | int) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return (
        f"::{kind} {props}::{escape_data(message)}"
        if props
        else f"::{kind}::{escape_data(message)}"
    )


def annotation_path(path: str, report: Report) -> str:
    # Annotations are placed relative to the repository root, not the step's directory.
    return repo_relative(path, report) or path


def finding_command(finding: Finding, report: Report) -> str:
    span = finding.span
    properties: dict[str, str | int] = {
        "file": annotation_path(finding.path, report),
        "line": span.line,
        "endLine": span.end_line,
    }
    # Columns only make sense on a one-line region (GitHub ignores them otherwise).
    if span.end_line == span.line:
        properties["col"] = span.column
        if span.end_column > span.column:
            properties["endColumn"] = span.end_column
    properties["title"] = f"{finding.code} {finding.name}"
    return command(COMMAND[finding.severity], finding.message, **properties)


def notification_command(notification: Notification, report: Report) -> str:
    properties: dict[str, str | int] = {}
    if notification.path:
        properties["file"] = annotation_path(notification.path, report)
    properties["title"] = f"infralint {notification.rule or 'run problem'}"
    return command(COMMAND[notification.level], notification.message, **properties)


def hidden_summary(counts: Counter[str]) -> str | None:
    hidden = {
        kind: counts[kind] - ANNOTATIONS_PER_KIND
        for kind in ("error", "warning", "notice")
        if counts[kind] > ANNOTATIONS_PER_KIND
    }
    if not hidden:
        return None
    parts = ", ".join(
        f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in hidden.items()
    )
    return (
        f"infralint: {parts} not shown as annotations: GitHub shows at most "
        f"{ANNOTATIONS_PER_KIND} errors, {ANNOTATIONS_PER_KIND} warnings and "
        f"{ANNOTATIONS_PER_KIND} notices per step; all findings are listed above."
    )


def lines(report: Report) -> Iterator[str]:
    counts: Counter[str] = Counter()
    for notification in report.notifications:
        counts[COMMAND[notification.level]] += 1
        yield notification_command(notification, report)
    for finding in report.findings:
        counts[COMMAND[finding.severity]] += 1
        yield finding_command(finding, report)
    summary = hidden_summary(counts)
    if summary:
        yield summary
