"""DC504 undefined-network-or-volume: A service uses a named network or volume that is not
declared at the top level."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _known_names
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument, Service, iter_scalars
from infralint.parsers.compose_values import service_mounts
from infralint.parsers.yaml_model import Mapping, Node, Sequence
from infralint.registry import CheckContext, check


def _service_networks(service: Service) -> Iterator[tuple[str, Node]]:
    networks = service.get("networks")
    if isinstance(networks, Sequence):
        for item in iter_scalars(networks):
            yield item.text, item
    elif isinstance(networks, Mapping):
        for entry in networks.entries:
            yield entry.key, entry.key_node


@check("DC504")
@once_per_position
def undefined_network_or_volume(
    document: ComposeDocument, ctx: CheckContext
) -> Iterator[Violation]:
    known = _known_names(document, ctx.project)
    if known is None or document.legacy_v1:
        return
    networks = known.networks | {"default"}
    volumes = known.volumes
    for service in document.services:
        for name, node in _service_networks(service):
            result = document.interpolate(name)
            if result.resolved and result.value not in networks:
                yield Violation(
                    node.span,
                    f"service '{service.name}' uses the network '{result.value}', which is not"
                    " declared under the top-level `networks:`",
                )
        for mount in service_mounts(document, service):
            if mount.type == "volume" and mount.source and mount.source not in volumes:
                yield Violation(
                    mount.span,
                    f"service '{service.name}' uses the named volume '{mount.source}', which"
                    " is not declared under the top-level `volumes:`",
                )
