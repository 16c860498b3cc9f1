"""DC402 docker-socket-mounted: The Docker socket is mounted into a container."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _is_docker_socket, via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import service_mounts
from infralint.registry import CheckContext, check


@check("DC402")
@once_per_position
def docker_socket_mounted(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for mount in service_mounts(document, service):
            if mount.type in ("bind", "npipe") and _is_docker_socket(mount.source):
                yield Violation(
                    mount.span,
                    f"service '{service.name}' mounts the Docker socket '{mount.source}':"
                    " the container controls the host's Docker daemon"
                    + via_key(service, "volumes"),
                )
