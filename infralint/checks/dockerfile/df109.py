"""DF109 (gem-package-unpinned): gem install names a gem without a version."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import calls, runs, unpinned
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF109")
def gem_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call in calls(run, tools.gem):
            for package in unpinned(call.packages):
                yield Violation(
                    package.span,
                    f"gem '{package.name}' is not pinned "
                    f"(gem install {package.name}:<version> or -v <version>)",
                )
