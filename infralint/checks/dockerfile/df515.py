"""DF515 (curl-and-wget): One stage uses both curl and wget."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _commands
from infralint.model import Violation
from infralint.parsers.commands import unwrap
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.parsers.shell import Command
from infralint.registry import CheckContext, check


@check("DF515")
def curl_and_wget(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        own = [i for i in stage.instructions if i.keyword == "RUN"]
        wrapped = [
            i.onbuild for i in stage.instructions if i.onbuild and i.onbuild.keyword == "RUN"
        ]
        for group in (own, wrapped):
            yield from _both_tools(group)


def _both_tools(instructions: list[Instruction]) -> Iterator[Violation]:
    first: dict[str, Command] = {}
    for instruction in instructions:
        for raw in _commands(instruction):
            command = unwrap(raw)
            tool = command.program
            if tool not in ("curl", "wget") or tool in first:
                continue
            first[tool] = command
            if len(first) == 2:
                yield Violation(
                    command.name.span if command.name else command.span,
                    f"this stage uses both curl (line {first['curl'].span.line}) and wget "
                    f"(line {first['wget'].span.line}): use one of them",
                )
                return
