"""The document and its stages: FROM resolution, global ARGs, shells per stage."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from infralint.model import ParseProblem, Span
from infralint.parsers.dockerfile.instruction import Instruction
from infralint.parsers.dockerfile.words import split_words
from infralint.parsers.image_ref import Expansion, ImageRef, Variable, expand, parse_image_ref
from infralint.parsers.interpolation import ExpansionBudget

if TYPE_CHECKING:
    from infralint.source import SourceFile


# BuildKit predefines these in the global scope; their values depend on the build platform.
PLATFORM_ARGS = frozenset(
    {
        *("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"),
        *("BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"),
    }
)


# Stages followed up a chain of `FROM <earlier stage>`: rules that walk a stage's ancestry ran
# once per stage, so a chain of 12,000 stages cost 12,000 walks of up to 12,000 stages. A
# deeper chain is read up to here, with an IL001 note.
MAX_ANCESTRY = 64


def _no_document() -> DockerfileDocument | None:
    return None


@dataclass
class Stage:
    """A build stage: its FROM and the instructions up to the next one."""

    index: int
    name: str | None
    from_instruction: Instruction
    base_text: str
    base: ImageRef | None
    base_stage: int | None
    unresolved: list[str]
    resolved_from: dict[str, str]
    instructions: list[Instruction]
    is_final: bool
    # Weak: the document holds its stages, and a strong link back would make every parsed
    # Dockerfile a reference cycle, freed only by the garbage collector.
    document_ref: Callable[[], DockerfileDocument | None] = field(default=_no_document, repr=False)
    resolved_text: str | None = None  # the FROM image after substitution (None: unresolved)
    platform: str | None = None
    _env: dict[str, str] | None = field(default=None, repr=False)

    @property
    def document(self) -> DockerfileDocument | None:
        return self.document_ref()

    @property
    def is_scratch(self) -> bool:
        return self.resolved_text is not None and self.resolved_text.lower() == "scratch"

    def ancestry(self) -> list[Stage]:
        """This stage and the stages it is built on, nearest first; at most MAX_ANCESTRY."""
        chain: list[Stage] = [self]
        seen = {self.index}
        current = self
        document = self.document
        while current.base_stage is not None and document is not None and len(chain) < MAX_ANCESTRY:
            parent = document.stages[current.base_stage]
            if parent.index in seen:
                break
            seen.add(parent.index)
            chain.append(parent)
            current = parent
        return chain

    def env(self) -> dict[str, str]:
        """ENV visible at the end of the stage, inherited through its base stages (a copy)."""
        if self._env is None:
            values: dict[str, str] = {}
            for stage in reversed(self.ancestry()):
                for instruction in stage.instructions:
                    if instruction.keyword == "ENV":
                        for pair in instruction.pairs():
                            values[pair.key] = pair.value or ""
            self._env = values
        return dict(self._env)


@dataclass
class DockerfileDocument:
    """A parsed Dockerfile: instructions, stages and parse problems."""

    source: SourceFile
    problems: list[ParseProblem]
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: dict[str, str | None]
    escape: str
    directives: dict[str, str]
    lines: list[str] = field(default_factory=list)
    _ends: dict[int, int] = field(default_factory=dict, repr=False)
    _all: list[Instruction] | None = field(default=None, repr=False)
    _names: tuple[list[Stage], dict[str, Stage]] | None = field(default=None, repr=False)

    def stage_named(self, name: str) -> Stage | None:
        """The first stage with this alias (case-insensitive). Indexed once per stage list: a
        scan of the stages per `--from` made 8,000 `COPY --from` cost 64 million steps."""
        if self._names is None or self._names[0] is not self.stages:
            index: dict[str, Stage] = {}
            for stage in self.stages:
                if stage.name is not None:
                    index.setdefault(stage.name.lower(), stage)
            self._names = (self.stages, index)
        return self._names[1].get(name.lower())

    def construct_end(self, line: int) -> int:
        return self._ends.get(line, line)

    def resolve_stages(self, build_args: Mapping[str, str | None], origin: str) -> list[Stage]:
        return _resolve_stages(self, build_args, origin)

    def stage_of(self, instruction: Instruction) -> Stage | None:
        target = instruction.parent or instruction
        if 0 <= target.stage < len(self.stages):
            return self.stages[target.stage]
        return None

    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def used_as_base(self) -> set[int]:
        return {stage.base_stage for stage in self.stages if stage.base_stage is not None}

    def all_instructions(self) -> list[Instruction]:
        """Every instruction, with the ones wrapped by ONBUILD right after their ONBUILD."""
        if self._all is None:  # every rule asks: build it once, hand out copies
            out: list[Instruction] = []
            for instruction in self.instructions:
                out.append(instruction)
                if instruction.onbuild is not None:
                    out.append(instruction.onbuild)
            self._all = out
        return list(self._all)


# --------------------------------------------------------------------------- stages


def _assign_stages(document: DockerfileDocument) -> None:
    stage = -1
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            stage += 1
        instruction.stage = stage
        if instruction.onbuild is not None:
            instruction.onbuild.stage = stage


def _global_scope(
    document: DockerfileDocument,
    build_args: Mapping[str, str | None],
    origin: str,
    budget: ExpansionBudget,
) -> dict[str, Variable]:
    scope: dict[str, Variable] = {
        name: Variable(None, "the build platform") for name in PLATFORM_ARGS
    }
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword != "ARG":
            continue
        for pair in instruction.pairs():
            override = build_args.get(pair.key)
            if pair.key in build_args and override is not None:
                scope[pair.key] = Variable(override, origin)
            elif pair.value is not None:
                value = expand(pair.value, scope, document.escape, budget)
                scope[pair.key] = Variable(
                    value.text if value.resolved else None,
                    f"ARG default line {pair.span.line}",
                )
            elif pair.key not in scope or scope[pair.key].value is None:
                scope[pair.key] = Variable(None, f"ARG line {pair.span.line} (no default)")
    return scope


def _from_parts(instruction: Instruction) -> tuple[str, str | None, Span]:
    words = split_words(instruction.value, instruction.escape)
    if not words:
        return "", None, instruction.value_span()
    image, start, end = words[0]
    name = None
    if len(words) >= 3 and words[1][0].lower() == "as":
        name = words[2][0]
    return image, name, instruction.value_origin.span(start, end)


def image_span(instruction: Instruction) -> Span:
    """The span of the image word of a FROM."""
    return _from_parts(instruction)[2]


def _resolve_stages(
    document: DockerfileDocument, build_args: Mapping[str, str | None], origin: str
) -> list[Stage]:
    budget = ExpansionBudget()  # one per file: ARGs that double per line stay bounded
    scope = _global_scope(document, build_args, origin, budget)
    if not build_args:
        document.global_args = {}
        for instruction in document.instructions:
            if instruction.keyword == "FROM":
                break
            if instruction.keyword == "ARG":
                for pair in instruction.pairs():
                    document.global_args[pair.key] = pair.value
    stages: list[Stage] = []
    froms = [i for i in document.instructions if i.keyword == "FROM"]
    # Grouped once: a pass over every instruction (or every earlier stage) per stage made
    # 12,000 stages cost 144 million steps.
    members: list[list[Instruction]] = [[] for _ in froms]
    for each in document.instructions:
        if 0 <= each.stage < len(froms) and each is not froms[each.stage]:
            members[each.stage].append(each)
    named: dict[str, int] = {}  # lowercased stage name -> the first stage with it
    for index, instruction in enumerate(froms):
        text, name, _ = _from_parts(instruction)
        expansion: Expansion = expand(text, scope, document.escape, budget)
        base: ImageRef | None = None
        base_stage: int | None = None
        resolved_text: str | None = None
        unresolved = list(expansion.unresolved)
        if not unresolved and not expansion.text.strip():
            unresolved = list(expansion.used) or ["(empty)"]
        if not unresolved:
            resolved_text = expansion.text
            lowered = resolved_text.lower()
            base_stage = named.get(lowered)
            if base_stage is None and lowered != "scratch":
                base = parse_image_ref(resolved_text)
        platform_flag = instruction.flag("platform")
        stage = Stage(
            index=index,
            name=name,
            from_instruction=instruction,
            base_text=text,
            base=base,
            base_stage=base_stage,
            unresolved=unresolved,
            resolved_from=dict(expansion.used),
            instructions=members[index],
            is_final=index == len(froms) - 1,
            document_ref=weakref.ref(document),
            resolved_text=resolved_text,
            platform=platform_flag.value if platform_flag else None,
        )
        stages.append(stage)
        if name is not None:
            named.setdefault(name.lower(), index)
    _assign_shells(document, stages)
    return stages


def _default_shell(stage: Stage, stages: list[Stage], inherited: list[list[str]]) -> list[str]:
    """The shell a stage starts with. A stage built on another (always an earlier one) starts
    with that stage's last SHELL, else with what that stage started with: `inherited`, by
    stage index, filled in order (recursing up a chain of 12,000 stages overflowed)."""
    if stage.base_stage is not None:
        parent = stages[stage.base_stage]
        last = [i for i in parent.instructions if i.keyword == "SHELL" and i.exec_form]
        if last and last[-1].exec_form:
            return list(last[-1].exec_form)
        return list(inherited[parent.index]) if parent.index < stage.index else ["/bin/sh"]
    name = (stage.resolved_text or stage.base_text).lower()
    if any(word in name for word in ("windows", "nanoserver", "servercore")):
        return ["cmd", "/S", "/C"]
    return ["/bin/sh", "-c"]


def _assign_shells(document: DockerfileDocument, stages: list[Stage]) -> None:
    inherited: list[list[str]] = []
    for stage in stages:
        shell = _default_shell(stage, stages, inherited)
        inherited.append(shell)
        stage.from_instruction.shell = shell
        for instruction in stage.instructions:
            if instruction.keyword == "SHELL" and instruction.exec_form:
                shell = list(instruction.exec_form)
            instruction.shell = shell
            if instruction.onbuild is not None:
                instruction.onbuild.shell = shell
