"""DF108 (npm-package-unpinned): npm install, yarn add or pnpm add names a package without a
version.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import package_calls, runs, unpinned_finding
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.commands import Package
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

MOVING_NODE_TAGS = frozenset({"latest"})


@check("DF108")
def npm_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call, packages in package_calls(run, tools.npm):
            verb = "install" if call.tool == "npm" else "add"
            items: list[tuple[Package, str]] = []
            for package in packages:
                if package.kind != "name" or not package.name:
                    continue
                if package.version is None:
                    items.append((package, "is not pinned"))
                elif package.version in MOVING_NODE_TAGS:
                    items.append((package, f"follows the moving tag '{package.version}'"))
            found = unpinned_finding(
                call, items, "package", f"{call.tool} {verb} {{name}}@<version>"
            )
            if found is not None:
                yield found
