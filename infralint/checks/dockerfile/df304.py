"""DF304 (shell-form-entrypoint): CMD or ENTRYPOINT in shell form runs the app under /bin/sh -c."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _starts
from infralint.model import Fix, Span, Violation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.registry import CheckContext, check


@check("DF304")
def shell_form_entrypoint(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _starts(document):
        if instruction.exec_form is not None or not instruction.value.strip():
            continue
        words = _simple_words(instruction)
        fix = None
        if words is not None:
            exec_form = json.dumps(words, ensure_ascii=False)
            hint = f"{instruction.keyword} {exec_form}"
            if instruction.span.line == instruction.span.end_line:
                safe = _exec_form_is_safe(document, instruction)
                fix = Fix(instruction.value_span(), exec_form, safe=safe)
        else:
            hint = f'the JSON form, e.g. {instruction.keyword} ["/bin/sh", "-c", "… && exec app"]'
        yield Violation(
            Span(
                instruction.span.line,
                instruction.span.column,
                instruction.keyword_span.end_line,
                instruction.keyword_span.end_column,
            ),
            f"{instruction.keyword} in shell form runs under /bin/sh -c, so the application is "
            f"not PID 1 and gets no SIGTERM: use {hint}",
            fix=fix,
        )


# Builtins with no program of their own: the exec form cannot start them.
SHELL_BUILTINS = frozenset(
    {
        *("exec", "cd", "source", ".", "export", "eval", "set", "unset", "ulimit", "umask"),
        *("trap", "wait", "read", "alias", "shift", "return", "exit", "readonly", "local"),
        *("declare", "typeset", "let", ":", "break", "continue", "times", "hash", "type"),
        *("command", "builtin", "getopts", "jobs", "fg", "bg", "shopt", "enable", "{", "!"),
    }
)


def _simple_words(instruction: Instruction) -> list[str] | None:
    """The words of a shell form that is one plain command (no expansion, redirection,
    operator or quoting subtleties), which the exec form can say exactly; else None.
    A leading `exec` is dropped (the exec form runs the program directly anyway); a shell
    builtin has no exec form."""
    scripts = instruction.scripts()
    if len(scripts) != 1 or len(scripts[0].commands) != 1:
        return None
    command = scripts[0].commands[0]
    words = ([command.name] if command.name else []) + command.args
    plain = (
        not command.redirects
        and not command.assignments
        and not command.background
        and all(word.static and not re.search(r"[*?\[~]", word.text) for word in words)
        and scripts[0].text.split() == [word.raw for word in words]
    )
    if not plain or not words:
        return None
    texts = [word.text for word in words]
    if texts[0] == "exec" and len(texts) > 1 and not texts[1].startswith("-"):
        texts = texts[1:]
    return None if texts[0] in SHELL_BUILTINS else texts


def _exec_form_is_safe(document: DockerfileDocument, instruction: Instruction) -> bool:
    """Does rewriting this plain shell form to the exec form keep what the container runs?
    Only for a CMD under the default `/bin/sh -c` whose image is known to have no ENTRYPOINT:
    an ENTRYPOINT receives the CMD words as its arguments, `/bin/sh -c "…"` before and the
    program after (entrypoint scripts test "$1": `[ "$1" = 'redis-server' ]`), and one from an
    image outside this file cannot be seen. A shell-form ENTRYPOINT, once in exec form, also
    receives CMD and the `docker run` arguments, which it ignored: never safe. A SHELL other
    than /bin/sh -c (`bash --login -c` sets up PATH) is not kept by the exec form either."""
    if instruction.keyword != "CMD" or instruction.shell != ["/bin/sh", "-c"]:
        return False
    stage = document.stage_of(instruction)
    if stage is None:
        return False
    chain = stage.ancestry()
    for ancestor in chain:
        entries = [i for i in ancestor.instructions if i.keyword == "ENTRYPOINT"]
        if entries:
            return entries[-1].exec_form == []
    return chain[-1].is_scratch
