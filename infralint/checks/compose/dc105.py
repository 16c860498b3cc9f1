"""DC105 build-without-image-name: A service builds an image without naming it (no image key)."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import via
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC105")
@once_per_position
def build_without_image_name(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        entry = service.entry_of("build")
        if entry is not None and not service.has("image"):
            yield Violation(
                entry.key_node.span,
                f"service '{service.name}' builds an image without naming it (`image:`)"
                f"{via(entry)}",
            )
