"""DF109 (gem-package-unpinned): gem install names a gem without a version."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import calls, runs, unpinned, unpinned_finding
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF109")
def gem_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call in calls(run, tools.gem):
            items = [(package, "is not pinned") for package in unpinned(call.packages)]
            found = unpinned_finding(
                call, items, "gem", "gem install {name}:<version> or -v <version>"
            )
            if found is not None:
                yield found
