"""CB203 shell-service-control: A script resource starts, stops or restarts services itself."""

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


NOT_SERVICE_CONTROL = {
    "status",
    "is-active",
    "is-enabled",
    "is-failed",
    "show",
    "cat",
    "list-units",
    "list-unit-files",
    "list-timers",
    "list-dependencies",
    # Not service control: the service resource has no equivalent.
    "daemon-reload",
    "daemon-reexec",
    "reset-failed",
}
SERVICE_TOOLS = {"service", "invoke-rc.d", "rc-service", "initctl"}


@check("CB203")
def shell_service_control(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        from infralint.parsers.commands import service_control

        control = service_control(command)
        if control is None or (control.action is None and control.service is None):
            return
        if control.manager == "systemctl" and control.action not in NOT_SERVICE_CONTROL:
            shown = f"systemctl {control.action}"
        elif control.manager in SERVICE_TOOLS:
            shown = " ".join(argv[:3])
        elif control.manager == "init.d" and control.action is not None:
            name = control.command.name.text if control.command.name is not None else ""
            shown = f"{name} {control.action}"
        else:
            return
        yield _violation(
            command.span, f"{_name(resource)} runs `{shown}` (use the service resource)"
        )

    yield from unique(_shell_findings(doc, judge), per_position=True)
