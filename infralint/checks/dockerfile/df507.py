"""DF507 (duplicate-stage-name): Two stages have the same name."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, Stage
from infralint.registry import CheckContext, check


@check("DF507")
def duplicate_stage_name(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    seen: dict[str, Stage] = {}
    for stage in document.stages:
        if stage.name is None:
            continue
        key = stage.name.lower()
        if key in seen:
            yield Violation(
                stage.from_instruction.value_span(),
                f"stage name '{stage.name}' is already used by the stage on line "
                f"{seen[key].from_instruction.line}",
            )
        else:
            seen[key] = stage
