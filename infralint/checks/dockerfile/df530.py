"""DF530 (expose-protocol-casing): The protocol of an EXPOSE port is not lower case."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Fix, Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF530")
def expose_protocol_casing(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        if instruction.keyword != "EXPOSE":
            continue
        for token in instruction.arguments():
            port, slash, protocol = token.raw.rpartition("/")
            if not slash or protocol == protocol.lower() or "$" in protocol:
                continue
            yield Violation(
                token.span,
                f"EXPOSE {token.text}: write the protocol in lower case ('{protocol.lower()}')",
                fix=Fix(token.span, f"{port}/{protocol.lower()}"),
            )
