"""DF508 (invalid-expose-port): EXPOSE names a port or range outside 1-65535."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

PORT = re.compile(r"^(\d+)(?:-(\d+))?(?:/(tcp|udp|sctp))?$", re.IGNORECASE)


@check("DF508")
def invalid_expose_port(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "EXPOSE":
            continue
        for token in instruction.arguments():
            text = token.text
            if "$" in text:
                continue
            match = PORT.match(text)
            if not match:
                yield Violation(token.span, f"EXPOSE '{text}' is not a port or port range")
                continue
            low = int(match.group(1))
            high = int(match.group(2)) if match.group(2) else low
            if not (1 <= low <= 65535 and 1 <= high <= 65535) or high < low:
                yield Violation(token.span, f"EXPOSE '{text}' is outside the ports 1-65535")
