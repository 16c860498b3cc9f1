"""Entry points: parse a Dockerfile (a SourceFile, or text for tests and compose)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infralint.model import ParseError, ParseProblem, Span
from infralint.parsers.dockerfile.build import _build
from infralint.parsers.dockerfile.document import (
    MAX_ANCESTRY,
    DockerfileDocument,
    Stage,
    _assign_stages,
    _resolve_stages,
    image_span,
)
from infralint.parsers.dockerfile_reader import read

if TYPE_CHECKING:
    from infralint.source import SourceFile


MAX_TEXT = 20_000_000


# --------------------------------------------------------------------------- entry points


def parse(source: SourceFile) -> DockerfileDocument:
    text = source.text
    if "\x00" in text:
        raise ParseError("binary content (NUL bytes): not a Dockerfile")
    if len(text) > MAX_TEXT:
        raise ParseError(f"file too large to parse ({len(text)} characters)")
    result = read(text)
    document = DockerfileDocument(
        source=source,
        problems=list(result.problems),
        instructions=[],
        stages=[],
        global_args={},
        escape=result.escape,
        directives=dict(result.directives),
        lines=result.lines,
    )
    unknown: list[tuple[str, Span]] = []
    for logical in result.logical:
        instruction = _build(logical, 0, document, unknown)
        if instruction is None:
            continue
        document.instructions.append(instruction)
        document._ends[instruction.span.line] = instruction.span.end_line
    if unknown:
        # A file with lines that are no instructions is most likely a template or garbage: one
        # finding at the first such line; argument errors after it are consequences, not news.
        word, span = unknown[0]
        first = span.line
        # One pass: testing each problem for membership in `later` was quadratic.
        kept: list[ParseProblem] = []
        later: list[ParseProblem] = []
        for problem in document.problems:
            is_later = problem.span.line > first and _is_argument_error(problem)
            (later if is_later else kept).append(problem)
        document.problems = kept
        extra = len(unknown) - 1 + len(later)
        more = f" (and {extra} more unreadable lines)" if extra else ""
        document.problems.append(
            ParseProblem(f"unknown instruction '{word}': not a Dockerfile instruction{more}", span)
        )
    _assign_stages(document)
    document.stages = _resolve_stages(document, {}, "")
    too_deep = _past_ancestry_limit(document.stages)
    if too_deep is not None:
        document.problems.append(
            ParseProblem(
                f"stages built on stages over {MAX_ANCESTRY} deep: "
                f"rules follow the nearest {MAX_ANCESTRY}",
                image_span(too_deep.from_instruction),
            )
        )
    document.problems.sort(key=lambda problem: problem.span)
    return document


def _past_ancestry_limit(stages: list[Stage]) -> Stage | None:
    """The first stage whose chain of base stages is longer than MAX_ANCESTRY, if any."""
    depth: list[int] = []
    for stage in stages:
        base = stage.base_stage
        depth.append(depth[base] + 1 if base is not None and base < len(depth) else 1)
        if depth[-1] > MAX_ANCESTRY:
            return stage
    return None


def _is_argument_error(problem: ParseProblem) -> bool:
    return not problem.message.startswith(("unterminated heredoc", "invalid escape"))


def parse_text(text: str, path: str = "Dockerfile") -> DockerfileDocument:
    """Parse a string (tests, compose `dockerfile_inline`)."""
    from pathlib import Path

    from infralint.source import SourceFile

    return parse(SourceFile(Path(path), path, text, "dockerfile"))
