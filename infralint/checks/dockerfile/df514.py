"""DF514 (consecutive-run): Consecutive short RUN instructions that could be one layer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.registry import CheckContext, check


def _command_count(instruction: Instruction) -> int:
    try:
        scripts = instruction.scripts()
    except NotImplementedError:
        scripts = []
    if scripts:
        return sum(len([c for c in s.commands if not c.in_substitution]) for s in scripts)
    if instruction.exec_form is not None:
        return 1
    return len([part for part in _split_unquoted(instruction.value) if part.strip()])


SEPARATOR = re.compile(r"&&|\|\||;|\|")


def _split_unquoted(text: str) -> list[str]:
    """`text` cut at `;`, `&&`, `||`, `|` outside quotes (a PowerShell or cmd script: a `;`
    in `Write-Host 'a; b'` separates nothing)."""
    parts: list[str] = []
    start = 0
    quote: str | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        else:
            match = SEPARATOR.match(text, index)
            if match:
                parts.append(text[start:index])
                start = index = match.end()
                continue
        index += 1
    parts.append(text[start:])
    return parts


@check("DF514")
def consecutive_run(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    # One fact, one finding: a row of mergeable RUNs is reported once, at its second RUN.
    previous: tuple[tuple[tuple[str, str | None], ...], int] | None = None
    row: list[Instruction] = []
    for instruction in document.instructions:
        if instruction.keyword != "RUN" or instruction.heredocs:
            # A heredoc RUN is already the one-layer form: nothing to merge into or out of.
            yield from _report(row)
            row, previous = [], None
            continue
        flags = tuple((flag.name, flag.value) for flag in instruction.flags)
        count = _command_count(instruction)
        # hadolint's DL3059 leaves a RUN alone when either of the two chains several commands.
        if previous is not None and previous[0] == flags and count <= 1 and previous[1] <= 1:
            row.append(instruction)
        else:
            yield from _report(row)
            row = [instruction]
        previous = (flags, count)
    yield from _report(row)


def _report(row: list[Instruction]) -> Iterator[Violation]:
    if len(row) < 2:
        return
    first, last = row[0].keyword_span.line, row[-1].keyword_span.line
    message = (
        "RUN right after another RUN: merge them with '&&' into one layer"
        if len(row) == 2
        else f"{len(row)} single-command RUNs in a row (lines {first}-{last}): merge them with "
        "'&&' into one layer"
    )
    yield Violation(row[1].keyword_span, message)
