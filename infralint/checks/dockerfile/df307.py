"""DF307 (healthcheck-duplicate): A stage has more than one HEALTHCHECK."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.registry import CheckContext, check


@check("DF307")
def healthcheck_duplicate(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        seen: Instruction | None = None
        for instruction in stage.instructions:
            if instruction.keyword != "HEALTHCHECK":
                continue
            if seen is not None:
                yield Violation(
                    instruction.keyword_span,
                    f"second HEALTHCHECK in the stage (the one on line {seen.line} is ignored)",
                )
            seen = instruction
