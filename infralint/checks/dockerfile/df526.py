"""DF526 (undefined-arg-in-from): FROM uses a variable that no ARG before the first FROM
declares."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import (
    AUTOMATIC_PLATFORM_ARGS,
    PREDEFINED_ARGS,
    Suggestions,
    variable_uses,
)
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.registry import CheckContext, check


@check("DF526")
def undefined_arg_in_from(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    declared = set(global_args(document))
    known = declared | AUTOMATIC_PLATFORM_ARGS | PREDEFINED_ARGS
    in_stages = _stage_args(document)
    suggestions = Suggestions()
    for stage in document.stages:
        instruction = stage.from_instruction
        platform = instruction.flag("platform")
        for use in variable_uses(instruction.value, instruction.escape):
            if use.name in known or use.has_default:
                continue
            span = instruction.value_span(use.start, use.end)
            yield Violation(span, _message(use.name, declared, in_stages, suggestions))
        if platform is not None and platform.value:
            for use in variable_uses(platform.value, instruction.escape):
                if use.name not in known and not use.has_default:
                    message = _message(use.name, declared, in_stages, suggestions)
                    yield Violation(platform.span, message)


def _message(name: str, declared: set[str], in_stages: set[str], suggestions: Suggestions) -> str:
    if name in in_stages:
        return (
            f"FROM uses ${name}, but ARG {name} is declared inside a stage: FROM sees only the "
            f"ARGs declared before the first FROM, so it expands to nothing here"
        )
    close = suggestions.near(name, [declared])
    hint = f" (did you mean {close}?)" if close else ""
    return (
        f"FROM uses ${name}, which no ARG before the first FROM declares{hint}: it expands to "
        "nothing"
    )


def global_args(document: DockerfileDocument) -> list[str]:
    """The ARGs declared before the first FROM: the only ones FROM can use."""
    names: list[str] = []
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            names.extend(pair.key for pair in instruction.pairs())
    return names


def _stage_args(document: DockerfileDocument) -> set[str]:
    names: set[str] = set()
    for stage in document.stages:
        for instruction in stage.instructions:
            effective: Instruction = instruction.effective()
            if effective.keyword == "ARG":
                names.update(pair.key for pair in effective.pairs())
    return names
