"""DF105 (apk-package-unpinned): apk add names a package without a version constraint."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import package_calls, runs, unpinned, unpinned_finding
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF105")
def apk_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call, packages in package_calls(run, tools.apk):
            items = [(package, "is not pinned") for package in unpinned(packages)]
            found = unpinned_finding(call, items, "package", "apk add {name}=<version>")
            if found is not None:
                yield found
