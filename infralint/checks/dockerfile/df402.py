"""DF402 (user-missing): The final stage never sets USER."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import image_matches, option_list
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

# Images whose publishers set a non-root USER in the image itself (their documentation says
# so): judged by name, since infralint never pulls an image to read its configuration.
NON_ROOT_IMAGES = (
    "grafana/k6",
    "bitnami/*",
    "cgr.dev/chainguard/*",
    "nginxinc/nginx-unprivileged",
    "*-unprivileged",
    "*-rootless",
)


@check("DF402")
def user_missing(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    final = document.final_stage()
    if final is None:
        return
    allowed = option_list(ctx, "allowed-images")
    chain = final.ancestry()
    if any(i.keyword == "USER" for stage in chain for i in stage.instructions):
        return
    root = chain[-1]
    base = root.base
    if base is not None and (
        "nonroot" in (base.tag or "").lower()
        or "nonroot" in base.repository.lower()
        or base.repository.lower().endswith("nanoserver")  # runs as ContainerUser
        or image_matches(base, allowed)
        or (image_matches(base, NON_ROOT_IMAGES) and not (base.tag or "").endswith("-dev"))
    ):
        return
    yield Violation(
        final.from_instruction.keyword_span,
        f"the final stage (FROM {final.base_text}) never sets USER, so it runs as the base "
        f"image's user (usually root)",
    )
