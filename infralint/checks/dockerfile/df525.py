"""DF525 (undefined-variable): An instruction the builder expands uses a variable the build does
not define at that point."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from infralint.checks.dockerfile._common import (
    AUTOMATIC_PLATFORM_ARGS,
    PREDEFINED_ARGS,
    variable_uses,
)
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, Stage
from infralint.registry import CheckContext, check

# Instructions whose words the builder expands (RUN, CMD and ENTRYPOINT are left to the shell).
EXPANDED = frozenset(["ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME"])
EXPANDED_FLAGS = ("chown", "chmod")


class _Scope:
    """What a stage defines so far. `closed`: the stage is rooted in scratch, so nothing comes
    from a base image's ENV and every undefined name is a finding; otherwise the base image may
    define names infralint cannot see, and only the certain cases are reported."""

    def __init__(self, names: set[str], closed: bool, later: dict[str, int]) -> None:
        self.names = names
        self.closed = closed
        self.later = later  # name -> line of its ARG/ENV further down the stage


@check("DF525")
def undefined_variable(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    global_args = _global_args(document)
    ends: list[set[str]] = []  # per stage: the names defined at its end
    for stage in document.stages:
        inherited, closed = _start(stage, document, ends)
        scope = _Scope(set(inherited), closed, _definitions(stage))
        for instruction in stage.instructions:
            yield from _check_instruction(instruction, scope, global_args)
        ends.append(scope.names)


def _start(
    stage: Stage, document: DockerfileDocument, ends: list[set[str]]
) -> tuple[set[str], bool]:
    if stage.base_stage is not None and stage.base_stage < len(ends):
        parent = document.stages[stage.base_stage]
        return ends[stage.base_stage], _is_closed(parent, document)
    return set(), stage.is_scratch


def _is_closed(stage: Stage, document: DockerfileDocument) -> bool:
    return all(each.is_scratch or each.base_stage is not None for each in stage.ancestry()) and any(
        each.is_scratch for each in stage.ancestry()
    )


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
            scope.names.add(pair.key)
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
    if guarded or name in scope.names or name in PREDEFINED_ARGS:
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
    close = difflib.get_close_matches(name, sorted(scope.names), n=1, cutoff=0.8)
    if close:
        return f"${name} is not defined here (did you mean ${close[0]}?)"
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
