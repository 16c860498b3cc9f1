"""DF525 (undefined-variable): An instruction the builder expands uses a variable the build does
not define at that point."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import (
    AUTOMATIC_PLATFORM_ARGS,
    PREDEFINED_ARGS,
    Suggestions,
    variable_uses,
)
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, Stage
from infralint.registry import CheckContext, check

# Instructions whose words the builder expands (RUN, CMD and ENTRYPOINT are left to the shell).
EXPANDED = frozenset(["ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME"])
EXPANDED_FLAGS = ("chown", "chmod")


class _Scope:
    """What a stage defines so far: its own ARG/ENV names, and those of the stages it is built
    on (shared, not copied: a chain of thousands of stages must not copy growing sets).
    `closed`: the stage is rooted in scratch, so nothing comes from a base image's ENV and every
    undefined name is a finding; otherwise the base image may define names infralint cannot
    see, and only the certain cases are reported."""

    def __init__(
        self,
        own: set[str],
        parents: list[set[str]],
        closed: bool,
        later: dict[str, int],
        suggestions: Suggestions,
    ) -> None:
        self.own = own
        self.parents = parents
        self.closed = closed
        self.later = later  # name -> line of its ARG/ENV further down the stage
        self.suggestions = suggestions

    def defines(self, name: str) -> bool:
        return name in self.own or any(name in names for names in self.parents)

    def suggest(self, name: str) -> str | None:
        return self.suggestions.near(name, [self.own, *self.parents])


@check("DF525")
def undefined_variable(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    global_args = _global_args(document)
    suggestions = Suggestions()
    owns: list[set[str]] = []  # per stage: the names its own ARGs and ENVs define
    for stage in document.stages:
        own: set[str] = set()
        owns.append(own)
        chain = stage.ancestry()
        root = chain[-1]
        if root.base_stage is not None:
            continue  # deeper than the ancestry limit: what the chain defines is not known
        parents = [owns[each.index] for each in chain[1:] if each.index < len(owns)]
        scope = _Scope(own, parents, root.is_scratch, _definitions(stage), suggestions)
        for instruction in stage.instructions:
            yield from _check_instruction(instruction, scope, global_args)


def _check_instruction(
    instruction: Instruction, scope: _Scope, global_args: dict[str, int]
) -> Iterator[Violation]:
    keyword = instruction.keyword
    if keyword in ("ARG", "ENV"):
        for pair in instruction.pairs():
            if pair.value is not None:
                raw = pair.raw.partition("=")[2] if "=" in pair.raw else pair.value
                for use in variable_uses(raw, instruction.escape):
                    if use.name == pair.key and keyword == "ENV":
                        continue  # DF510's finding
                    found = _judge(use.name, use.has_default or use.conditional, scope, global_args)
                    if found:
                        yield Violation(pair.span, found)
            scope.own.add(pair.key)
            scope.later.pop(pair.key, None)
        return
    if keyword not in EXPANDED and keyword != "WORKDIR":
        return
    seen: set[str] = set()
    for flag in instruction.flags:
        if flag.name in EXPANDED_FLAGS and flag.value:
            for use in variable_uses(flag.value, instruction.escape):
                found = _judge(use.name, use.has_default or use.conditional, scope, global_args)
                if found and use.name not in seen:
                    seen.add(use.name)
                    yield Violation(flag.span, found)
    for use in variable_uses(instruction.value, instruction.escape):
        if use.name in seen:
            continue
        found = _judge(use.name, use.has_default or use.conditional, scope, global_args)
        if found:
            seen.add(use.name)
            yield Violation(instruction.value_span(use.start, use.end), found)


def _judge(name: str, guarded: bool, scope: _Scope, global_args: dict[str, int]) -> str | None:
    """The message for a use of `name`, or None when it is (or may be) defined."""
    if guarded or name in PREDEFINED_ARGS or scope.defines(name):
        return None
    if name in AUTOMATIC_PLATFORM_ARGS:
        return (
            f"${name} is empty here: the builder defines it in the global scope only, so the "
            f"stage must declare it with ARG {name} before using it"
        )
    if name in global_args:
        return (
            f"${name} is empty here: ARG {name} (line {global_args[name]}) is declared before "
            f"the first FROM, which puts it out of scope in stages; declare ARG {name} in this "
            "stage"
        )
    if name in scope.later:
        return f"${name} is used before line {scope.later[name]} defines it"
    close = scope.suggest(name)
    if close:
        return f"${name} is not defined here (did you mean ${close}?)"
    if scope.closed:
        return f"${name} is not defined here: no ARG or ENV of the build sets it"
    return None


def _global_args(document: DockerfileDocument) -> dict[str, int]:
    names: dict[str, int] = {}
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            for pair in instruction.pairs():
                names.setdefault(pair.key, pair.span.line)
    return names


def _definitions(stage: Stage) -> dict[str, int]:
    """Names an ARG or ENV of the stage defines, with the line of the first definition."""
    found: dict[str, int] = {}
    for instruction in stage.instructions:
        if instruction.keyword in ("ARG", "ENV"):
            for pair in instruction.pairs():
                found.setdefault(pair.key, pair.span.line)
    return found
