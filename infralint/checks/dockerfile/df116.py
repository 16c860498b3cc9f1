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


@check("DF116")
def package_index_update_alone(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for run in runs(document):
        updates: list[Invocation] = []
        uses = False
        for call in run.calls:
            if call is None or call.subcommand is None:
                continue
            if call.subcommand in INDEX_UPDATES.get(call.tool, ()):
                updates.append(call)
            elif call.subcommand in INDEX_USERS.get(call.tool, ()) or (
                call.tool in tools.RPM_FAMILY and call.subcommand in RPM_USERS
            ):
                uses = True
        if uses:
            continue
        for call in updates:
            yield Violation(
                name_span(call),
                f"'{call.tool} {call.subcommand}' in a RUN that installs nothing: "
                "the index is cached in its own layer and goes stale",
            )
