"""DC106 pull-always-floating: pull_policy always or missing combined with a floating or missing
tag."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import floating_words, once_per_position
from infralint.checks.compose._common import external_images
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.image_ref import is_floating
from infralint.registry import CheckContext, check


@check("DC106")
@once_per_position
def pull_always_floating(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    words = floating_words(ctx)
    for service, image in external_images(document, ctx.project):
        node = service.get("pull_policy")
        policy = (document.value(node) or "").strip().lower()
        ref = image.ref
        if policy not in ("always", "missing") or ref is None or ref.digest:
            continue
        tag = ref.tag or "latest"
        if is_floating(tag, words) and node is not None:
            yield Violation(
                node.span,
                f"service '{service.name}' pulls '{image.text}' with pull_policy '{policy}'"
                f" and the floating tag '{tag}': each pull may start a different image",
            )
