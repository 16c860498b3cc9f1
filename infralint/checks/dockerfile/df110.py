"""DF110 (toolchain-install-unpinned): go install/get or cargo install fetches a tool without a
fixed version.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import Run, calls, runs, unpinned, unpinned_finding
from infralint.checks.dockerfile.df113 import _checkout_refs, _fixed_ref
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.commands import Package
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF110")
def toolchain_install_unpinned(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for run in runs(document):
        for call in calls(run, tools.go):
            if call.subcommand == "get" and _checked_out_later(run, call):
                continue
            items: list[tuple[Package, str]] = []
            for package in call.packages:
                if package.kind != "name":
                    continue
                if package.version is None:
                    items.append((package, "is not pinned"))
                elif package.version in tools.GO_MOVING:
                    items.append((package, f"asks for the moving version '@{package.version}'"))
            hint = f"go {call.subcommand} {{name}}@<version>"
            found = unpinned_finding(call, items, "go package", hint)
            if found is not None:
                yield found
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
            items = [(package, "is not pinned") for package in unpinned(call.packages)]
            hint = "cargo install {name} --version <version>"
            found = unpinned_finding(call, items, "crate", hint)
            if found is not None:
                yield found


def _checked_out_later(run: Run, call: tools.Invocation) -> bool:
    """`go get x && cd $GOPATH/src/x && git checkout v1.2.3`: the old GOPATH idiom, where the
    checkout of a tag or commit after the fetch fixes the version (as DF113 reads it)."""
    if "git" not in run.tools:
        return False
    # Found once per RUN: the commands before its last checkout of a fixed ref.
    before = run.memo.get("before a fixed checkout")
    if not isinstance(before, frozenset):
        last = -1
        for index, command in enumerate(run.commands):
            if any(_fixed_ref(value) for _, value in _checkout_refs(command, run.env)):
                last = index
        before = frozenset(id(command) for command in run.commands[: max(last, 0)])
        run.memo["before a fixed checkout"] = before
    return id(call.command) in before
