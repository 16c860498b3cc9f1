"""DF118 (copy-from-image-unpinned): COPY --from or RUN --mount from= reads an external image
without tag or with a floating tag.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import floating_words
from infralint.checks.dockerfile._common import (
    copy_from_images,
)
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.image_ref import is_floating, parse_image_ref
from infralint.registry import CheckContext, check


@check("DF118")
def copy_from_image_unpinned(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    words = floating_words(ctx)
    for instruction, reference, span in copy_from_images(document):
        ref = parse_image_ref(reference)
        if ref is None or ref.digest is not None:
            continue
        what = "COPY --from" if instruction.keyword != "RUN" else "RUN --mount from="
        if ref.tag is None:
            yield Violation(span, f"{what} image '{reference}' has neither tag nor digest")
        elif is_floating(ref.tag, words):
            yield Violation(span, f"{what} image '{reference}' uses the floating tag '{ref.tag}'")
