"""DC406 sensitive-host-mount: A bind mount of a sensitive host path such as /, /etc, /proc or
/var/lib/docker."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import _is_docker_socket, via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import normalize_path, service_mounts
from infralint.registry import CheckContext, check

SENSITIVE_EXACT = frozenset(
    {"/", "/etc", "/proc", "/sys", "/root", "/boot", "/dev", "/run", "/var/run", "/var/lib/docker"}
)
SENSITIVE_TREES = ("/proc/", "/sys/", "/root/", "/var/lib/docker/")


@check("DC406")
@once_per_position
def sensitive_host_mount(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for mount in service_mounts(document, service):
            if mount.type != "bind" or not mount.source or _is_docker_socket(mount.source):
                continue
            source = normalize_path(mount.source)
            if source in SENSITIVE_EXACT or source.startswith(SENSITIVE_TREES):
                access = "read-only" if mount.read_only else "writable"
                yield Violation(
                    mount.span,
                    f"service '{service.name}' mounts the host path '{source}' ({access})"
                    + via_key(service, "volumes"),
                )
