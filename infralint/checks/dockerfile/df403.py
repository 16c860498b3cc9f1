"""DF403 (ssh-server-in-image): The image installs or runs an SSH server, or exposes port 22."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import (
    _base,
    _commands,
    _quote,
    _starts_daemon,
    _unwrapped_tokens,
)
from infralint.checks.dockerfile._values import resolved, stage_values
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import unwrap, unwrap_start
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command
from infralint.registry import CheckContext, check

SSH_SERVER = re.compile(r"(openssh-server|dropbear)([-=<>~:].*)?", re.IGNORECASE)
SSH_NAMES = re.compile(r"openssh|dropbear", re.IGNORECASE)
SSH_DAEMONS = frozenset({"sshd", "dropbear"})
SYSTEM_PACKAGE_TOOLS = frozenset({"apt-get", "apt", "aptitude", "apk", "zypper"}) | (
    shell_commands.RPM_FAMILY
)


def _ssh_candidates(command: Command) -> list[shell_commands.Package]:
    """The packages a system package manager installs (shared reader), when a word of the
    command names an SSH server: a package's name is in its word, so no other command needs
    reading (and each reader names its tool after the program)."""
    inner = unwrap(command)
    if inner.program not in SYSTEM_PACKAGE_TOOLS:
        return []
    if not any(SSH_NAMES.search(word.text) for word in inner.args):
        return []
    call = shell_commands.invocation(command)
    if call is None or call.tool not in SYSTEM_PACKAGE_TOOLS:
        return []
    return list(call.packages)


def _ssh_package(tool: str, package: shell_commands.Package) -> bool:
    text = package.word.text
    if SSH_SERVER.fullmatch(text) or SSH_SERVER.fullmatch(package.name):
        return True
    return tool == "apk" and package.name == "openssh"


def _runs_ssh_daemon(command: Command) -> bool:
    if command.program in SSH_DAEMONS:
        return True
    return _starts_daemon(command) and any(
        _base(word) in ("ssh", "sshd", "dropbear") for word in command.argv
    )


@check("DF403")
def ssh_server_in_image(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    stages: dict[int, dict[str, str]] = {}  # each stage's values, read once
    for instruction in document.all_instructions():
        keyword = instruction.keyword
        if keyword == "EXPOSE" and instruction.parent is None:
            for token in instruction.arguments():
                port = token.text
                if "$" in port:  # `EXPOSE $SSH_PORT` with an ARG or ENV default
                    stage = document.stage_of(instruction)
                    key = stage.index if stage is not None else -1
                    if key not in stages:
                        stages[key] = stage_values(document, stage)
                    port = resolved(port, stages[key]) or port
                if port.lower() in ("22", "22/tcp"):
                    via = f" ({token.text})" if port != token.text else ""
                    yield Violation(token.span, f"EXPOSE 22{via} publishes an SSH port")
            continue
        exec_only = instruction.exec_form is not None and not instruction.scripts()
        if keyword in ("CMD", "ENTRYPOINT") and exec_only:
            tokens = _unwrapped_tokens(instruction.arguments())
            if tokens and _base(tokens[0].text) in SSH_DAEMONS:
                yield Violation(tokens[0].span, f"{keyword} runs the SSH server '{tokens[0].text}'")
            continue
        if keyword not in ("RUN", "CMD", "ENTRYPOINT"):
            continue
        for raw in _commands(instruction):
            command = unwrap(raw) if keyword == "RUN" else unwrap_start(raw)
            for package in _ssh_candidates(command):
                if _ssh_package(command.program, package):
                    yield Violation(
                        package.span,
                        f"'{command.program}' installs the SSH server '{package.word.text}'",
                    )
            if _runs_ssh_daemon(command):
                yield Violation(command.span, f"{keyword} runs an SSH server: '{_quote(command)}'")
