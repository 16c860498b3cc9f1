"""DF509 (instruction-before-from): An instruction other than ARG comes before the first FROM."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF509")
def instruction_before_from(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            return
        if instruction.keyword != "ARG":
            yield Violation(
                instruction.keyword_span,
                f"{instruction.keyword} before the first FROM (only ARG may come before it)",
            )
