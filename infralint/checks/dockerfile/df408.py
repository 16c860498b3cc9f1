"""DF408 (sudo-in-run): RUN uses sudo."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _base, _commands, _quote, _runs, _wrapper_words
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF408")
def sudo_in_run(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            wrappers = [raw.name, *_wrapper_words(raw)] if raw.name else []
            sudo = next((word for word in wrappers if _base(word.text) == "sudo"), None)
            if sudo is not None:
                yield Violation(
                    sudo.span,
                    f"'{_quote(raw)}' in RUN: use USER to switch users (gosu or su-exec at run "
                    "time) instead of sudo",
                )
