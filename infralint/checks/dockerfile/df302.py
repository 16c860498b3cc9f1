"""DF302 (pid1-not-the-app): CMD/ENTRYPOINT keeps the container alive with a dummy process
instead of running the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import (
    _as_command,
    _quote,
    _starts,
    _starts_daemon,
    _unwrapped_tokens,
)
from infralint.devcontainer import under_devcontainer
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import unwrap_start
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command, Script
from infralint.registry import CheckContext, check


def _keep_alive(command: Command) -> str | None:
    """`tail -f …` or `sleep infinity` (read by the shared `keeps_alive`), as shown."""
    word = shell_commands.keeps_alive(command)
    if word is None:
        return None
    if command.program == "sleep":
        return "'sleep infinity'"
    return "'tail --follow'" if word.text.startswith("--follow") else f"'tail {word.text}'"


def _loop_word(script: Script, command: Command) -> bool:
    """Is this command the condition of `while true`/`while :`/`until false`?"""
    if command.name is None:
        return False
    before = script.text[: command.name.offset].rstrip()
    argv = command.argv
    if before.endswith("while") and not re.search(r"\w", before[-6:-5] or " "):
        return argv in (["true"], [":"], ["[", "1", "]"], ["[[", "1", "]]"])
    if before.endswith("until") and not re.search(r"\w", before[-6:-5] or " "):
        return argv == ["false"]
    return False


@check("DF302")
def pid1_not_the_app(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    if under_devcontainer(document.source.path):
        return  # a dev container's image: the tooling replaces its command and attaches to it
    for instruction in _starts(document):
        scripts = instruction.scripts()
        if not scripts and instruction.exec_form is not None:
            tokens = _unwrapped_tokens(instruction.arguments())
            what = _keep_alive(_as_command(tokens)) if tokens else None
            if what is not None:
                yield Violation(tokens[0].span, _keep_alive_message(instruction.keyword, what))
        for script in scripts:
            yield from _script_pid1(instruction.keyword, script)


def _keep_alive_message(keyword: str, what: str) -> str:
    return (
        f"{keyword} keeps the container alive with {what} instead of running the application "
        "as the main process"
    )


def _script_pid1(keyword: str, script: Script) -> Iterator[Violation]:
    for raw in script.commands:
        command = unwrap_start(raw)
        what = _keep_alive(command)
        if what is not None:
            yield Violation(command.span, _keep_alive_message(keyword, what))
        elif _loop_word(script, raw):
            yield Violation(raw.span, _keep_alive_message(keyword, "an endless loop"))
        elif raw.background and not raw.in_substitution:
            yield Violation(
                command.span,
                f"{keyword} starts '{command.program}' in the background (&): the container "
                "does not follow its life, signals or exit status",
            )
        elif _starts_daemon(command):
            yield Violation(
                command.span,
                f"{keyword} starts a daemon with '{_quote(command)}': it detaches, and the "
                "container does not follow its life, signals or exit status",
            )
