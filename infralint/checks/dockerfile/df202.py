"""DF202 (relative-workdir): WORKDIR is a relative path."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import _unquoted_value, is_absolute_path
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF202")
def relative_workdir(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "WORKDIR" or not instruction.value:
            continue
        path = _unquoted_value(instruction)
        if not is_absolute_path(path):
            yield Violation(
                instruction.value_span(),
                f"WORKDIR '{path}' is relative; it depends on the WORKDIR of the base image "
                f"(use an absolute path such as '/{path.lstrip('./')}')",
            )
