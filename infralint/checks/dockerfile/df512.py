"""DF512 (copy-relative-without-workdir): COPY to a relative destination with no WORKDIR set in
the stage.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import copy_sources_and_dest, is_absolute_path
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, Stage
from infralint.registry import CheckContext, check


def _workdir_set(stage: Stage, before: Instruction) -> bool:
    for instruction in stage.instructions:
        if instruction is before:
            break
        if instruction.keyword == "WORKDIR":
            return True
    return any(
        i.keyword == "WORKDIR" for parent in stage.ancestry()[1:] for i in parent.instructions
    )


@check("DF512")
def copy_relative_without_workdir(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for stage in document.stages:
        for instruction in stage.instructions:
            if instruction.keyword != "COPY":
                continue
            _, dest = copy_sources_and_dest(instruction)
            # A Windows drive path as written (`c:\app`): the escape character may have eaten
            # its backslashes in `text`, but the author meant an absolute path.
            if dest is None or is_absolute_path(dest.text) or is_absolute_path(dest.raw.strip('"')):
                continue
            if not _workdir_set(stage, instruction):
                yield Violation(
                    dest.span,
                    f"COPY to the relative destination '{dest.text}' with no WORKDIR set in "
                    f"the stage",
                )
