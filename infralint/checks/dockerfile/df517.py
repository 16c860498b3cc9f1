"""DF517 (onbuild-misuse): ONBUILD wraps ONBUILD, FROM or MAINTAINER."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF517")
def onbuild_misuse(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        inner = instruction.onbuild
        if inner is not None and inner.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
            yield Violation(
                inner.keyword_span, f"ONBUILD {inner.keyword} is not allowed by the builder"
            )
