"""DF503 (maintainer-deprecated): MAINTAINER is deprecated."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Fix, Span, Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.registry import CheckContext, check

AUTHORS_LABEL = "org.opencontainers.image.authors"


@check("DF503")
def maintainer_deprecated(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword == "MAINTAINER":
            yield Violation(
                instruction.keyword_span,
                f"MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors="
                f'"{instruction.value}"',
                fix=_maintainer_fix(document, instruction),
            )


def _maintainer_fix(document: DockerfileDocument, instruction: Instruction) -> Fix | None:
    """`MAINTAINER x y` -> `LABEL org.opencontainers.image.authors="x y"`: only for a one-line
    MAINTAINER, alone in its stage, where no LABEL sets the authors already."""
    span, value = instruction.span, instruction.value
    if span.line != span.end_line or not value.strip() or "\n" in value:
        return None
    stage = document.stage_of(instruction)
    if stage is None:
        return None
    if sum(1 for each in stage.instructions if each.keyword == "MAINTAINER") > 1:
        return None
    for each in document.all_instructions():
        if each.keyword == "LABEL" and any(pair.key == AUTHORS_LABEL for pair in each.pairs()):
            return None
    # MAINTAINER takes its text literally; in a double-quoted LABEL value `"`, `$` and the
    # escape character are special, so each gets the escape character in front.
    escape = instruction.escape
    quoted = "".join(escape + char if char in ('"', "$", escape) else char for char in value)
    written = instruction.keyword_as_written
    keyword = "label" if written and written == written.lower() else "LABEL"
    start = instruction.keyword_span
    end = instruction.value_span()
    return Fix(
        Span(start.line, start.column, end.end_line, end.end_column),
        f'{keyword} {AUTHORS_LABEL}="{quoted}"',
    )
