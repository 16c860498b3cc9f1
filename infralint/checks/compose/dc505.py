"""DC505 duplicate-host-port: Two services publish the same host port and protocol on overlapping
interfaces."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument, Service, iter_scalars
from infralint.parsers.compose_values import Port, service_ports
from infralint.registry import CheckContext, check

_ANY_ADDRESS = ("", "0.0.0.0", "::", "[::]")


def _ports_clash(first: Port, second: Port) -> bool:
    if first.host is None or second.host is None or first.protocol != second.protocol:
        return False
    if not (first.host[0] <= second.host[1] and second.host[0] <= first.host[1]):
        return False
    return (
        first.host_ip in _ANY_ADDRESS
        or second.host_ip in _ANY_ADDRESS
        or first.host_ip == second.host_ip
    )


def _profiles(document: ComposeDocument, service: Service) -> set[str]:
    return {item.text for item in iter_scalars(service.get("profiles"))}


def _port_text(port: Port) -> str:
    assert port.host is not None
    start, end = port.host
    number = str(start) if start == end else f"{start}-{end}"
    address = f"{port.host_ip}:" if port.host_ip else ""
    return f"{address}{number}/{port.protocol}"


@check("DC505")
@once_per_position
def duplicate_host_port(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    published: list[tuple[Service, Port, set[str]]] = []
    seen_nodes: set[int] = set()
    for service in document.services:
        if id(service.node) in seen_nodes:
            continue  # the same service mapping under two names (an alias): one set of ports
        seen_nodes.add(id(service.node))
        profiles = _profiles(document, service)
        for port in service_ports(document, service):
            for other_service, other, other_profiles in published:
                if profiles and other_profiles and not profiles & other_profiles:
                    continue  # never started together
                if other.node is port.node:
                    continue
                if _ports_clash(port, other):
                    owner = (
                        "this service"
                        if other_service is service
                        else f"service '{other_service.name}'"
                    )
                    yield Violation(
                        port.span,
                        f"service '{service.name}' publishes host port {_port_text(port)},"
                        f" already published by {owner} (line {other.span.line})",
                    )
                    break
            published.append((service, port, profiles))
