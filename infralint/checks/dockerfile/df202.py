"""DF202 (relative-workdir): WORKDIR is a relative path."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import _unquoted_value, is_absolute_path
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF202")
def relative_workdir(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    anchored: set[int] = set()  # stages with an absolute WORKDIR so far
    for stage in document.stages:
        # A stage built FROM another stage starts in that stage's directory.
        if stage.base_stage is not None and stage.base_stage in anchored:
            anchored.add(stage.index)
        for instruction in stage.instructions:
            if instruction.keyword != "WORKDIR" or not instruction.value:
                continue
            path = _unquoted_value(instruction)
            if is_absolute_path(path):
                anchored.add(stage.index)
            elif stage.index not in anchored:
                yield Violation(
                    instruction.value_span(),
                    f"WORKDIR '{path}' is relative and no absolute WORKDIR comes before it in "
                    "this stage: it resolves against the base image's working directory "
                    "(write the absolute path)",
                )
