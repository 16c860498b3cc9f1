"""DC104 image-from-variable: An image whose name or tag comes from a variable with no default
and no .env value."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import external_images, via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC104")
@once_per_position
def image_from_variable(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service, image in external_images(document, ctx.project):
        if image.ref is None and image.unresolved:
            unique_names = list(dict.fromkeys(image.unresolved))
            names = ", ".join(f"${{{name}}}" for name in unique_names)
            verb = "has" if len(unique_names) == 1 else "have"
            yield Violation(
                image.span,
                f"service '{service.name}' image '{image.node.text}' cannot be judged: {names}"
                f" {verb} no default and no value in .env" + via_key(service, "image"),
            )
