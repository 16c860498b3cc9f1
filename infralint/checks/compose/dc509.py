"""DC509 build-target-missing: build.target names no stage of the service's Dockerfile."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _dockerfile, _dockerfile_name, _linked_builds
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC509")
@once_per_position
def build_target_missing(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for build in _linked_builds(document, ctx):
        if not build.target or build.target_node is None:
            continue
        parsed = _dockerfile(document, build, ctx)
        if parsed is None:
            continue
        stages = {name.lower() for name in parsed.stages}
        if build.target.lower() not in stages:
            known = ", ".join(sorted(parsed.stages))
            yield Violation(
                build.target_node.span,
                f"service '{build.service.name}' builds the target '{build.target}', which is"
                f" no stage of {_dockerfile_name(build)}"
                + (f" (stages: {known})" if known else " (it names no stages)"),
            )
