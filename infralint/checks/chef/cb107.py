"""CB107 insecure-source: remote_file or a package is downloaded over http:// or ftp://."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.chef._common import _name, _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, is_package_type
from infralint.registry import CheckContext, check

INSECURE = re.compile(r"^(http|ftp)://", re.I)


@check("CB107")
def insecure_source(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type != "remote_file" and not is_package_type(resource.type):
            continue
        prop = resource.setting("source")
        if prop is None:
            continue
        for value in prop.args:
            for item in value.strings() or []:
                if INSECURE.match(item):
                    yield _violation(
                        value.span,
                        f"{_name(resource)} downloads {item} over an unencrypted connection",
                    )
