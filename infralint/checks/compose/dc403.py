"""DC403 host-namespace: The container shares the host's network, PID, IPC, user or UTS
namespace."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import via
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC403")
@once_per_position
def host_namespace(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for key in ("network_mode", "pid", "ipc", "userns_mode", "uts", "net"):
            entry = service.entry_of(key)
            if entry is not None and (document.value(entry.value) or "").strip() == "host":
                yield Violation(
                    entry.value.span,
                    f"service '{service.name}' shares the host's namespace ({key}: host)"
                    f"{via(entry)}",
                )
