"""DF519 (copy-whole-filesystem): COPY --from copies a whole filesystem (/ to /)."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import copy_sources_and_dest
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF519")
def copy_whole_filesystem(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "COPY" or instruction.flag("from") is None:
            continue
        sources, dest = copy_sources_and_dest(instruction)
        if dest is not None and dest.text == "/" and any(s.text == "/" for s in sources):
            flag = instruction.flag("from")
            yield Violation(
                instruction.keyword_span,
                f"COPY --from={flag.value if flag else ''} / / copies a whole filesystem",
            )
