"""DF506 (copy-from-current-stage): COPY --from names the stage it is in."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import _from_references, _names_current_stage
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF506")
def copy_from_current_stage(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction, ref, span in _from_references(document):
        if _names_current_stage(document, instruction, ref):
            yield Violation(span, f"COPY --from={ref} names the stage it is in")
