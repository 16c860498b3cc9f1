"""DF205 (pipe-without-pipefail): A RUN pipeline hides the failure of every command but the last
(no pipefail).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from infralint.checks.dockerfile._scripts import _base, _cover, _runs
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command, Script
from infralint.registry import CheckContext, check

PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ash"})


def _sets_pipefail(words: Sequence[str]) -> bool:
    """`-o pipefail`, `-euo pipefail`, `-o errexit -o pipefail` among shell/`set` arguments."""
    for index, word in enumerate(words[:-1]):
        if re.fullmatch(r"-[a-zA-Z]*o", word) and words[index + 1] == "pipefail":
            return True
    return False


def _shell_has_pipefail(shell: Sequence[str]) -> bool:
    if not shell or _base(shell[0]) not in PIPEFAIL_SHELLS:
        return False
    return _sets_pipefail(list(shell[1:]))


@check("DF205")
def pipe_without_pipefail(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _runs(document, onbuild=False):
        if instruction.exec_form is not None:
            if _shell_has_pipefail(instruction.exec_form):
                continue
        elif _shell_has_pipefail(instruction.shell):
            continue
        for script in instruction.scripts():
            pipe = _first_unprotected_pipe(script)
            if pipe is not None:
                first, last = pipe[0], pipe[-1]
                names = " | ".join(command.program or "…" for command in pipe)
                yield Violation(
                    _cover(first.span, last.span),
                    f"pipe '{names}' without pipefail: a failure of '{first.program}' is "
                    'ignored; add SHELL ["/bin/bash", "-o", "pipefail", "-c"] or set -o pipefail',
                )
                break


def _first_unprotected_pipe(script: Script) -> list[Command] | None:
    for command in script.commands:
        if command.program == "set" and _sets_pipefail(command.argv[1:]):
            return None
        if command.pipe_length > 1:
            return [other for other in script.commands if other.pipeline == command.pipeline]
    return None
