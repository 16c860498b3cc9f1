"""DF108 (npm-package-unpinned): npm install, yarn add or pnpm add names a package without a
version.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import package_calls, runs, via
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

MOVING_NODE_TAGS = frozenset({"latest"})


@check("DF108")
def npm_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call, packages in package_calls(run, tools.npm):
            verb = "install" if call.tool == "npm" else "add"
            for package in packages:
                if package.kind != "name" or not package.name:
                    continue
                if package.version is None:
                    detail = "is not pinned"
                elif package.version in MOVING_NODE_TAGS:
                    detail = f"follows the moving tag '{package.version}'"
                else:
                    continue
                yield Violation(
                    package.span,
                    f"package '{package.name}' {detail} "
                    f"({call.tool} {verb} {package.name}@<version>{via(package)})",
                )
