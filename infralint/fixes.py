"""`--fix`: apply the text edits that checks attach to their violations.

Safe fixes are mechanical and keep behaviour; unsafe ones need `--unsafe-fixes`. A file with an
IL001 finding is never changed. A file's edits are applied together and the file is re-checked in
memory; when that would produce a finding it did not have, the file is left alone. Passes repeat
until nothing changes, so a second `--fix` changes nothing.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from infralint.model import Finding, Fix, Span

MAX_PASSES = 4
_NUMBER = re.compile(r"\d+")


@dataclass
class FileFix:
    path: str  # display path
    original: str
    fixed: str
    applied: int = 0
    refused: list[str] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.fixed.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


def _offsets(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _offset(starts: list[int], text: str, line: int, column: int) -> int:
    if line > len(starts):
        return len(text)
    return min(starts[line - 1] + column - 1, len(text))


def apply_edits(text: str, edits: list[Fix]) -> tuple[str, int]:
    """Apply non-overlapping edits (later ones first); overlapping ones wait for the next pass."""
    starts = _offsets(text)
    ranges = []
    for edit in edits:
        span: Span = edit.span
        start = _offset(starts, text, span.line, span.column)
        end = _offset(starts, text, span.end_line, span.end_column)
        ranges.append((start, max(end, start), edit.replacement))
    ranges = sorted(set(ranges), key=lambda item: (item[0], item[1]))
    chosen: list[tuple[int, int, str]] = []
    for item in ranges:
        if chosen and item[0] < chosen[-1][1]:
            continue
        chosen.append(item)
    for start, end, replacement in reversed(chosen):
        text = text[:start] + replacement + text[end:]
    return text, len(chosen)


def _fixable(findings: list[Finding], unsafe: bool) -> list[Fix]:
    return [f.fix for f in findings if f.fix is not None and (f.fix.safe or unsafe)]


def _introduces_findings(before: list[Finding], after: list[Finding]) -> list[str]:
    """Findings (by rule and message) the fix would add. Numbers in messages are ignored: a
    message that names a line ("see line 12") must not look new when a fix moves lines."""

    def key(finding: Finding) -> tuple[str, str]:
        return finding.code, _NUMBER.sub("#", finding.message)

    old = Counter(key(f) for f in before)
    new = Counter(key(f) for f in after)
    return sorted(f"{code}: {text}" for (code, text), n in new.items() if n > old[(code, text)])


def fix_text(
    text: str,
    findings: list[Finding],
    recheck: Callable[[str], list[Finding]],
    unsafe: bool,
    path: str,
) -> FileFix:
    """Fix one file's text. `recheck(text)` lints a candidate text in memory."""
    outcome = FileFix(path, text, text)
    current_text, current = text, findings
    for _ in range(MAX_PASSES):
        if any(f.code == "IL001" for f in current):
            outcome.refused.append("the file has a parse error (IL001)")
            break
        edits = _fixable(current, unsafe)
        if not edits:
            break
        candidate, count = apply_edits(current_text, edits)
        if candidate == current_text:
            break
        after = recheck(candidate)
        introduced = _introduces_findings(current, [f for f in after if f.code not in {"IL002"}])
        if introduced:
            outcome.refused.append("the fix would add " + "; ".join(introduced))
            break
        current_text, current = candidate, after
        outcome.applied += count
    outcome.fixed = current_text
    return outcome


def write_preserving(path: Path, text: str, original_raw: bytes) -> None:
    """Write back with the file's own newline style and BOM."""
    if b"\r\n" in original_raw:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if original_raw.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
