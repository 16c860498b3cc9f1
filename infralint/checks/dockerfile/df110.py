"""DF110 (toolchain-install-unpinned): go install/get or cargo install fetches a tool without a
fixed version.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import calls, runs, unpinned
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF110")
def toolchain_install_unpinned(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for run in runs(document):
        for call in calls(run, tools.go):
            for package in call.packages:
                if package.kind != "name":
                    continue
                if package.version is None:
                    detail = "is not pinned"
                elif package.version in tools.GO_MOVING:
                    detail = f"asks for the moving version '@{package.version}'"
                else:
                    continue
                yield Violation(
                    package.span,
                    f"go package '{package.name}' {detail} "
                    f"(go {call.subcommand} {package.name}@<version>)",
                )
        for call in calls(run, tools.cargo):
            if call.subcommand != "install":
                continue
            git = call.option("git")
            if git is not None and not call.has("tag", "rev"):
                where = git.value_word or git.word
                yield Violation(
                    where.span,
                    f"crate from git '{git.value}' follows a branch (add --tag or --rev)",
                )
                continue
            for package in unpinned(call.packages):
                yield Violation(
                    package.span,
                    f"crate '{package.name}' is not pinned "
                    f"(cargo install {package.name} --version <version>)",
                )
