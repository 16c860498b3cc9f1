"""DF510 (env-self-reference): ENV uses a variable that the same ENV instruction defines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


def _references(name: str, text: str) -> bool:
    if f"${{{name}}}" in text:
        return True
    if f"${name}" not in text:  # no bare `$NAME` either: skip compiling a pattern per name
        return False
    return re.search(rf"\$({re.escape(name)})(?![A-Za-z0-9_])", text) is not None


@check("DF510")
def env_self_reference(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    defined: set[str] = set()
    for instruction in document.instructions:
        if instruction.keyword == "ARG":
            defined.update(pair.key for pair in instruction.pairs())
            continue
        if instruction.keyword != "ENV":
            continue
        pairs = instruction.pairs()
        for index, pair in enumerate(pairs):
            if pair.key in defined:
                continue
            for other_index, other in enumerate(pairs):
                if other_index != index and _references(pair.key, other.raw.partition("=")[2]):
                    yield Violation(
                        other.span,
                        f"ENV {other.key} uses ${pair.key}, which is set in the same ENV "
                        f"instruction (it still has its previous value here)",
                    )
                    break
        defined.update(pair.key for pair in pairs)
