"""CB301 command-output-to-log-file: A script resource redirects its output into a log file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from infralint.checks import unique
from infralint.checks.chef._common import _name, _shell_findings, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, Resource
from infralint.registry import CheckContext, check

if TYPE_CHECKING:  # the shell model is imported only when a script is analysed
    from infralint.parsers.shell import Command, Script


LOG_TARGET = re.compile(r"(^/var/log/|\.(log|out|err)$|/logs?/)", re.I)
NOT_LOGS = {"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "-"}


def _log_target(text: str) -> bool:
    return text not in NOT_LOGS and LOG_TARGET.search(text) is not None


@check("CB301")
def command_output_to_log_file(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        for redirect in command.redirects:
            target = redirect.target
            if redirect.writes and target is not None and _log_target(target.text):
                yield _violation(
                    redirect.span,
                    f"{_name(resource)} sends output to log file '{target.text}' "
                    "(let it reach the Chef run's output)",
                )
        if argv[0] == "tee":
            for word in command.args:
                if not word.text.startswith("-") and _log_target(word.text):
                    yield _violation(
                        word.span,
                        f"{_name(resource)} copies output into log file '{word.text}' with tee",
                    )

    yield from unique(_shell_findings(doc, judge), per_position=True)
