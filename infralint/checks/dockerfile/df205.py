"""DF205 (pipe-without-pipefail): A RUN pipeline hides the failure of every command but the last
(no pipefail).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from infralint.checks.dockerfile._scripts import _base, _cover, _runs
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
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


# Programs that cannot fail in a way pipefail would catch: printing words (a variable or a
# `$(…)` inside fails before the pipe, where pipefail does not look either) or a literal heredoc.
SAFE_FEEDERS = frozenset({"echo", "printf", "yes", "true", ":"})
ALPINE_WORDS = ("alpine", "busybox")
PIPEFAIL_SHEBANG = re.compile(r"#!\s*(?:/usr)?/bin/(?:env\s+)?(?:bash|zsh|ash)\b")


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
            found = _first_risky_pipe(script)
            if found is None:
                continue
            pipe, risky = found
            names = " | ".join(command.program or "…" for command in pipe)
            yield Violation(
                _cover(pipe[0].span, pipe[-1].span),
                f"pipe '{names}' without pipefail: a failure of '{risky.program}' is "
                f"ignored; {_advice(document, instruction, script)}",
            )
            break


def _first_risky_pipe(script: Script) -> tuple[list[Command], Command] | None:
    """The first pipeline with a command before its last one that may fail unseen, and that
    command; None once the script sets pipefail."""
    pipelines: dict[int, list[Command]] = {}  # grouped once: a scan per pipe was quadratic
    for command in script.commands:
        if command.pipe_length > 1:
            pipelines.setdefault(command.pipeline, []).append(command)
    for command in script.commands:
        if command.program == "set" and _sets_pipefail(command.argv[1:]):
            return None
        if command.pipe_length > 1 and command.pipe_index == 0:
            pipe = sorted(pipelines[command.pipeline], key=lambda other: other.pipe_index)
            risky = next((other for other in pipe[:-1] if not _cannot_fail(other)), None)
            if risky is not None:
                return pipe, risky
    return None


def _cannot_fail(command: Command) -> bool:
    """`echo "$SHA  file"`, `printf '%s\\n' a b`, `cat <<EOF` of a literal heredoc."""
    program = _base(command.program)
    if program in SAFE_FEEDERS:
        return True
    heredoc = any(redirect.operator in ("<<", "<<-") for redirect in command.redirects)
    return program == "cat" and heredoc and not command.args


def _advice(document: DockerfileDocument, instruction: Instruction, script: Script) -> str:
    """The fix that works in this stage: bash exists on most images, Alpine has only ash."""
    if script is not instruction.scripts()[0] or PIPEFAIL_SHEBANG.match(script.text.lstrip()):
        # A heredoc fed to a shell, or one run by its own bash shebang: SHELL does not apply.
        return "start the script with set -o pipefail"
    stage = document.stage_of(instruction)
    root = stage.ancestry()[-1] if stage is not None else None
    base = (root.resolved_text or root.base_text).lower() if root is not None else ""
    if any(word in base for word in ALPINE_WORDS):
        return (
            'add SHELL ["/bin/ash", "-eo", "pipefail", "-c"] or start the RUN with set -o pipefail'
        )
    shell = _base(instruction.shell[0]) if instruction.shell else "sh"
    if shell in ("bash", "zsh"):
        return 'add "-o", "pipefail" to SHELL or begin the RUN with set -o pipefail'
    return 'add SHELL ["/bin/bash", "-o", "pipefail", "-c"] (/bin/sh may be dash: no pipefail)'
