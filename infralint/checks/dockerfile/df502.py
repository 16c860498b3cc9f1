"""DF502 (multiple-entrypoint): A stage has more than one ENTRYPOINT."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import _repeated
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF502")
def multiple_entrypoint(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction, first in _repeated(document, "ENTRYPOINT"):
        yield Violation(
            instruction.keyword_span,
            f"another ENTRYPOINT in the same stage (first on line {first}); only the last one "
            f"counts",
        )
