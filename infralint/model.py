"""The data every part of infralint shares: positions, severities, findings, parse problems.

Lines and columns are 1-based; columns count Unicode code points and `end_column` is exclusive.
Parsers convert their own units (tree-sitter's UTF-8 bytes, 0-based lines) at their boundary.

These records are NamedTuples rather than dataclasses: every run creates the classes at
start-up, where a frozen dataclass costs ~1 ms each to build, and creates millions of spans.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple


class Severity(enum.Enum):
    """A finding's level; the names are SARIF's."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown severity {text!r} (expected error, warning or note)"
            ) from None


_RANK = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class _SpanFields(NamedTuple):
    line: int
    column: int
    end_line: int
    end_column: int


class Span(_SpanFields):
    """A region of a file: 1-based lines and columns, end column exclusive. Ordered by position."""

    __slots__ = ()

    def __new__(cls, line: int, column: int = 1, end_line: int = 0, end_column: int = 0) -> Span:
        # A bare Span(line) means "this whole position": end defaults to start.
        end_line = max(end_line, line)
        if end_line == line and end_column < column:
            end_column = column
        return super().__new__(cls, line, column, end_line, end_column)

    @classmethod
    def whole_file(cls) -> Span:
        return cls(1, 1, 1, 1)

    def shifted(self, lines: int, columns: int = 0) -> Span:
        """The span moved down `lines`; `columns` shifts columns on the first line only."""
        end_col = self.end_column + (columns if self.end_line == self.line else 0)
        return Span(self.line + lines, self.column + columns, self.end_line + lines, end_col)


class Fix(NamedTuple):
    """A text edit that resolves a violation: replace `span` with `replacement`."""

    span: Span
    replacement: str
    safe: bool = True


class Related(NamedTuple):
    """A further place that belongs to one finding (each unpinned package of one install)."""

    span: Span
    message: str


class Violation(NamedTuple):
    """What a check yields: where and what. The engine adds code, severity and fingerprint.

    `anchor` is the text the fingerprint is built from (default: the source of the span's first
    line), so that a finding keeps its identity when lines above it move.
    """

    span: Span
    message: str
    anchor: str | None = None
    fix: Fix | None = None
    peer: str | None = None
    # Lowers or raises this one finding (e.g. CB201 guarded only by a Ruby `if` is a note).
    # A severity the user configured for the rule still wins.
    severity: Severity | None = None
    related: tuple[Related, ...] = ()


class Finding(NamedTuple):
    """A violation as reported: rule, severity, place, and the fingerprint baselines match."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    span: Span
    fingerprint: str = ""
    peer: str | None = None
    fix: Fix | None = None
    suppressed: bool = False
    suppression_reason: str | None = None
    related: tuple[Related, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)


class ParseProblem(NamedTuple):
    """Something a parser could not read. It becomes an IL001 finding; the rest is still checked."""

    message: str
    span: Span = Span(1, 1, 1, 1)  # the whole file


class ParseError(Exception):
    """Raised by a parser when nothing of the file can be used (binary, over a limit, invalid)."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span or Span.whole_file()


class Notification(NamedTuple):
    """A problem of the run itself (an unreadable path, a check that crashed): not a finding."""

    message: str
    path: str | None = None
    level: Severity = Severity.ERROR
    rule: str | None = None


@dataclass
class FileResult:
    """What checking one file produced (a dataclass: the engine fills its lists in place).

    Here rather than in engine.py so that the cache can rebuild one without importing the
    engine, which imports the cache."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
