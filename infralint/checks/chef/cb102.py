"""CB102 package-unpinned: A package resource installs a package without a version."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _is_url, _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, is_package_type
from infralint.registry import CheckContext, check

REMOVAL_ACTIONS = {"remove", "purge", "nothing", "upgrade", "lock", "unlock"}


@check("CB102")
def package_unpinned(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if not is_package_type(resource.type) or resource.has("version"):
            continue
        actions = resource.actions
        if actions and all(action in REMOVAL_ACTIONS or action == "?" for action in actions):
            continue
        source = resource.value("source")
        if source is not None and not _is_url(source):
            continue  # a local package file fixes the version
        name = resource.value("package_name") or resource.name
        shown = name.display() if name is not None else resource.type
        yield _violation(resource.head, f"{resource.type} {shown} has no version (set `version`)")
