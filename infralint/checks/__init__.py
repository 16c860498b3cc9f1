"""Checks: one small function per rule, registered with `@check("CODE")`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from infralint.model import Violation
from infralint.registry import CheckContext

Check = Callable[[Any, CheckContext], Iterator[Violation]]


def unique(violations: Iterable[Violation], *, per_position: bool = False) -> Iterator[Violation]:
    """Each violation once. A check that reaches one place several ways (several stages or ARG
    resolutions, a YAML alias shared by several services, a Chef loop unrolled per item) reports
    it once: by position and message, or by position alone with `per_position` (where the
    messages differ only in which way led there)."""
    seen: set[object] = set()
    for violation in violations:
        key = violation.span if per_position else (violation.span, violation.message)
        if key not in seen:
            seen.add(key)
            yield violation


def once_per_position(func: Check) -> Check:
    """A whole check through `unique(per_position=True)`."""

    @functools.wraps(func)
    def wrapper(document: Any, ctx: CheckContext) -> Iterator[Violation]:
        return unique(func(document, ctx), per_position=True)

    return wrapper


def floating_words(ctx: CheckContext) -> frozenset[str]:
    """The rule's `floating-tags` option (its default is in the rule document), lower case."""
    return frozenset(str(word).lower() for word in ctx.options["floating-tags"])
