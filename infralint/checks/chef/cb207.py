"""CB207 compile-time-shell-out: Backticks, %x(), system, exec or shell_out run at recipe level,
at compile time."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _violation
from infralint.model import Violation
from infralint.parsers.chef import DSL_KINDS, ChefDocument
from infralint.registry import CheckContext, check


@check("CB207")
def compile_time_shell_out(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    if doc.kind not in DSL_KINDS:
        return
    for shell_out in doc.shell_outs:
        yield _violation(
            shell_out.span,
            f"`{shell_out.form}` runs a command at compile time, on every converge "
            "(use a resource, or a lazy/guard block)",
        )
