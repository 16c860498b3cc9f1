"""DC401 privileged: privileged true gives the container full access to the host."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.checks.compose._common import via
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import truthy
from infralint.registry import CheckContext, check


@check("DC401")
@once_per_position
def privileged(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        entry = service.entry_of("privileged")
        if entry is not None and truthy(document, entry.value):
            yield Violation(
                entry.key_node.span,
                f"service '{service.name}' runs privileged: it has full access to the host"
                f"{via(entry)}",
            )
