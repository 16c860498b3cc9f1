"""`--format text`: `path:line:col: CODE [severity] message`, for people.

On a terminal each finding also shows its source line with a caret, in colour unless NO_COLOR is
set. `--statistics` prints a count per code; `--quiet` leaves out the summary.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

from infralint.model import Finding, Severity
from infralint.reporters import Report
from infralint.textsafe import visible

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTE: "36"}


def _paint(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def _finding_line(finding: Finding, colour: bool) -> str:
    span = finding.span
    location = _paint(f"{visible(finding.path)}:{span.line}:{span.column}:", "1", colour)
    code = _paint(visible(finding.code), _COLOURS[finding.severity], colour)
    return f"{location} {code} [{finding.severity.value}] {visible(finding.message)}"


def _excerpt(finding: Finding, lines: list[str]) -> list[str]:
    span = finding.span
    if not 1 <= span.line <= len(lines):
        return []
    source = lines[span.line - 1].rstrip("\r\n").expandtabs(1)
    width = max((span.end_column - span.column) if span.end_line == span.line else 1, 1)
    # An escaped character takes several columns: the caret moves and widens to match.
    before = source[: span.column - 1]
    marked = source[span.column - 1 : span.column - 1 + width]
    start = span.column - 1 + len(visible(before)) - len(before)
    width += len(visible(marked)) - len(marked)
    caret = " " * start + "^" * width
    return [f"  {span.line:>4} | {visible(source)}", f"       | {caret}"]


def summary(report: Report) -> str:
    counts = Counter(finding.severity for finding in report.findings)
    files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''}"
    if not report.findings:
        text = f"No findings in {files}."
    else:
        total = len(report.findings)
        parts = [
            f"{counts[level]} {level.value}{'s' if counts[level] != 1 else ''}"
            for level in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
            if counts[level]
        ]
        noun = "finding" if total == 1 else "findings"
        text = f"Found {total} {noun} ({', '.join(parts)}) in {files}."
    if report.suppressed:
        text += f" {len(report.suppressed)} suppressed."
    return text


def statistics(report: Report) -> list[str]:
    counts = Counter((f.code, f.name, f.severity.value) for f in report.findings)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [f"{count:>6}  {code}  {name} [{level}]" for (code, name, level), count in rows]


def lines(report: Report) -> Iterator[str]:
    tty = bool(report.options.get("tty"))
    colour = tty and not os.environ.get("NO_COLOR")
    written = False
    for finding in report.findings:
        written = True
        yield _finding_line(finding, colour)
        if tty:
            yield from _excerpt(finding, report.source_lines(finding.path))
    for notification in report.notifications:
        written = True
        where = f"{visible(notification.path)}: " if notification.path else ""
        yield f"{where}{notification.level.value}: {visible(notification.message)}"
    if report.options.get("statistics"):
        if written:
            yield ""
        written = True
        yield from statistics(report)
    if not report.options.get("quiet"):
        if written:
            yield ""
        yield summary(report)


def render(report: Report) -> str:
    return "".join(f"{line}\n" for line in lines(report))
