"""CB210 apt-update-every-run: apt_update with action :update refreshes the package index on
every converge."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _name, _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument
from infralint.registry import CheckContext, check


@check("CB210")
def apt_update_every_run(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type == "apt_update" and "update" in resource.actions:
            prop = resource.setting("action")
            yield _violation(
                prop.span if prop is not None else resource.head,
                f"{_name(resource)} uses action :update and refreshes the package index on "
                "every converge (the default :periodic does it once a day)",
            )
