"""CB205 shell-vcs: A script resource runs git clone, pull, checkout or fetch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from infralint.checks import unique
from infralint.checks.chef._common import _name, _shell_findings, _verb, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, Resource
from infralint.registry import CheckContext, check

if TYPE_CHECKING:  # the shell model is imported only when a script is analysed
    from infralint.parsers.shell import Command, Script


GIT_VERBS = {"clone", "pull", "checkout", "fetch"}


@check("CB205")
def shell_vcs(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        verb = _verb(command) if argv[0] == "git" else None
        if verb in GIT_VERBS:
            yield _violation(
                command.span, f"{_name(resource)} runs `git {verb}` (use the git resource)"
            )

    yield from unique(_shell_findings(doc, judge), per_position=True)
