"""Findings as the protocol shows them: diagnostics, edits, hover text.

Positions: infralint counts 1-based lines and code points, end column exclusive; the protocol
counts 0-based lines and, by default, UTF-16 code units. Ranges are built here in code points
(0-based) and converted to the negotiated encoding with the document's codec by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types

from infralint import __version__
from infralint.model import Finding, Fix, Severity, Span

if TYPE_CHECKING:
    from infralint.catalog import Rule

SOURCE = "infralint"
SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}
UNNECESSARY = frozenset({"IL002"})  # an unused suppression: editors fade it out


def rule_url(rule: Rule) -> str:
    """The rule's documentation page, the one SARIF's helpUri names."""
    from infralint.reporters.sarif import _help_uri

    return _help_uri(rule, __version__)


def span_range(span: Span) -> types.Range:
    """A finding's span as a code-point range (0-based)."""
    return types.Range(
        start=types.Position(line=span.line - 1, character=span.column - 1),
        end=types.Position(line=span.end_line - 1, character=span.end_column - 1),
    )


def diagnostic(
    finding: Finding,
    rule: Rule | None,
    fixable: bool,
    uri: str = "",
    related: Sequence[tuple[Span, str]] = (),
) -> types.Diagnostic:
    """`related`: the finding's other places in the same file (`uri`), with what each is."""
    return types.Diagnostic(
        range=span_range(finding.span),
        message=finding.message,
        severity=SEVERITIES[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=rule_url(rule)) if rule else None,
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary] if finding.code in UNNECESSARY else None,
        data={"fingerprint": finding.fingerprint, "fixable": fixable},
        related_information=[
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri, range=span_range(span)), message=message
            )
            for span, message in related
        ]
        or None,
    )


def fix_edit(fix: Fix) -> types.TextEdit:
    return types.TextEdit(range=span_range(fix.span), new_text=fix.replacement)


def ignore_comment_edit(finding: Finding, lines: list[str], language: str) -> types.TextEdit | None:
    """Insert `# infralint: ignore CODE -- <reason>` on its own line above the construct the
    finding starts in, indented like it: an own-line comment covers the whole next construct
    (a trailing `#` in a Dockerfile instruction would be part of the instruction). None for a
    finding on a comment (a parser directive must stay first)."""
    line = finding.span.line - 1
    if language == "dockerfile":
        while line > 0 and lines[line - 1].rstrip().endswith(("\\", "`")):
            line -= 1  # up to the first line of a continued instruction
    text = lines[line] if line < len(lines) else ""
    if text.lstrip().startswith("#"):
        return None
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    comment = f"{indent}# infralint: ignore {finding.code} -- <reason>\n"
    start = types.Position(line=line, character=0)
    return types.TextEdit(range=types.Range(start=start, end=start), new_text=comment)


def whole_text_edit(old: str, new: str) -> types.TextEdit:
    """One edit turning `old` into `new`: the lines between their common head and tail."""
    old_lines, new_lines = _lines(old), _lines(new)
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_lines), len(new_lines)) - head
        and old_lines[-1 - tail] == new_lines[-1 - tail]
    ):
        tail += 1
    end_line = len(old_lines) - tail
    if end_line == len(old_lines) and old_lines and not old_lines[-1].endswith("\n"):
        end = types.Position(line=end_line - 1, character=len(old_lines[-1]))
    else:
        end = types.Position(line=end_line, character=0)
    return types.TextEdit(
        range=types.Range(start=types.Position(line=head, character=0), end=end),
        new_text="".join(new_lines[head : len(new_lines) - tail]),
    )


def _lines(text: str) -> list[str]:
    """Lines with their endings; only LF ends one, as in an editor's buffer."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def hover_markdown(rule: Rule, findings: list[Finding]) -> str:
    """The rule's summary and why, from its document, under the findings' messages."""
    lines = [f"**{rule.code}** `{rule.name}`: {rule.summary}", ""]
    lines.extend(f"- {_escaped(finding.message)}" for finding in findings)
    why = rule.section("Why is this bad?").strip()
    if why:
        lines.extend(["", why])
    lines.extend(["", f"[{rule.code} documentation]({rule_url(rule)})"])
    return "\n".join(lines)


def _escaped(text: str) -> str:
    """A message quotes the scanned file: keep Markdown in it from rendering (or linking)."""
    return "".join("\\" + char if char in "\\`*_[]()<>#!|~{}" else char for char in text)
