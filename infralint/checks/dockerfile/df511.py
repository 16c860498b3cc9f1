"""DF511 (from-platform-flag): FROM --platform is a constant, or the redundant $TARGETPLATFORM."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF511")
def from_platform_flag(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        flag = stage.from_instruction.flag("platform")
        if flag is None or flag.value is None:
            continue
        value = flag.value.strip("'\"")
        if value in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
            yield Violation(
                flag.span,
                "FROM --platform=$TARGETPLATFORM is redundant: it is the default",
                peer="DL3065",
            )
        elif "$" not in value:
            yield Violation(
                flag.span,
                f"FROM --platform={value} fixes the platform; the image cannot be built for "
                f"others (use a build argument such as $BUILDPLATFORM, or --platform on the CLI)",
                peer="DL3029",
            )
