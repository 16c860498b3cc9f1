"""CB502 guard-without-block: A guard is given a Ruby expression that is evaluated once, at
compile time."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.chef._common import _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, Value
from infralint.registry import CheckContext, check


@check("CB502")
def guard_without_block(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        for guard in resource.guards:
            if guard.keyword == "creates" or guard.form != "other" or guard.value is None:
                continue
            if guard.value.kind in ("dynamic",) and not _evaluated_expression(guard.value):
                continue
            yield _violation(
                guard.span,
                f"{guard.keyword} {guard.value.source} is evaluated once, at compile time "
                f"(wrap it in a block: {guard.keyword} {{ {guard.value.source} }})",
            )


def _evaluated_expression(value: Value) -> bool:
    """Ruby that is clearly an expression, not a variable that could hold a command string."""
    source = value.source.strip()
    if re.fullmatch(r"[a-z_][a-zA-Z0-9_]*", source):
        return False  # a local variable or method returning a command
    if re.fullmatch(r"node(\[[^\]]+\])+", source) or source.startswith("new_resource."):
        return False  # an attribute or property that may hold the command
    return not source.startswith(('"', "'", "%"))
