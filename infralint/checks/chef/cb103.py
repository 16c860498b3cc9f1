"""CB103 remote-file-without-checksum: remote_file (or a package from a URL) is downloaded
without a checksum."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _is_url, _name, _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, is_package_type
from infralint.registry import CheckContext, check


@check("CB103")
def remote_file_without_checksum(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.has("checksum") or resource.has("verify") or "delete" in resource.actions:
            continue  # `verify { … }` checks the file itself
        source = resource.value("source")
        if resource.type == "remote_file":
            if (
                source is not None
                and (items := source.strings()) is not None
                and all(item.startswith(("file://", "/")) for item in items)
            ):
                continue
            what = f"from {source.display()}" if source is not None else ""
            yield _violation(
                resource.head,
                f"{_name(resource)} downloads {what} without `checksum`".replace("  ", " "),
            )
        elif is_package_type(resource.type) and source is not None and _is_url(source):
            yield _violation(
                resource.head,
                f"{_name(resource)} installs {source.display()} without `checksum`",
            )
