"""CB209 ignore-failure: A resource sets ignore_failure true, hiding its failure."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _name, _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument
from infralint.registry import CheckContext, check


@check("CB209")
def ignore_failure(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        prop = resource.setting("ignore_failure")
        value = prop.value if prop is not None else None
        if prop is None or value is None:
            continue
        if (value.kind == "boolean" and value.literal) or value.string == "quiet":
            yield _violation(
                prop.span,
                f"{_name(resource)} sets ignore_failure {value.source}: its failure "
                "is hidden and the run reports success",
            )
