"""CB206 shell-file-management: A script resource manages files, links, users or crontabs that
resources describe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from infralint.checks import unique
from infralint.checks.chef._common import _name, _shell_findings, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, Resource
from infralint.registry import CheckContext, check

if TYPE_CHECKING:  # the shell model is imported only when a script is analysed
    from infralint.parsers.shell import Command, Script


FILE_TOOLS = {
    "mkdir": "directory",
    "rm": "file or directory with action :delete",
    "chmod": "file/directory `mode`",
    "chown": "file/directory `owner`",
    "chgrp": "file/directory `group`",
    "ln": "link",
    "useradd": "user",
    "adduser": "user",
    "usermod": "user",
    "groupadd": "group",
    "crontab": "cron or cron_d",
}


@check("CB206")
def shell_file_management(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        from infralint.parsers.commands import sed_in_place

        program = argv[0]
        if sed_in_place(command):
            shown, use = "sed -i", "file, template or a `line`-editing resource"
        elif program in FILE_TOOLS and not (program == "crontab" and "-l" in argv):
            shown, use = program, FILE_TOOLS[program]
        else:
            return
        yield _violation(command.span, f"{_name(resource)} runs `{shown}` (use the {use} resource)")

    yield from unique(_shell_findings(doc, judge), per_position=True)
