"""CB105 dependency-unconstrained: A cookbook dependency has no version constraint, or follows a
git branch."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _violation, branch_like
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument
from infralint.registry import CheckContext, check


@check("CB105")
def dependency_unconstrained(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    own: tuple[str, ...] = ()
    if ctx.project is not None:
        own = ctx.project.own_cookbooks.get(str(doc.source.path), ())
    for dep in doc.dependencies:
        if dep.keyword == "depends" and dep.name in own:
            continue  # a cookbook of this repository: the version beside it is the one used
        if dep.keyword == "depends":
            constraint = (dep.constraint or "").replace(" ", "")
            if constraint in ("", ">=0", ">=0.0", ">=0.0.0"):
                yield _violation(dep.span, f"depends '{dep.name}' has no version constraint")
            continue
        if "git" not in dep.options and "github" not in dep.options:
            continue
        branch = dep.options.get("branch")
        ref = dep.options.get("ref") or dep.options.get("revision")
        if branch is not None:
            shown = branch.string or branch.source
            yield _violation(dep.span, f"cookbook '{dep.name}' follows git branch '{shown}'")
        elif ref is not None:
            if ref.string is not None and branch_like(ref.string):
                yield _violation(dep.span, f"cookbook '{dep.name}' follows git ref '{ref.string}'")
        elif "tag" not in dep.options:
            yield _violation(
                dep.span,
                f"cookbook '{dep.name}' comes from git with no tag, ref or revision "
                "(it follows the default branch)",
            )
