"""DC304 pid1-not-the-app: tail -f or sleep infinity keeps the container alive instead of the
application."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.devcontainer import under_devcontainer
from infralint.model import Violation
from infralint.parsers.commands import keeps_alive, unwrap
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import service_scripts
from infralint.parsers.shell import Command
from infralint.registry import CheckContext, check


def _keeps_alive(command: Command) -> str | None:
    """`tail -f`/`sleep infinity` (read by the shared `keeps_alive`), as shown."""
    plain = unwrap(command)
    word = keeps_alive(plain)
    if word is None:
        return None
    return f"sleep {word.text}" if plain.program == "sleep" else "tail -f"


@check("DC304")
@once_per_position
def pid1_not_the_app(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    if under_devcontainer(document.source.path):
        return  # a dev container's compose file: keeping the container up is its purpose
    attached: tuple[str, ...] = ()
    if ctx.project is not None:
        attached = ctx.project.devcontainer_services.get(str(document.source.path), ())
    for service in document.services:
        if service.name in attached:
            continue  # the service a devcontainer.json attaches the editor to
        for script in service_scripts(document, service):
            for command in script.commands:
                what = _keeps_alive(command)
                if what and not command.background:
                    yield Violation(
                        command.span,
                        f"service '{service.name}' keeps its container alive with '{what}':"
                        " the app is not PID 1 and its logs and exit status are lost",
                    )
