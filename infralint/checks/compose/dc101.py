"""DC101 image-untagged: A service image has neither tag nor digest."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import external_images, via
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC101")
@once_per_position
def image_untagged(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service, image in external_images(document, ctx.project):
        ref = image.ref
        if ref is not None and ref.tag is None and ref.digest is None:
            yield Violation(
                image.span,
                f"service '{service.name}' image '{image.text}' has neither tag nor digest"
                f" (it means '{image.text}:latest'){via(service.entry_of('image'))}",
            )
