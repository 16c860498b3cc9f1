"""DF522 (from-as-casing): The AS of a FROM is cased differently from the FROM."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Fix, Violation
from infralint.parsers.dockerfile import DockerfileDocument, split_words
from infralint.registry import CheckContext, check


@check("DF522")
def from_as_casing(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        instruction = stage.from_instruction
        words = split_words(instruction.value, instruction.escape)
        if len(words) != 3 or words[1][0].lower() != "as":
            continue
        keyword, (written, start, end) = instruction.keyword_as_written, words[1]
        if keyword not in (keyword.lower(), keyword.upper()):
            continue  # a mixed-case FROM is DF523's finding; its AS has nothing to match
        lower = keyword == keyword.lower()
        if written == (written.lower() if lower else written.upper()):
            continue
        wanted = "as" if lower else "AS"
        span = instruction.value_origin.span(start, end)
        yield Violation(
            span,
            f"'{written}' should be '{wanted}' to match the casing of '{keyword}'",
            fix=Fix(span, wanted),
        )
