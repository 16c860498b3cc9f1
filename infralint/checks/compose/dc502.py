"""DC502 duplicate-key: A mapping key is given twice."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC502")
def duplicate_key(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for duplicate in document.duplicates:
        yield Violation(
            duplicate.span,
            f"key '{duplicate.key}' is given twice (first on line {duplicate.first.line});"
            " docker compose rejects the file",
        )
