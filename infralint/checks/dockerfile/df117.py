"""DF117 (untrusted-registry): An image comes from a registry outside the configured trusted
registries.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import unique
from infralint.checks.dockerfile._common import (
    copy_from_images,
    option_list,
    registry_matches,
    resolutions,
)
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, image_span
from infralint.parsers.image_ref import ImageRef, parse_image_ref
from infralint.registry import CheckContext, check


@check("DF117")
def untrusted_registry(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    trusted = option_list(ctx, "trusted-registries")
    if not trusted:
        return
    found: list[Violation] = []

    def allowed(ref: ImageRef) -> bool:
        if ref.registry is None:
            return registry_matches("docker.io", trusted) or registry_matches(
                "hub.docker.com", trusted
            )
        return registry_matches(ref.registry, trusted)

    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            base = stage.base
            if base is not None and not allowed(base):
                found.append(
                    Violation(
                        image_span(stage.from_instruction),
                        f"base image '{base.raw}' comes from registry "
                        f"'{base.effective_registry}', which is not trusted "
                        f"(trusted: {', '.join(trusted)})",
                    )
                )
    for instruction, reference, span in copy_from_images(document):
        ref = parse_image_ref(reference)
        if ref is not None and not allowed(ref):
            found.append(
                Violation(
                    span,
                    f"{instruction.keyword} reads from image '{reference}' of registry "
                    f"'{ref.effective_registry}', which is not trusted "
                    f"(trusted: {', '.join(trusted)})",
                )
            )
    yield from unique(found)
