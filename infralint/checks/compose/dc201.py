"""DC201 runtime-provisioning: command or entrypoint installs packages, downloads or clones at
container start."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.model import Violation
from infralint.parsers.commands import (
    apk,
    apt_get,
    cargo,
    download,
    extracts,
    gem,
    git,
    go,
    npm,
    pip,
    unwrap,
    yum,
    zypper,
)
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import service_scripts
from infralint.parsers.shell import Command, Script
from infralint.registry import CheckContext, check


def _runtime_provisioning(command: Command) -> str | None:
    """What a command does that provisions, e.g. "runs 'apt-get install'", or None."""
    for reader, subcommands in (
        (apt_get, {"install", "update", "upgrade", "dist-upgrade", "full-upgrade"}),
        (apk, {"add", "update", "upgrade"}),
        (yum, {"install", "update", "upgrade", "groupinstall", "makecache"}),
        (pip, {"install"}),
        (npm, {"install", "i", "add", "ci"}),
        (gem, {"install"}),
    ):
        call = reader(command)
        if call is not None and (call.subcommand or "") in subcommands:
            return f"runs '{call.tool} {call.subcommand}'"
    call = zypper(command)  # shown as written: `zypper in`
    if call is not None and call.subcommand in ("install", "update") and call.subcommand_word:
        return f"runs 'zypper {call.subcommand_word.text}'"
    for reader in (go, cargo):
        call = reader(command)
        if call is not None and call.subcommand in ("install", "get"):
            return f"runs '{call.tool} {call.subcommand}'"
    call = git(command)
    if call is not None and call.subcommand in ("clone", "pull", "fetch"):
        return f"runs 'git {call.subcommand}'"
    fetched = download(command)  # not `--spider`, `-o /dev/null` or stdout: Download.to_file
    if fetched is not None and fetched.to_file:
        output = fetched.output.text if fetched.output is not None else None
        target = f"'{output}'" if output else "a file"
        return f"downloads into {target} with {fetched.tool}"
    return None


INTERPRETERS = frozenset({"sh", "bash", "zsh", "ash", "dash", "python", "python3", "perl", "ruby",
                          "node"})  # fmt: skip


def _piped_downloads(script: Script) -> Iterator[tuple[Command, Command]]:
    """(download, consumer) pairs where the consumer runs or unpacks what was fetched.
    A download to stdout that nothing consumes (a readiness probe, an API call) is not one."""
    for pipeline in script.pipelines():
        for before, after in itertools.pairwise(pipeline):
            if download(before) is not None and (
                unwrap(after).program in INTERPRETERS or extracts(after)
            ):
                yield before, after


@check("DC201")
@once_per_position
def runtime_provisioning(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for script in service_scripts(document, service):
            piped = {id(consumer): consumer for _, consumer in _piped_downloads(script)}
            for command in script.commands:
                what = _piped_action(command) if id(command) in piped else None
                what = what or _runtime_provisioning(command)
                if what:
                    yield Violation(
                        command.span,
                        f"service '{service.name}' {what} at container start:"
                        " provisioning belongs in the image build",
                    )


def _piped_action(consumer: Command) -> str:
    program = unwrap(consumer).program
    if extracts(consumer):
        return f"unpacks a download with '{program}'"
    return f"pipes a download into '{program}'"
