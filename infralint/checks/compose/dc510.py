"""DC510 dockerfile-missing: The Dockerfile or build context of a service does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _dockerfile_name, _linked_builds, _path_kind
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC510")
@once_per_position
def dockerfile_missing(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for build in _linked_builds(document, ctx):
        context = build.context
        assert context is not None
        if _path_kind(context, ctx) != "dir":
            node = build.context_node
            yield Violation(
                node.span if node is not None else build.span,
                f"service '{build.service.name}' builds from the context '{build.context_text}',"
                " which is not a directory",
            )
            continue
        if build.inline is not None or build.dockerfile is None:
            continue
        if _path_kind(build.dockerfile, ctx) == "file":
            continue
        node = build.dockerfile_node
        yield Violation(
            node.span if node is not None else build.span,
            f"service '{build.service.name}' builds with '{_dockerfile_name(build)}', which does"
            f" not exist in the context '{build.context_text}'",
        )
