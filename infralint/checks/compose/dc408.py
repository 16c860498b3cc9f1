"""DC408 datastore-port-on-all-interfaces: A database or cache port is published on every
interface of the host."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import service_ports
from infralint.registry import CheckContext, check

ALL_INTERFACES = ("", "0.0.0.0", "::", "[::]")


@check("DC408")
@once_per_position
def datastore_port_on_all_interfaces(
    document: ComposeDocument, ctx: CheckContext
) -> Iterator[Violation]:
    watched = {int(port) for port in ctx.options["ports"] if str(port).isdigit()}
    every = bool(ctx.options["all-ports"])
    for service in document.services:
        for port in service_ports(document, service):
            if port.host_ip not in ALL_INTERFACES or port.container is None:
                continue
            low, high = port.container
            hits = [p for p in sorted(watched) if low <= p <= high]
            if not hits and not every:
                continue
            shown = hits[0] if hits else low
            what = "port" if hits else "published port"
            yield Violation(
                port.span,
                f"service '{service.name}' publishes {what} {shown} on every interface of the "
                "host: bind it to 127.0.0.1 (or the one interface that needs it)",
            )
