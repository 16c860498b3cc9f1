"""DF407 (world-writable): chmod or --chmod makes files writable by every user."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _commands
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import unwrap
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command
from infralint.registry import CheckContext, check


def _mode_grants_other_write(mode: str) -> bool:
    """Does a chmod mode give write permission to others (sticky-bit modes excepted)?"""
    if re.fullmatch(r"[0-7]{1,4}", mode):
        digits = mode[-4:].rjust(4, "0")
        return int(digits[-1]) & 2 == 2 and not int(digits[0]) & 1
    grants = False
    for clause in mode.split(","):
        match = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXstugo]*)+)", clause)
        if match is None:
            return False
        who, actions = match.groups()
        for op, perms in re.findall(r"([-+=])([rwxXstugo]*)", actions):
            if op in "+=" and "t" in perms:
                return False
            # Without a "who", the umask (normally 022) keeps write away from others.
            others = set(who) & {"o", "a"}
            if op in "+=" and "w" in perms and others:
                grants = True
    return grants


@check("DF407")
def world_writable(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        if instruction.keyword in ("COPY", "ADD"):
            flag = instruction.flag("chmod")
            if flag is not None and flag.value and _mode_grants_other_write(flag.value):
                yield Violation(
                    flag.span,
                    f"{instruction.keyword} --chmod={flag.value} makes the files writable by "
                    "every user",
                )
        elif instruction.keyword == "RUN":
            for raw in _commands(instruction):
                yield from _chmod_world_writable(unwrap(raw))


def _chmod_world_writable(command: Command) -> list[Violation]:
    """`chmod MODE …`, `mkdir -m MODE …`, `install -m MODE …` (read by `mode_setting`). A
    list, not a generator: this runs for every command."""
    setting = shell_commands.mode_setting(command)
    if setting is None:
        return []
    program, mode_word, mode, paths = command.program, setting.word, setting.mode, setting.paths
    if not mode_word.static or not _mode_grants_other_write(mode):
        return []
    where = f" '{paths[0].text}'" if paths else ""
    return [
        Violation(
            mode_word.span,
            f"{program} {mode}{where} makes it writable by every user; give it to the user "
            "that needs it (chown) or use group permissions",
        )
    ]
