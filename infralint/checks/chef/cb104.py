"""CB104 vcs-moving-revision: A git or subversion resource follows a branch instead of a fixed
revision."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _name, _resources, _violation, branch_like
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument
from infralint.registry import CheckContext, check


@check("CB104")
def vcs_moving_revision(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type not in ("git", "subversion"):
            continue
        prop = resource.setting("revision") or resource.setting("reference")
        if prop is None:
            default = "HEAD" if resource.type == "subversion" else "HEAD of the default branch"
            yield _violation(
                resource.head,
                f"{_name(resource)} sets no `revision`: it follows {default}",
            )
            continue
        revision = prop.value.string if prop.value is not None else None
        if revision is not None and branch_like(revision):
            yield _violation(
                prop.span,
                f"{_name(resource)} follows the moving revision '{revision}' (use a tag or commit)",
            )
