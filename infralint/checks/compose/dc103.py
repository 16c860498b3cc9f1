"""DC103 image-without-digest: A pulled image is not pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import external_images, via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC103")
@once_per_position
def image_without_digest(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service, image in external_images(document, ctx.project):
        if image.ref is not None and image.ref.digest is None:
            yield Violation(
                image.span,
                f"service '{service.name}' image '{image.text}' is not pinned by digest"
                " (`docker compose config --lock-image-digests` prints the digests)"
                + via_key(service, "image"),
            )
