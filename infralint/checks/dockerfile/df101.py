"""DF101 (base-image-untagged): FROM names an image with neither tag nor digest."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import unique
from infralint.checks.dockerfile._common import provenance, resolutions
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, image_span
from infralint.registry import CheckContext, check


@check("DF101")
def base_image_untagged(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    found: list[Violation] = []
    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            base = stage.base
            if base is None or base.tag is not None or base.digest is not None:
                continue
            found.append(
                Violation(
                    image_span(stage.from_instruction),
                    f"base image '{base.raw}' has neither tag nor digest{provenance(stage)}; "
                    f"pin it, e.g. '{base.raw}:<version>'",
                )
            )
    yield from unique(found)
