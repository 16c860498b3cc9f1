"""DC407 ssh-port-published: The container's SSH port 22 is published."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import service_ports
from infralint.registry import CheckContext, check


@check("DC407")
@once_per_position
def ssh_port_published(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for port in service_ports(document, service):
            container = port.container
            if container and container[0] <= 22 <= container[1] and port.protocol == "tcp":
                yield Violation(
                    port.span,
                    f"service '{service.name}' publishes the SSH port 22"
                    + via_key(service, "ports"),
                )
