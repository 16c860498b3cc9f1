"""DF206 (shell-changed-with-ln): RUN replaces /bin/sh with a symlink instead of using SHELL."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _commands, _runs
from infralint.model import Violation
from infralint.parsers.commands import arguments, unwrap
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

SYSTEM_SHELLS = frozenset({"/bin/sh", "/usr/bin/sh"})


@check("DF206")
def shell_changed_with_ln(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if command.program != "ln":
                continue
            parsed = arguments(command)
            if len(parsed.operands) < 2 or parsed.has("t", "target-directory"):
                continue
            link = parsed.operands[-1]
            if posixpath.normpath(link.text) in SYSTEM_SHELLS:
                source = parsed.operands[0].text
                yield Violation(
                    link.span,
                    f"'ln' replaces {link.text} with '{source}': use SHELL [\"{source}\", \"-c\"] "
                    "instead of changing the system shell",
                )
