"""DF102 (base-image-floating-tag): FROM uses a floating tag such as latest, stable or lts
without a digest.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import floating_words, unique
from infralint.checks.dockerfile._common import (
    provenance,
    resolutions,
)
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, image_span
from infralint.parsers.image_ref import is_floating
from infralint.registry import CheckContext, check


@check("DF102")
def base_image_floating_tag(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    words = floating_words(ctx)
    found: list[Violation] = []
    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            base = stage.base
            if base is None or base.tag is None or base.digest is not None:
                continue
            if is_floating(base.tag, words):
                found.append(
                    Violation(
                        image_span(stage.from_instruction),
                        f"base image '{base.raw}' uses the floating tag '{base.tag}'"
                        f"{provenance(stage)}; pin a release tag or a digest",
                    )
                )
    yield from unique(found)
