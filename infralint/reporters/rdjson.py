"""`--output-format rdjson`: reviewdog's Diagnostic Format, one JSON document for the run.

reviewdog (`reviewdog -f=rdjson`) posts the diagnostics as review comments and applies the
`suggestions` as suggested changes. Its columns count UTF-8 bytes, ours code points: they are
converted with the file's line where it can still be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from infralint.links import rule_url
from infralint.model import Finding, Severity, Span
from infralint.reporters import INFORMATION_URI
from infralint.reporters.json_stream import Streamed, document_chunks
from infralint.reporters.recent import Recent, readable_lines

if TYPE_CHECKING:
    from infralint.reporters import Report

SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.NOTE: "INFO"}


def byte_column(line_text: str | None, column: int) -> int:
    """A 1-based code point column as reviewdog's 1-based UTF-8 byte column."""
    if line_text is None:
        return column
    prefix = line_text[: column - 1]
    # Past the end of the line (a zero-width span there) the extra columns count one each.
    extra = column - 1 - len(prefix)
    return len(prefix.encode("utf-8", "surrogatepass")) + extra + 1


class SourceLines:
    """Files' lines (without their endings), each read once while its findings are written."""

    def __init__(self, report: Report) -> None:
        read = readable_lines(report.source_lines)
        self._files = Recent(lambda path: [line.rstrip("\r\n") for line in read(path)])

    def line(self, path: str, number: int) -> str | None:
        lines = self._files(path)
        return lines[number - 1] if 1 <= number <= len(lines) else None


def rd_range(span: Span, path: str, sources: SourceLines) -> dict[str, Any]:
    return {
        "start": {
            "line": span.line,
            "column": byte_column(sources.line(path, span.line), span.column),
        },
        "end": {
            "line": span.end_line,
            "column": byte_column(sources.line(path, span.end_line), span.end_column),
        },
    }


def diagnostic(finding: Finding, report: Report, sources: SourceLines) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message": finding.message,
        "location": {"path": finding.path, "range": rd_range(finding.span, finding.path, sources)},
        "severity": SEVERITY[finding.severity],
        "code": {"value": finding.code, "url": rule_url(finding.code, report.tool_version)},
    }
    fix = finding.fix
    # reviewdog applies a suggestion as it stands: only fixes `--fix` would make by default.
    if fix is not None and fix.safe:
        data["suggestions"] = [
            {"range": rd_range(fix.span, finding.path, sources), "text": fix.replacement}
        ]
    return data


def chunks(report: Report) -> Iterator[str]:
    sources = SourceLines(report)
    document = {
        "source": {"name": "infralint", "url": INFORMATION_URI},
        "diagnostics": Streamed(diagnostic(f, report, sources) for f in report.findings),
    }
    return document_chunks(document)
