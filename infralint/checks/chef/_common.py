"""Helpers shared by several Chef cookbook rules (CB). Each check is a small function over a
`ChefDocument`, in its own module `cbNNN.py`.

Severity is per rule; where a rule's document (rules/CBNNN.md) asks for a lower or higher level
for one kind of finding (CB201 under a Ruby conditional is a note, CB204 piping into a shell is
an error), the message says so and `Violation.severity` carries the level (a level the user
configured still wins).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from infralint.model import Severity, Span, Violation
from infralint.parsers.chef import DSL_KINDS, ChefDocument, Resource, Value

if TYPE_CHECKING:  # the shell model is imported only when a script is analysed
    from infralint.parsers.shell import Command, Script


def _violation(span: Span, message: str, severity: Severity | None = None) -> Violation:
    return Violation(span, message, severity=severity)


def _resources(doc: ChefDocument) -> list[Resource]:
    return doc.resources if doc.kind in DSL_KINDS else []


def _name(resource: Resource) -> str:
    return resource.label()


URL = re.compile(r"^(https?|ftp)://", re.I)


def _is_url(value: Value) -> bool:
    strings = value.strings()
    if strings is None:
        text = value.text.text if value.text is not None else value.source
        return URL.match(text.strip("\"'")) is not None
    return any(URL.match(item) for item in strings)


BRANCH_WORDS = {
    "main",
    "master",
    "head",
    "develop",
    "development",
    "dev",
    "trunk",
    "stable",
    "latest",
    "staging",
    "production",
    "next",
    "default",
    "tip",
    "release",
    "nightly",
}


def branch_like(revision: str) -> bool:
    """A revision that names a moving branch rather than a commit or tag."""
    text = revision.strip()
    lowered = text.lower()
    if lowered in BRANCH_WORDS or lowered.startswith(("refs/heads/", "origin/")):
        return True
    if lowered.startswith("refs/tags/"):
        return False
    return "/" in text


def effective_argv(command: Command) -> list[str]:
    """argv of the command a wrapper runs (`sudo -u x apt-get …` -> `apt-get …`), with the
    program's directory dropped."""
    from infralint.parsers.commands import unwrap

    argv = unwrap(command).argv
    if argv:
        argv[0] = argv[0].rsplit("/", 1)[-1]
    return argv


def _verb(command: Command) -> str | None:
    """The tool's subcommand, read by the shared argument readers (None for an unknown tool)."""
    from infralint.parsers.commands import invocation

    call = invocation(command)
    return call.subcommand if call is not None else None


def _shell_findings(
    doc: ChefDocument,
    judge: Callable[[Resource, Command, list[str], Script], Iterator[Violation]],
) -> Iterator[Violation]:
    """Run `judge(resource, command, argv)` over every command of every shell resource."""
    for resource in _resources(doc):
        script = resource.shell()
        if script is None:
            continue
        for command in script.commands:
            argv = effective_argv(command)
            if argv:
                yield from judge(resource, command, argv, script)
