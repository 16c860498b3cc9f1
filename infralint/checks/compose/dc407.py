"""DC407 ssh-port-published: The container's SSH port 22 is published."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument, Service
from infralint.parsers.compose_values import service_image, service_ports
from infralint.registry import CheckContext, check

# Images whose purpose is to be an SSH or git-over-SSH endpoint: the last path segment of the
# repository (`gitea/gitea`, `gitlab/gitlab-ce`, `linuxserver/openssh-server`, `atmoz/sftp`).
_SSH_SERVER_IMAGE = re.compile(
    r"(?:gitea|forgejo|gogs|gitlab(?:-[ce]e)?|soft-serve|gerrit|(?:open)?ssh(?:d|-server)|sftp"
    r"|sftpgo|git-server|git-daemon)(?:-[a-z0-9]+)?",
)


def _is_ssh_server(document: ComposeDocument, service: Service) -> bool:
    image = service_image(document, service)
    if image is None or image.ref is None:
        return False
    last = image.ref.repository.rsplit("/", 1)[-1].lower()
    return _SSH_SERVER_IMAGE.fullmatch(last) is not None


@check("DC407")
@once_per_position
def ssh_port_published(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        ports = service_ports(document, service)
        if not ports or _is_ssh_server(document, service):
            continue
        for port in ports:
            container = port.container
            if container and container[0] <= 22 <= container[1] and port.protocol == "tcp":
                yield Violation(
                    port.span,
                    f"service '{service.name}' publishes the SSH port 22"
                    + via_key(service, "ports"),
                )
