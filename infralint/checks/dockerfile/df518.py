"""DF518 (reserved-stage-name): A stage is named scratch or context."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF518")
def reserved_stage_name(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        if stage.name is not None and stage.name.lower() in ("scratch", "context"):
            yield Violation(
                stage.from_instruction.value_span(),
                f"stage name '{stage.name}' is reserved: it means "
                + ("the empty image" if stage.name.lower() == "scratch" else "a build context"),
            )
