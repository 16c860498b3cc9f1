"""DF527 (invalid-default-arg-in-from): With its ARG defaults, a FROM names an empty or invalid
image."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._common import AUTOMATIC_PLATFORM_ARGS, variable_uses
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, image_span
from infralint.parsers.image_ref import Variable, expand
from infralint.parsers.interpolation import ExpansionBudget
from infralint.registry import CheckContext, check

# The image reference grammar of the distribution project, which the builder parses FROM with.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_LABEL = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_REFERENCE = re.compile(
    rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?"
)


@check("DF527")
def invalid_default_arg_in_from(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for _stage, violation in invalid_by_default(document):
        yield violation


def invalid_by_default(document: DockerfileDocument) -> Iterator[tuple[int, Violation]]:
    """The stages (by index) whose FROM names no valid image with the ARG defaults alone."""
    empty = _args_without_default(document)
    if not empty:
        return
    scope = _default_scope(document)
    stage_names = {stage.name.lower() for stage in document.stages if stage.name}
    for stage in document.stages:
        instruction = stage.from_instruction
        text = stage.base_text
        uses = {use.name for use in variable_uses(text, instruction.escape)}
        culprits = sorted(uses & empty)
        if not culprits:
            continue
        result = expand(text, scope, instruction.escape, ExpansionBudget())
        if not result.resolved:
            continue  # a variable no ARG declares: DF526's finding
        image = result.text
        if image.lower() in stage_names or image == "scratch" or _REFERENCE.fullmatch(image):
            continue
        names = ", ".join(culprits)
        shown = f"'{image}'" if image else "an empty name"
        message = (
            f"with the default of ARG {names} (none), FROM '{text}' names {shown}, which is no "
            "valid image: a build without --build-arg fails (give the ARG a default)"
        )
        yield stage.index, Violation(image_span(instruction), message)


def _args_without_default(document: DockerfileDocument) -> set[str]:
    """Global ARGs whose value stays empty when the build passes none."""
    values: dict[str, str | None] = {}
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            for pair in instruction.pairs():
                if pair.value is not None or pair.key not in values:
                    values[pair.key] = pair.value
    return {name for name, value in values.items() if value is None}


def _default_scope(document: DockerfileDocument) -> dict[str, Variable]:
    """The global scope of a build given no build args: ARGs without default are empty; the
    platform ARGs get a stand-in value (they always have one)."""
    budget = ExpansionBudget()
    scope = {name: Variable("linux", "the build platform") for name in AUTOMATIC_PLATFORM_ARGS}
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword != "ARG":
            continue
        for pair in instruction.pairs():
            if pair.value is None:
                scope.setdefault(pair.key, Variable("", "no default"))
                continue
            value = expand(pair.value, scope, document.escape, budget)
            scope[pair.key] = Variable(value.text, "default")
    return scope
