"""The formats for people: `concise`, `full`, `grouped`, and `text` (the default).

`concise` is one line per finding, `path:line:col: CODE [severity] message`; a finding that
`--fix` can fix carries `[*]` after its severity. `full` adds the source line with a caret under
the finding, `grouped` lists findings under their file. `text` is `concise`, with `full`'s
excerpts when standard output is a terminal. Colour follows the terminal unless NO_COLOR is set
(FORCE_COLOR asks for it on a pipe too; the caller decides, see `options["colour"]`).
`--statistics` prints only a count per rule; `--quiet` leaves out the summary.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

from infralint.model import Finding, Severity
from infralint.reporters import Report
from infralint.reporters.recent import Recent
from infralint.textsafe import visible

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTE: "36"}
FIXABLE_MARK = "[*]"


def _paint(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def applicable(finding: Finding, report: Report) -> bool:
    """Would `--fix` (with the run's `--unsafe-fixes` choice) fix this finding?"""
    fix = finding.fix
    return fix is not None and (fix.safe or bool(report.options.get("unsafe_fixes")))


def _body(finding: Finding, report: Report, colour: bool) -> str:
    code = _paint(visible(finding.code), _COLOURS[finding.severity], colour)
    mark = f" {FIXABLE_MARK}" if applicable(finding, report) else ""
    return f"{code} [{finding.severity.value}]{mark} {visible(finding.message)}"


def _finding_line(finding: Finding, report: Report, colour: bool) -> str:
    span = finding.span
    location = _paint(f"{visible(finding.path)}:{span.line}:{span.column}:", "1", colour)
    return f"{location} {_body(finding, report, colour)}"


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


def fix_hint(report: Report) -> str:
    """How many findings `--fix` would fix, and how many more `--unsafe-fixes` would add."""
    if report.options.get("fixed"):
        return ""  # --fix has run: what is left is what it could not do
    ready = hidden = 0
    for finding in report.findings:
        if finding.fix is not None:
            if applicable(finding, report):
                ready += 1
            else:
                hidden += 1
    if ready and hidden:
        return f"{ready} fixable with `--fix` ({hidden} more with `--unsafe-fixes`)."
    if ready:
        return f"{ready} fixable with `--fix`."
    if hidden:
        return f"{hidden} fixable with `--fix --unsafe-fixes`."
    return ""


def summary(report: Report) -> str:
    counts = Counter(finding.severity for finding in report.findings)
    files = plural(report.files_checked, "file")
    if not report.findings:
        text = f"No findings in {files}."
    else:
        parts = [
            plural(counts[level], level.value)
            for level in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
            if counts[level]
        ]
        text = f"Found {plural(len(report.findings), 'finding')} ({', '.join(parts)}) in {files}."
    if report.suppressed:
        text += f" {len(report.suppressed)} suppressed."
    hidden, level = report.options.get("hidden") or (0, "")
    if hidden:
        text += f" {plural(hidden, 'finding')} below --min-severity {level} not shown."
    hint = fix_hint(report)
    return f"{text} {hint}" if hint else text


def statistics(report: Report) -> list[str]:
    counts = Counter((f.code, f.name, f.severity.value) for f in report.findings)
    fixable = {(f.code, f.name, f.severity.value) for f in report.findings if applicable(f, report)}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        f"{count:>6}  {visible(code)}  {FIXABLE_MARK if key in fixable else '   '} "
        f"{visible(name)} [{level}]"
        for key, count in rows
        for code, name, level in (key,)
    ]


def colour_enabled(tty: bool) -> bool:
    """Colour on a terminal; NO_COLOR turns it off, FORCE_COLOR on anywhere (NO_COLOR wins:
    see no-color.org and force-color.org; an empty value counts as unset)."""
    if os.environ.get("NO_COLOR"):
        return False
    return tty or bool(os.environ.get("FORCE_COLOR"))


def _colour(report: Report) -> bool:
    colour = report.options.get("colour")
    return colour_enabled(bool(report.options.get("tty"))) if colour is None else bool(colour)


def _findings(report: Report, excerpts: bool) -> Iterator[str]:
    colour = _colour(report)
    source_lines = Recent(report.source_lines)  # a file read once for all its findings
    for finding in report.findings:
        yield _finding_line(finding, report, colour)
        if excerpts:
            yield from _excerpt(finding, source_lines(finding.path))


def _grouped(report: Report) -> Iterator[str]:
    colour = _colour(report)
    current: str | None = None
    group: list[Finding] = []

    def flush() -> Iterator[str]:
        if current is None:
            return
        yield _paint(f"{visible(current)}:", "1", colour)
        width = max(len(f"{f.span.line}:{f.span.column}") for f in group)
        for finding in group:
            where = f"{finding.span.line}:{finding.span.column}"
            yield f"  {where:<{width}} {_body(finding, report, colour)}"
        yield ""

    for finding in report.findings:  # sorted by path already
        if finding.path != current:
            yield from flush()
            current, group = finding.path, []
        group.append(finding)
    yield from flush()


def _report(report: Report, findings: Iterator[str]) -> Iterator[str]:
    """Findings, run problems, then the summary; `--statistics` replaces all but the summary
    with the table, and prints only that."""
    if report.options.get("statistics"):
        yield from statistics(report)
        return
    last: str | None = None  # the line before the summary, which a blank line sets apart
    for last in findings:
        yield last
    for notification in report.notifications:
        where = f"{visible(notification.path)}: " if notification.path else ""
        last = f"{where}{notification.level.value}: {visible(notification.message)}"
        yield last
    if not report.options.get("quiet"):
        if last:
            yield ""
        yield summary(report)


def lines(report: Report) -> Iterator[str]:
    """`text`: concise, with excerpts on a terminal."""
    return _report(report, _findings(report, excerpts=bool(report.options.get("tty"))))


def concise_lines(report: Report) -> Iterator[str]:
    return _report(report, _findings(report, excerpts=False))


def full_lines(report: Report) -> Iterator[str]:
    return _report(report, _findings(report, excerpts=True))


def grouped_lines(report: Report) -> Iterator[str]:
    return _report(report, _grouped(report))
