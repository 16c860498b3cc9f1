"""DC102 image-floating-tag: A service image uses a floating tag such as latest, stable or lts
without a digest."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import floating_words, once_per_position
from infralint.checks.compose._common import external_images, via
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.image_ref import is_floating
from infralint.registry import CheckContext, check


@check("DC102")
@once_per_position
def image_floating_tag(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    words = floating_words(ctx)
    for service, image in external_images(document, ctx.project):
        ref = image.ref
        if ref is not None and ref.tag and not ref.digest and is_floating(ref.tag, words):
            yield Violation(
                image.span,
                f"service '{service.name}' image '{image.text}' uses the floating tag"
                f" '{ref.tag}'{via(service.entry_of('image'))}",
            )
