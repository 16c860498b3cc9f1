"""Helpers shared by several rules that read RUN, CMD and ENTRYPOINT scripts."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence

from infralint.model import Span
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import unwrap, unwrap_start
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, Stage, Token
from infralint.parsers.shell import Command, Script, Word, inner_script


def _runs(document: DockerfileDocument, onbuild: bool = True) -> Iterator[Instruction]:
    """RUN instructions in file order; with `onbuild`, also the RUNs wrapped by ONBUILD."""
    for instruction in document.all_instructions():
        if instruction.keyword != "RUN":
            continue
        if instruction.parent is not None and not onbuild:
            continue
        yield instruction


def _starts(document: DockerfileDocument) -> Iterator[Instruction]:
    """CMD and ENTRYPOINT instructions (not those wrapped by ONBUILD)."""
    for instruction in document.instructions:
        if instruction.keyword in ("CMD", "ENTRYPOINT"):
            yield instruction


def _commands(instruction: Instruction) -> list[Command]:
    return instruction.commands()


MAX_NESTING = 4  # sh -c "bash -c '…'" levels opened


def nested_scripts(scripts: Sequence[Script]) -> list[Script]:
    """The scripts and, after each, the scripts of its `sh -c '…'`/`bash -lc "…"` strings (as
    the package rules read them), so that a rule sees the commands a RUN really runs."""
    found: list[Script] = []
    pending = [(script, 0) for script in reversed(scripts)]
    while pending:
        script, depth = pending.pop()
        found.append(script)
        if depth >= MAX_NESTING:
            continue
        inner = [inner_script(unwrap(command)) for command in script.commands]
        pending.extend((each, depth + 1) for each in reversed(inner) if each is not None)
    return found


def _wrapper_words(raw: Command) -> list[Word]:
    """The wrapper words in front of the command that runs (`sudo -E env A=1` of
    `sudo -E env A=1 make`)."""
    inner = unwrap(raw)
    if inner is raw or inner.name is None or raw.name is None:
        return []
    return [word for word in [raw.name, *raw.args] if word.offset < inner.name.offset]


def _base(text: str) -> str:
    return text.rsplit("/", 1)[-1]


def _quote(command: Command, limit: int = 60) -> str:
    text = " ".join(word.raw for word in ([command.name] if command.name else []) + command.args)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cover(first: Span, last: Span) -> Span:
    return Span(first.line, first.column, last.end_line, last.end_column)


def _downstream(script: Script, command: Command) -> list[Command]:
    """The commands after `command` in its pipeline, unwrapped, in pipe order."""
    if command.pipe_length < 2:
        return []
    later = [
        other
        for other in script.commands
        if other.pipeline == command.pipeline and other.pipe_index > command.pipe_index
    ]
    return [unwrap(other) for other in sorted(later, key=lambda c: c.pipe_index)]


def _is_git_url(url: str) -> bool:
    lowered = url.lower()
    if lowered.startswith(("git@", "git://", "ssh://", "git+")):
        return True
    return re.match(r"https?://[^#]*\.git(#.*)?$", lowered) is not None


def _absolute(word: Word) -> str | None:
    if not word.static or not word.text.startswith("/"):
        return None
    return posixpath.normpath(word.text)


def _stage_instructions(stage: Stage) -> Iterator[Instruction]:
    for instruction in stage.instructions:
        yield instruction
        if instruction.onbuild is not None:
            yield instruction.onbuild


STREAMS = frozenset(
    {
        *("/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2", "/dev/fd/1"),
        *("/dev/fd/2", "/proc/1/fd/1", "/proc/1/fd/2", "-", "/dev/null", "/dev/tty"),
    }
)


DAEMON_MANAGERS = frozenset({"service", "invoke-rc.d", "systemctl", "init.d"})


def _starts_daemon(command: Command) -> bool:
    """`service x start`, `systemctl start x`, `/etc/init.d/x start`: a daemon that detaches."""
    control = shell_commands.service_control(command)
    return (
        control is not None
        and control.manager in DAEMON_MANAGERS
        and control.action in ("start", "restart")
    )


def _as_command(words: Sequence[Word]) -> Command:
    """Exec-form words as a command (its name and arguments)."""
    return Command(words[0], list(words[1:]), _cover(words[0].span, words[-1].span))


def _unwrapped_tokens(tokens: list[Token]) -> list[Word]:
    """Exec-form words without leading wrappers (`tini --`, `exec`, `gosu user`)."""
    return _exec_unwrap(tokens)[0]


def _exec_unwrap(tokens: list[Token]) -> tuple[list[Word], list[str]]:
    """Exec-form words without leading wrappers (read by the shared `unwrap_start`), and the
    variables `env` sets on the way."""
    words = [Word(token.text, token.raw, token.span) for token in tokens]
    if not words:
        return [], []
    command = unwrap_start(_as_command(words))
    inner = [command.name, *command.args] if command.name is not None else words
    return inner, [key for key, _ in command.assignments]


PIP_PROGRAMS = ("pip", "python", "uv")  # what the pip reader looks at (after unwrapping)
