"""DF104 (apt-package-unpinned): apt-get install names a package without a version."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._packages import (
    Run,
    _document_memo,
    calls,
    package_calls,
    runs,
    unpinned,
    unpinned_finding,
)
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.registry import CheckContext, check

# An archive snapshot serves one fixed state of every package: a stage whose apt sources point
# at one (or that installs with apt 2.9's `--snapshot <ID>`) has all its packages pinned at once.
SNAPSHOT_SOURCES = re.compile(
    r"snapshot\.debian\.org|snapshot\.ubuntu\.com|APT::Snapshot", re.IGNORECASE
)


@check("DF104")
def apt_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        if _snapshot_pinned(run, document):
            continue
        for call, packages in package_calls(run, tools.apt_get):
            if call.tool == "apt-cache" or call.has("simulate"):
                continue
            items = [(package, "is not pinned") for package in unpinned(packages)]
            found = unpinned_finding(
                call, items, "package", f"{call.tool} install {{name}}=<version>"
            )
            if found is not None:
                yield found


def _snapshot_pinned(run: Run, document: DockerfileDocument) -> bool:
    """The RUN installs from a snapshot: `--snapshot` on one of its apt calls, or a snapshot
    source set by an earlier (or this) RUN of its stage or of a stage it is built FROM."""
    if any(call.has("snapshot") for call in calls(run, tools.apt_get)):
        return True
    if run.stage is None:
        return False
    first = _first_snapshot_lines(document)
    if first.get(run.stage.index, run.instruction.line + 1) <= run.instruction.line:
        return True
    return any(ancestor.index in first for ancestor in run.stage.ancestry()[1:])


def _first_snapshot_lines(document: DockerfileDocument) -> dict[int, int]:
    """Stage index -> line of its first RUN naming a snapshot archive (computed once)."""
    memo = _document_memo(document)
    cached = memo.get("snapshot lines")
    if isinstance(cached, dict):
        return cached
    found: dict[int, int] = {}
    for stage in document.stages:
        for instruction in stage.instructions:
            if instruction.keyword == "RUN" and _names_snapshot(instruction):
                found[stage.index] = instruction.line
                break
    memo["snapshot lines"] = found
    return found


def _names_snapshot(instruction: Instruction) -> bool:
    texts = [instruction.value, *(doc.body for doc in instruction.heredocs)]
    return any(SNAPSHOT_SOURCES.search(text) for text in texts)
