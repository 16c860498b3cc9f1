"""Checks: one small function per rule, registered with `@check("CODE")`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from infralint.model import Span, Violation
from infralint.registry import CheckContext


def unique(violations: Iterable[Violation]) -> Iterator[Violation]:
    """Each (position, message) once: several stages or resolutions may find the same thing."""
    seen: set[tuple[Span, str]] = set()
    for violation in violations:
        key = (violation.span, violation.message)
        if key not in seen:
            seen.add(key)
            yield violation


def floating_words(ctx: CheckContext) -> frozenset[str]:
    """The rule's `floating-tags` option (its default is in the rule document), lower case."""
    return frozenset(str(word).lower() for word in ctx.options["floating-tags"])
