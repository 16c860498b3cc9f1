"""CB108 weak-checksum: A checksum that is not a full SHA-256 (MD5, SHA-1, a prefix, or a typo)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.chef._common import _name, _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument
from infralint.registry import CheckContext, check

SHA256 = re.compile(r"[0-9a-fA-F]{64}")
WEAK_KINDS = {32: "an MD5 digest", 40: "a SHA-1 digest"}


@check("CB108")
def weak_checksum(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        prop = resource.setting("checksum")
        value = prop.value if prop is not None else None
        text = value.string if value is not None else None
        if prop is None or text is None or SHA256.fullmatch(text):
            continue
        what = WEAK_KINDS.get(len(text), f"{len(text)} characters")
        if not re.fullmatch(r"[0-9a-fA-F]+", text):
            what = "not a hex digest"
        yield _violation(
            prop.span,
            f"checksum '{text}' of {_name(resource)} is {what}, not a SHA-256 (64 hex digits)",
        )
