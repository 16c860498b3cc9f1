"""DF209 (runtime-managed-file-edit): RUN edits /etc/hosts, /etc/resolv.conf or /etc/hostname,
which the runtime replaces.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _absolute, _commands, _runs
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import unwrap, written_paths
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command
from infralint.registry import CheckContext, check

RUNTIME_FILES = frozenset({"/etc/hosts", "/etc/resolv.conf", "/etc/hostname"})


def _may_name_runtime_file(command: Command) -> bool:
    """Only a word with a RUNTIME_FILES name in it can be reported: the written paths are words
    of the command (arguments, redirection targets), so the others need not be read."""
    if not command.redirects and command.program not in shell_commands.WRITERS:
        return False  # nothing that written_paths would read
    targets = [redirect.target for redirect in command.redirects if redirect.target is not None]
    return any("host" in word.text or "resolv.conf" in word.text for word in command.args + targets)


@check("DF209")
def runtime_managed_file_edit(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if not _may_name_runtime_file(command):
                continue
            for word in written_paths(command):
                path = _absolute(word)
                if path in RUNTIME_FILES:
                    yield Violation(
                        word.span,
                        f"'{command.program}' changes {path}, which the container runtime "
                        "replaces: configure it at run time (--add-host, --dns, extra_hosts)",
                    )
