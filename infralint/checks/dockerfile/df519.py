"""DF519 (copy-whole-filesystem): COPY --from copies a whole filesystem (/ to /)."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import copy_sources_and_dest, stage_by_reference
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF519")
def copy_whole_filesystem(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "COPY" or instruction.flag("from") is None:
            continue
        flag = instruction.flag("from")
        stage = stage_by_reference(document, flag.value) if flag and flag.value else None
        # An external image (`--from=org/tools`) is usually a FROM-scratch artefact image made
        # to be copied whole, and DF118 judges its pin; a scratch stage of this file holds only
        # what was copied into it on purpose. Only a stage with a base image drags a system in.
        if stage is None or any(ancestor.is_scratch for ancestor in stage.ancestry()):
            continue
        sources, dest = copy_sources_and_dest(instruction)
        if dest is not None and dest.text == "/" and any(s.text == "/" for s in sources):
            yield Violation(
                instruction.keyword_span,
                f"COPY --from={flag.value if flag else ''} / / copies a whole filesystem",
            )
