"""DF116 (package-index-update-alone): A RUN refreshes the package index but installs nothing
with it.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import INDEX_USERS, RPM_USERS, name_span, runs
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.commands import Invocation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command
from infralint.registry import CheckContext, check

INDEX_UPDATES = {
    "apt-get": {"update"},
    "apt": {"update"},
    "aptitude": {"update"},
    "apk": {"update"},
    "yum": {"makecache"},
    "dnf": {"makecache"},
    "microdnf": {"makecache"},
    "zypper": {"refresh"},
}


# Commands that never install a package: after an index refresh they leave it unused. Any
# other command (a script, `dpkg -i`, a build tool, `bash -c '…'`) may install with the fresh
# index, so the refresh is not "alone".
NEVER_INSTALLS = frozenset(
    {"echo", "printf", "true", "false", ":", "export", "set", "unset", "cd", "rm", "mkdir",
     "rmdir", "ln", "cp", "mv", "chmod", "chown", "chgrp", "touch", "cat", "ls", "sed", "grep",
     "tee", "sleep", "test", "[", "groupadd", "useradd", "usermod", "adduser", "addgroup",
     "find", "apt-cache", "apt-key", "update-alternatives", "locale-gen", "env", "date", "id",
     "whoami", "uname", "which", "sync", "install"}
)  # fmt: skip
REMOVALS = frozenset(
    {"remove", "purge", "autoremove", "clean", "autoclean", "del", "erase", "list", "info",
     "search", "show", "policy", "cache", "clean all"}
)  # fmt: skip


@check("DF116")
def package_index_update_alone(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for run in runs(document):
        updates: list[Invocation] = []
        uses = False
        for command, call in zip(run.commands, run.calls, strict=True):
            if call is not None and call.subcommand in INDEX_UPDATES.get(call.tool, ()):
                updates.append(call)
            elif updates and _may_install(command, call):
                uses = True
                break
        if uses:
            continue
        for call in updates:
            yield Violation(
                name_span(call),
                f"'{call.tool} {call.subcommand}' in a RUN that installs nothing: "
                "the index is cached in its own layer and goes stale",
            )


def _may_install(command: Command, call: Invocation | None) -> bool:
    """Whether a command after the refresh may use the index: a package manager's install, or
    anything not known to leave packages alone."""
    if call is not None and call.tool in INDEX_UPDATES:
        subcommand = call.subcommand or ""
        if subcommand in INDEX_USERS.get(call.tool, ()) or (
            call.tool in tools.RPM_FAMILY and subcommand in RPM_USERS
        ):
            return True
        return subcommand not in REMOVALS and subcommand not in INDEX_UPDATES[call.tool]
    if command.name is None:
        return False  # an assignment
    return command.program not in NEVER_INSTALLS
