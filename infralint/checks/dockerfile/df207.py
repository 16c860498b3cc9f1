"""DF207 (apt-in-script): RUN uses apt instead of apt-get or apt-cache."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import runs
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF207")
def apt_in_script(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for command in run.commands:
            if command.program == "apt" and command.name is not None:
                yield Violation(
                    command.name.span,
                    "'apt' is meant for interactive use and has no stable CLI "
                    "(use apt-get or apt-cache)",
                )
