"""DF308 (wget-progress-bloat): wget without --progress, -q or -nv fills the build log with
progress output.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _commands, _runs
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import unwrap
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF308")
def wget_progress_bloat(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if command.program != "wget":
                continue
            call = shell_commands.wget(command)
            quiet = ("progress", "quiet", "no-verbose", "output-file", "append-output")
            if call is None or call.has(*quiet):
                continue
            yield Violation(
                command.name.span if command.name else command.span,
                "wget without --progress=dot:giga, -nv or -q prints progress output that "
                "bloats the build log",
            )
