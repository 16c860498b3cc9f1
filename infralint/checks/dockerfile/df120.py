"""DF120 (base-image-unresolvable): The FROM image depends on an ARG with no value, so it cannot
be judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import unique
from infralint.checks.dockerfile._common import AUTOMATIC_PLATFORM_ARGS, resolutions
from infralint.checks.dockerfile.df526 import global_args
from infralint.checks.dockerfile.df527 import invalid_by_default
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, image_span
from infralint.registry import CheckContext, check


@check("DF120")
def base_image_unresolvable(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    found: list[Violation] = []
    # One fact, one finding: with the file's own defaults, an ARG no global ARG declares is
    # DF526's, and a default that leaves no valid image is DF527's.
    declared = set(global_args(document))
    invalid = {index for index, _ in invalid_by_default(document)}
    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            missing = [name for name in stage.unresolved if name not in AUTOMATIC_PLATFORM_ARGS]
            if resolution.origin is None:
                if stage.index in invalid:
                    continue
                missing = [name for name in missing if name in declared]
            if not missing:
                continue
            names = ", ".join(missing)
            verb = "has" if len(missing) == 1 else "have"
            where = f" in {resolution.origin}" if resolution.origin else ""
            found.append(
                Violation(
                    image_span(stage.from_instruction),
                    f"base image '{stage.base_text}' cannot be judged: ARG {names} {verb} no "
                    f"value{where} (give the ARG a default or pass it as a build arg)",
                )
            )
    yield from unique(found)
