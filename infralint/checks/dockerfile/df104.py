"""DF104 (apt-package-unpinned): apt-get install names a package without a version."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import package_calls, runs, unpinned, unpinned_finding
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF104")
def apt_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call, packages in package_calls(run, tools.apt_get):
            if call.tool == "apt-cache" or call.has("simulate"):
                continue
            items = [(package, "is not pinned") for package in unpinned(packages)]
            found = unpinned_finding(
                call, items, "package", f"{call.tool} install {{name}}=<version>"
            )
            if found is not None:
                yield found
