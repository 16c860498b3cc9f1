"""DC507 obsolete-version-key: The top-level version key is obsolete."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Fix, Span, Violation
from infralint.parsers.compose import ComposeDocument
from infralint.registry import CheckContext, check


@check("DC507")
def obsolete_version_key(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for entry in document.top("version"):
        span = entry.key_node.span
        yield Violation(
            span,
            "the top-level `version` key is obsolete: docker compose ignores it",
            fix=_drop_entry_lines(document, span),
        )


def _drop_entry_lines(document: ComposeDocument, span: Span) -> Fix | None:
    """Delete exactly the lines of a block-style top-level entry: comments and formatting of
    everything else stay byte for byte (a YAML round-trip could reflow them)."""
    if span.column != 1:
        return None  # a flow mapping or an indented document: no line of its own
    last = max(document.construct_end(span.line), span.line)
    return Fix(Span(span.line, 1, last + 1, 1), "")
