"""DC302 logs-to-volume: A writable volume at /var/log or a *.log path keeps logs out of stdout."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import via_key
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import normalize_path, service_mounts
from infralint.registry import CheckContext, check


def _is_log_path(path: str) -> bool:
    normalized = normalize_path(path)
    return (
        normalized == "/var/log"
        or normalized.startswith("/var/log/")
        or re.search(r"\.log(?:\.\d+)?$", normalized) is not None
    )


@check("DC302")
@once_per_position
def logs_to_volume(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for mount in service_mounts(document, service):
            writable = mount.type in ("bind", "volume") and not mount.read_only
            if writable and _is_log_path(mount.target):
                yield Violation(
                    mount.span,
                    f"service '{service.name}' writes logs to a volume at '{mount.target}'"
                    + via_key(service, "volumes"),
                )
