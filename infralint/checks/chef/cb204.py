"""CB204 shell-download: A script resource downloads with curl or wget (piping into a shell is an
error)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from infralint.checks import unique
from infralint.checks.chef._common import (
    _name,
    _shell_findings,
    _violation,
    effective_argv,
)
from infralint.model import Severity, Span, Violation
from infralint.parsers.chef import ChefDocument, Resource
from infralint.registry import CheckContext, check

if TYPE_CHECKING:  # the shell model is imported only when a script is analysed
    from infralint.parsers.shell import Command, Script


def _piped_into_shell(command: Command, script: Script) -> str | None:
    """The interpreter a download is piped into, if any."""
    from infralint.parsers.commands import SHELL_NAMES, reads_program_from_stdin, unwrap

    if command.pipe_length > 1:
        for other in script.commands:
            if other.pipeline == command.pipeline and other.pipe_index > command.pipe_index:
                unwrapped = unwrap(other)
                if reads_program_from_stdin(unwrapped):
                    return unwrapped.program
    if command.in_substitution:
        for other in script.commands:
            argv = effective_argv(other)
            if (
                argv
                and argv[0] in SHELL_NAMES
                and other is not command
                and _contains(other.span, command.span)
            ):
                return argv[0]
    return None


def _contains(outer: Span, inner: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


@check("CB204")
def shell_download(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], script: Script
    ) -> Iterator[Violation]:
        if argv[0] not in ("curl", "wget"):
            return
        shell = _piped_into_shell(command, script)
        if shell is not None:
            yield _violation(
                command.span,
                f"{_name(resource)} pipes a {argv[0]} download into {shell} (an error: the "
                "code that runs is whatever the server sends)",
                severity=Severity.ERROR,
            )
            return
        yield _violation(
            command.span,
            f"{_name(resource)} downloads with {argv[0]} (use remote_file with a checksum)",
        )

    yield from unique(_shell_findings(doc, judge), per_position=True)
