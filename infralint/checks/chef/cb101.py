"""CB101 package-upgrade-action: A package resource uses action :upgrade, so the installed
version drifts."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _name, _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, is_package_type
from infralint.registry import CheckContext, check


@check("CB101")
def package_upgrade_action(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if not is_package_type(resource.type) or "upgrade" not in resource.actions:
            continue
        prop = resource.setting("action")
        span = prop.span if prop is not None else resource.head
        yield _violation(
            span,
            f"{_name(resource)} uses action :upgrade: the installed version moves with the "
            "repository on every converge",
        )
