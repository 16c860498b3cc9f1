"""DF305 (python-output-buffered): The image runs Python without PYTHONUNBUFFERED or -u, so its
output is block-buffered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from infralint.checks.dockerfile._scripts import _base, _exec_unwrap
from infralint.model import Violation
from infralint.parsers.commands import unwrap_start
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, Stage, Token
from infralint.parsers.shell import Word
from infralint.registry import CheckContext, check

PYTHON = re.compile(r"python(\d+(\.\d+)?)?")


PYTHON_SERVERS = frozenset({"gunicorn", "uvicorn", "hypercorn", "daphne", "celery", "flask"})
RUNNERS = frozenset({"poetry", "uv", "pipenv", "pdm", "hatch", "rye"})


class _Argv(NamedTuple):
    """A command's words after `env`/`sudo` wrappers, with its assignments."""

    words: list[Word | Token]
    assignments: list[str]


def _effective_start(stage: Stage) -> tuple[Instruction | None, Instruction | None]:
    """The ENTRYPOINT and CMD the image of `stage` runs (inherited through its base stages)."""
    entry: Instruction | None = None
    cmd: Instruction | None = None
    for ancestor in reversed(stage.ancestry()):
        cmd_here = False
        for instruction in ancestor.instructions:
            if instruction.keyword == "CMD":
                cmd, cmd_here = instruction, True
            elif instruction.keyword == "ENTRYPOINT":
                entry = instruction
                if not cmd_here:
                    cmd = None
    return entry, cmd


def _argvs(instruction: Instruction, tail: Sequence[Token] = ()) -> list[_Argv]:
    """The commands an instruction runs; `tail` (the CMD words) follows an exec-form
    ENTRYPOINT."""
    scripts = instruction.scripts()
    if scripts:
        out: list[_Argv] = []
        for script in scripts:
            for raw in script.commands:
                if raw.in_substitution:
                    continue
                command = unwrap_start(raw)
                words: list[Word | Token] = [command.name] if command.name else []
                words.extend(command.args)
                out.append(_Argv(words, [key for key, _ in command.assignments]))
        return out
    if instruction.exec_form is not None:
        tokens, assignments = _exec_unwrap(instruction.arguments() + list(tail))
        return [_Argv(list(tokens), assignments)]
    return []


def _python_word(argv: _Argv) -> tuple[Word | Token, bool] | None:
    """The word that starts Python, and whether it is called with -u."""
    words = argv.words
    index = 0
    while index < len(words) and _base(words[index].text) in RUNNERS:
        index += 2 if index + 1 < len(words) and words[index + 1].text == "run" else 1
    if index >= len(words):
        return None
    word = words[index]
    program = _base(word.text)
    if program in PYTHON_SERVERS:
        return word, False
    if not PYTHON.fullmatch(program) or index + 1 >= len(words):
        return None  # not Python, or the bare interpreter (a REPL, which needs a terminal)
    options = iter(words[index + 1 :])
    for option in options:
        text = option.text
        if not text.startswith("-") or text in ("-", "-c", "-m") or text.startswith("--"):
            break
        if text in ("-X", "-W"):
            next(options, None)  # `-X dev`: the value is not an option
        elif "u" in text[1:] and text[1] not in "XWcm":
            return word, True
    return word, False


@check("DF305")
def python_output_buffered(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    stage = document.final_stage()
    if stage is None:
        return
    if stage.env().get("PYTHONUNBUFFERED"):
        return
    entry, cmd = _effective_start(stage)
    argvs: list[_Argv] = []
    if entry is not None:
        tail = cmd.arguments() if cmd is not None and cmd.exec_form is not None else []
        argvs = _argvs(entry, tail)
    elif cmd is not None:
        argvs = _argvs(cmd)
    for argv in argvs:
        found = _python_word(argv)
        if found is None or "PYTHONUNBUFFERED" in argv.assignments:
            continue
        word, unbuffered = found
        if unbuffered:
            continue
        yield Violation(
            word.span,
            f"the image runs '{_base(word.text)}' without PYTHONUNBUFFERED: Python "
            "block-buffers stdout without a terminal, so logs arrive late or are lost on a "
            "crash; set ENV PYTHONUNBUFFERED=1",
        )
        return
