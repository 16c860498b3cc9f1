"""The reader for a command, chosen by its program name."""

from __future__ import annotations

from collections.abc import Callable

from infralint.parsers.commands.downloads import curl, git, tar, wget
from infralint.parsers.commands.language_packages import (
    NODE_TOOLS,
    bundle,
    cargo,
    composer,
    gem,
    go,
    npm,
    pip,
    pipx,
    uv,
)
from infralint.parsers.commands.options import Invocation
from infralint.parsers.commands.system_packages import (
    APT_TOOLS,
    RPM_FAMILY,
    apk,
    apt_get,
    rpm,
    yum,
    zypper,
)
from infralint.parsers.commands.wrappers import unwrap
from infralint.parsers.shell import Command

# ------------------------------------------------------------------------------ dispatch

_BY_PROGRAM: dict[str, Callable[[Command], Invocation | None]] = {
    **dict.fromkeys(APT_TOOLS, apt_get),
    "apk": apk,
    **dict.fromkeys(RPM_FAMILY, yum),
    "zypper": zypper,
    "rpm": rpm,
    **dict.fromkeys(NODE_TOOLS, npm),
    "pipx": pipx,
    "gem": gem,
    "bundle": bundle,
    "bundler": bundle,
    "go": go,
    "cargo": cargo,
    "composer": composer,
    "composer.phar": composer,
    "curl": curl,
    "wget": wget,
    "git": git,
    "tar": tar,
    "bsdtar": tar,
}


def invocation(command: Command) -> Invocation | None:
    """The command read by whichever tool reader knows its program, else None."""
    command = unwrap(command)
    program = command.program
    if program == "uv":
        return pip(command) or uv(command)
    reader = _BY_PROGRAM.get(program)
    if reader is not None:
        return reader(command)
    if program.startswith(("pip", "python")):
        return pip(command)
    return None
