"""DF306 (healthcheck-missing): The final stage has no HEALTHCHECK."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF306")
def healthcheck_missing(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    final = document.final_stage()
    if final is None:
        return
    for stage in final.ancestry():
        if any(i.keyword == "HEALTHCHECK" for i in stage.instructions):
            return
    yield Violation(
        final.from_instruction.keyword_span,
        f"the final stage (FROM {final.base_text}) defines no HEALTHCHECK",
    )
