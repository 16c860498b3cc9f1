"""DF103 (base-image-without-digest): An external base image is not pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import unique
from infralint.checks.dockerfile._common import (
    image_matches,
    option_list,
    provenance,
    registry_matches,
    resolutions,
)
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, image_span
from infralint.registry import CheckContext, check


@check("DF103")
def base_image_without_digest(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    allowed_images = option_list(ctx, "allowed-images")
    allowed_registries = option_list(ctx, "allowed-registries")
    found: list[Violation] = []
    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            base = stage.base
            if base is None or base.digest is not None:
                continue
            if image_matches(base, allowed_images) or registry_matches(
                base.effective_registry, allowed_registries
            ):
                continue
            found.append(
                Violation(
                    image_span(stage.from_instruction),
                    f"base image '{base.raw}' is not pinned by digest{provenance(stage)}; "
                    f"append '@sha256:<digest>'",
                )
            )
    yield from unique(found)
