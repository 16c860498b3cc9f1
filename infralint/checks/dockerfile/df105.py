"""DF105 (apk-package-unpinned): apk add names a package without a version constraint."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import package_calls, runs, unpinned, via
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF105")
def apk_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for _call, packages in package_calls(run, tools.apk):
            for package in unpinned(packages):
                yield Violation(
                    package.span,
                    f"package '{package.name}' is not pinned "
                    f"(apk add {package.name}=<version>{via(package)})",
                )
