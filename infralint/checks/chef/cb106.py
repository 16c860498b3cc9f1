"""CB106 lockfile-missing: A Berksfile or Policyfile.rb has no lock file beside it (application
cookbooks)."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _violation
from infralint.model import Span, Violation
from infralint.parsers.chef import ChefDocument
from infralint.registry import CheckContext, check


@check("CB106")
def lockfile_missing(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    if doc.kind not in ("berksfile", "policyfile") or doc.lockfile_present:
        return
    kind = str(ctx.settings.get("cookbook-kind", "auto")).lower()
    if kind == "library" or (kind == "auto" and doc.library_reason is not None):
        return
    why = "" if kind == "application" else " (the cookbook looks like an application)"
    yield _violation(
        Span.whole_file(),
        f"{doc.source.path.name} has no {doc.lockfile} beside it{why}: commit the lock file",
    )
