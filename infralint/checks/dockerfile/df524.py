"""DF524 (empty-continuation-line): A blank line inside a continued instruction."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from infralint.model import Span, Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.dockerfile_reader import continuation_pattern, is_comment
from infralint.registry import CheckContext, check


@check("DF524")
def empty_continuation_line(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    lines = document.lines
    continues = continuation_pattern(document.escape)
    for instruction in document.instructions:
        if instruction.span.end_line == instruction.line:
            continue
        empty = _empty_lines(lines, instruction.line - 1, continues.search)
        if not empty:
            continue
        first = empty[0]
        more = f" (and {len(empty) - 1} more)" if len(empty) > 1 else ""
        yield Violation(
            Span(first, 1, first, len(lines[first - 1]) + 1),
            f"blank line {first}{more} inside the continued {instruction.keyword} of line "
            f"{instruction.line}: the builder skips it today, and will reject it in a future "
            "release",
        )


def _empty_lines(lines: list[str], index: int, continues: Callable[[str], object]) -> list[int]:
    """1-based numbers of the blank lines an instruction's continuation runs over (blank lines
    between its pieces; comment lines are allowed there)."""
    found: list[int] = []
    pending: list[int] = []
    continued = continues(lines[index])
    while continued and index + 1 < len(lines):
        index += 1
        raw = lines[index]
        if not raw.strip():
            pending.append(index + 1)
            continue
        if is_comment(raw):
            continue
        found += pending
        pending = []
        continued = continues(raw)
    return found
