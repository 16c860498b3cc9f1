"""DF103 (base-image-without-digest): An external image the build reads (FROM, COPY --from,
RUN --mount from=, the `# syntax=` frontend) is not pinned by digest."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks import unique
from infralint.checks.dockerfile._common import (
    copy_from_images,
    image_matches,
    option_list,
    provenance,
    registry_matches,
    resolutions,
)
from infralint.model import Span, Violation
from infralint.parsers.dockerfile import DockerfileDocument, image_span
from infralint.parsers.image_ref import ImageRef, parse_image_ref
from infralint.registry import CheckContext, check

_DIRECTIVE = re.compile(r"^(\s*#\s*)([a-zA-Z][a-zA-Z0-9]*)(\s*=\s*)(\S+)")
MAX_DIRECTIVE_LINES = 20  # directives sit at the very top; BuildKit stops at the first other line


@check("DF103")
def base_image_without_digest(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    allowed_images = option_list(ctx, "allowed-images")
    allowed_registries = option_list(ctx, "allowed-registries")

    def allowed(ref: ImageRef) -> bool:
        return image_matches(ref, allowed_images) or registry_matches(
            ref.effective_registry, allowed_registries
        )

    found: list[Violation] = []
    frontend = _syntax_directive(document)
    if frontend is not None:
        ref = parse_image_ref(frontend[0])
        if ref is not None and ref.digest is None and not allowed(ref):
            found.append(
                Violation(
                    frontend[1],
                    f"the frontend image '{frontend[0]}' (# syntax=) is not pinned by digest; "
                    "append '@sha256:<digest>'",
                )
            )
    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            base = stage.base
            if base is None or base.digest is not None or allowed(base):
                continue
            found.append(
                Violation(
                    image_span(stage.from_instruction),
                    f"base image '{base.raw}' is not pinned by digest{provenance(stage)}; "
                    f"append '@sha256:<digest>'",
                )
            )
    for instruction, reference, span in copy_from_images(document):
        ref = parse_image_ref(reference)
        if ref is None or ref.digest is not None or allowed(ref):
            continue
        what = "COPY --from" if instruction.keyword != "RUN" else "RUN --mount from="
        found.append(
            Violation(
                span,
                f"{what} image '{reference}' is not pinned by digest; append '@sha256:<digest>'",
            )
        )
    yield from unique(found)


def _syntax_directive(document: DockerfileDocument) -> tuple[str, Span] | None:
    """The `# syntax=` image and where its value is written."""
    value = document.directives.get("syntax")
    if not value:
        return None
    for number, line in enumerate(document.source.text.splitlines()[:MAX_DIRECTIVE_LINES], 1):
        match = _DIRECTIVE.match(line.lstrip("\ufeff"))
        if match is None:
            break
        if match.group(2).lower() == "syntax":
            start = line.index(match.group(4), match.end(3) - 1) + 1
            return value, Span(number, start, number, start + len(match.group(4)))
    return None
