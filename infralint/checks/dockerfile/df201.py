"""DF201 (cd-in-run): RUN changes directory with cd instead of WORKDIR."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from infralint.checks.dockerfile._scripts import _commands, _runs
from infralint.model import Fix, Span, Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.parsers.shell import Command
from infralint.registry import CheckContext, check


@check("DF201")
def cd_in_run(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _runs(document, onbuild=False):
        for command in _commands(instruction):
            if command.program == "cd":
                shown = " ".join(["cd", *(word.raw for word in command.args[:1])])
                yield Violation(
                    command.span,
                    f"'{shown}' in RUN: set the directory with WORKDIR instead",
                    fix=_workdir_fix(document, instruction, command),
                )
                break


STATIC_PATH = re.compile(r"/[A-Za-z0-9._+@:/-]*")
DIRECTORY_CHANGES = frozenset({"cd", "pushd", "popd"})
AFTER_CD = re.compile(r"(?:[ \t]|\\\n)*&&(?:[ \t]|\\\n)*")


def _workdir_fix(document: DockerfileDocument, instruction: Instruction, cd: Command) -> Fix | None:
    """`RUN cd /abs && cmd …` -> `WORKDIR /abs` + `RUN cmd …`, when the `cd` is the first
    command of a one-script shell-form RUN, goes to one static absolute path, is followed by
    `&&` (nothing else: no comment, group or `||` anywhere), and nothing later in the RUN
    changes or reads the directory history (`cd`, `pushd`, `popd`, `$OLDPWD`). The WORKDIR
    stays in effect after the RUN, so the fix is safe only when a later absolute WORKDIR of the
    stage replaces it before anything that uses the working directory (RUN, a relative COPY/ADD
    destination, VOLUME or WORKDIR); otherwise it is unsafe."""
    scripts = instruction.scripts()
    if instruction.exec_form is not None or instruction.heredocs or len(scripts) != 1:
        return None
    script = scripts[0]
    commands = script.commands
    if len(commands) < 2 or commands[0] is not cd or cd.name is None or len(cd.args) != 1:
        return None
    target = cd.args[0]
    if (
        script.text[: cd.name.offset].strip()
        or cd.redirects
        or cd.assignments
        or cd.pipe_length > 1
        or not target.static
        or target.raw != target.text
        or not STATIC_PATH.fullmatch(target.text)
    ):
        return None
    rest = commands[1:]
    if (
        rest[0].connector != "&&"
        or any(c.program in DIRECTORY_CHANGES for c in rest)
        or any(c.connector == "||" or c.background for c in commands)
        or "OLDPWD" in script.text
    ):
        return None
    lines = document.source.lines
    after = _text_between(lines, target.span.end_line, target.span.end_column, rest[0].span)
    if after is None or not AFTER_CD.fullmatch(after):
        return None
    start = instruction.span
    head = _text_between(lines, start.line, start.column, cd.span)
    indent = lines[start.line - 1][: start.column - 1]
    if head is None or indent.strip():
        return None
    end = rest[0].span
    return Fix(
        Span(start.line, start.column, end.line, end.column),
        f"WORKDIR {target.text}\n{indent}{head}",
        safe=_workdir_replaced_later(document, instruction),
    )


def _text_between(lines: Sequence[str], line: int, column: int, end: Span) -> str | None:
    """The file text from (line, column) up to the start of `end` (lines joined with \\n)."""
    if (end.line, end.column) < (line, column) or end.line > len(lines):
        return None
    if line == end.line:
        return lines[line - 1][column - 1 : end.column - 1]
    middle = lines[line : end.line - 1]
    return "\n".join(
        [lines[line - 1][column - 1 :], *middle, lines[end.line - 1][: end.column - 1]]
    )


def _workdir_replaced_later(document: DockerfileDocument, run: Instruction) -> bool:
    """Is the working directory set by a WORKDIR in place of `run` replaced by a later absolute
    WORKDIR of the stage before any instruction that depends on it?"""
    stage = document.stage_of(run)
    if stage is None:
        return False
    index = next((i for i, other in enumerate(stage.instructions) if other is run), None)
    if index is None:
        return False
    for later in stage.instructions[index + 1 :]:
        keyword = later.keyword
        if keyword == "WORKDIR":
            path = later.value.strip()
            return STATIC_PATH.fullmatch(path) is not None
        if keyword == "RUN":
            return False
        if keyword in ("COPY", "ADD"):
            tokens = later.arguments()
            if not tokens or not tokens[-1].text.startswith("/"):
                return False
        if keyword == "VOLUME" and any(
            not token.text.lstrip('["').startswith("/") for token in later.arguments()
        ):
            return False
    return False
