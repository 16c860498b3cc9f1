"""DF505 (copy-from-unknown-stage): COPY --from names no earlier stage and does not look like an
image.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import (
    _from_references,
    _names_current_stage,
    stage_by_reference,
)
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.image_ref import is_registry_host, looks_like_image_reference
from infralint.registry import CheckContext, check


@check("DF505")
def copy_from_unknown_stage(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction, ref, span in _from_references(document):
        if _names_current_stage(document, instruction, ref):
            continue
        if looks_like_image_reference(ref) or is_registry_host(ref):
            continue
        target = stage_by_reference(document, ref)
        if target is not None and target.index < instruction.stage:
            continue
        later = " (a later stage has that name)" if target is not None else ""
        yield Violation(
            span, f"COPY --from={ref} names no earlier stage{later} and no tagged image"
        )
