"""DF203 (service-command-in-run): RUN uses a command that needs a running system (service,
systemctl start, ps, vim).
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _commands, _quote, _runs
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import unwrap
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command
from infralint.registry import CheckContext, check

SERVICE_PROGRAMS = frozenset(
    {"free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"}
)
SYSTEM_PROGRAMS = frozenset({"reboot", "halt", "poweroff"})
SYSTEMCTL_ACTIONS = frozenset(
    {"start", "stop", "restart", "reload", "try-restart", "reload-or-restart", "kill", "status"}
)
INIT_ACTIONS = frozenset({"start", "stop", "restart", "reload", "force-reload", "status"})


def _service_control(command: Command) -> bool:
    """Does the command need a running system (a service manager, processes, a terminal)?"""
    program = command.program
    if program in SERVICE_PROGRAMS or program in SYSTEM_PROGRAMS:
        return True
    control = shell_commands.service_control(command)
    if control is None or control.action is None:
        return False
    if control.manager == "systemctl":
        return control.action in SYSTEMCTL_ACTIONS
    return control.manager in ("init.d", "invoke-rc.d") and control.action in INIT_ACTIONS


@check("DF203")
def service_command_in_run(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if _service_control(command):
                yield Violation(
                    command.span,
                    f"'{_quote(command)}' in RUN: nothing is running during the build, and no "
                    "process started here survives the step",
                )
