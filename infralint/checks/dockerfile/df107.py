"""DF107 (pip-package-unpinned): pip install names a package without a version specifier."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import package_calls, runs, unpinned, unpinned_finding
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF107")
def pip_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call, packages in package_calls(run, tools.pip):
            if call.subcommand != "install" or call.has("constraint"):
                continue
            items = [(package, "is not pinned") for package in unpinned(packages)]
            found = unpinned_finding(
                call, items, "package", f"{call.tool} install {{name}}==<version>"
            )
            if found is not None:
                yield found
