"""CB501 guard-string-in-block: A guard block returns a command string, so the command never
runs."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument
from infralint.registry import CheckContext, check


@check("CB501")
def guard_string_in_block(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        for guard in resource.guards:
            if guard.form == "block" and guard.block_string is not None:
                shown = guard.block_string.display()
                yield _violation(
                    guard.span,
                    f"{guard.keyword} block returns the string {shown}: the command never "
                    f"runs and the block is always true (write `{guard.keyword} {shown}`)",
                )
