"""DF501 (multiple-cmd): A stage has more than one CMD."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import _repeated
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF501")
def multiple_cmd(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction, first in _repeated(document, "CMD"):
        yield Violation(
            instruction.keyword_span,
            f"another CMD in the same stage (first on line {first}); only the last one counts",
        )
