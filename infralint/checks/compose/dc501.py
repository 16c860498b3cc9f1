"""DC501 schema-violation: The file is not valid against the compose-spec JSON schema."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Span, Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC501")
def schema_violation(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    from infralint.parsers.compose_schema import validate

    if document.legacy_v1:
        first = document.services[0].span if document.services else Span(1, 1)
        yield Violation(
            first,
            "legacy compose file format (v1): services are at the top level instead of under"
            " `services:`; current docker compose cannot read it",
        )
        return
    for root in document.roots:
        if root is None:
            continue
        for issue in validate(root):
            yield Violation(issue.span, issue.message)
