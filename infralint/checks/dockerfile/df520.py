"""DF520 (invalid-label-key): A LABEL key has invalid characters or uses a reserved namespace."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

LABEL_CHARS = re.compile(r"^[0-9a-z._/-]+$")
RESERVED_LABEL_PREFIXES = ("com.docker.", "io.docker.", "org.dockerproject.")


def label_key_problem(key: str) -> str | None:
    if not key:
        return "is empty"
    if key.startswith(RESERVED_LABEL_PREFIXES):
        return "uses a namespace reserved by Docker"
    if not LABEL_CHARS.match(key):
        return "may only hold lower-case letters, digits, '.', '-', '_' and '/'"
    if not key[0].isalpha():
        return "must start with a lower-case letter"
    if not (key[-1].isalpha() or key[-1].isdigit()):
        return "must end with a lower-case letter or digit"
    if ".." in key or "--" in key:
        return "has consecutive separators"
    return None


@check("DF520")
def invalid_label_key(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "LABEL":
            continue
        for pair in instruction.pairs():
            problem = label_key_problem(pair.key)
            if problem:
                yield Violation(pair.key_span, f"label key '{pair.key}' {problem}")
