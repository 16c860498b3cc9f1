"""DF521 (stage-name-casing): A stage name has upper-case letters."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Fix, Violation
from infralint.parsers.dockerfile import DockerfileDocument, split_words
from infralint.registry import CheckContext, check


@check("DF521")
def stage_name_casing(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        name = stage.name
        if name is None or name == name.lower():
            continue
        instruction = stage.from_instruction
        words = split_words(instruction.value, instruction.escape)
        if len(words) < 3:
            continue
        raw, start, end = words[2]
        span = instruction.value_origin.span(start, end)
        # Stage references are case-insensitive, so lower-casing the name alone is enough.
        fix = Fix(span, raw.lower()) if raw == name else None
        yield Violation(
            span,
            f"stage name '{name}' should be lower case ('{name.lower()}'): the builder lower-cases "
            "stage names, so the casing only misleads",
            fix=fix,
        )
