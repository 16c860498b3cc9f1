"""DF301 (log-to-file): CMD/ENTRYPOINT sends the application's output to a file instead of
stdout/stderr.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import STREAMS, _base, _starts, _wrapper_words
from infralint.model import Violation
from infralint.parsers.commands import arguments, unwrap_start
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Script, Word
from infralint.registry import CheckContext, check

LOG_PATH = re.compile(r"(^/var/log(/|$))|\.(log|out|err)$", re.IGNORECASE)


def _is_log_like(path: str) -> bool:
    return LOG_PATH.search(path) is not None


def _file_target(word: Word | None) -> str | None:
    """The file a redirect or `tee` writes, unless it is a stream or a descriptor."""
    if word is None:
        return None
    text = word.text
    if text in STREAMS or text.isdigit() or text.startswith("&"):
        return None
    return text


def _main_pipeline(script: Script) -> int | None:
    top = [command for command in script.commands if not command.in_substitution]
    return top[-1].pipeline if top else None


@check("DF301")
def log_to_file(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _starts(document):
        for script in instruction.scripts():
            yield from _script_logs(instruction.keyword, script)


def _script_logs(keyword: str, script: Script) -> Iterator[Violation]:
    main = _main_pipeline(script)
    for raw in script.commands:
        long_running = raw.pipeline == main or raw.background
        whole_shell = raw.program == "exec" and not raw.args
        command = unwrap_start(raw)
        for redirect in raw.redirects:
            path = _file_target(redirect.target)
            if not redirect.writes or path is None:
                continue
            if redirect.fd not in (None, 1, 2) and not _is_log_like(path):
                continue
            if _is_log_like(path) or long_running or whole_shell:
                yield Violation(
                    redirect.span,
                    f"{keyword} sends the output of '{command.program or 'the shell'}' to the "
                    f"file '{path}': log to stdout/stderr so that the container runtime sees it",
                )
        if command.program == "tee":
            for word in arguments(command).operands:
                path = _file_target(word)
                if path is not None and (long_running or _is_log_like(path)):
                    yield Violation(
                        word.span,
                        f"{keyword} copies the output into the file '{path}' with tee: nothing "
                        "rotates or collects it",
                    )
        wrappers = [raw.name, *_wrapper_words(raw)] if raw.name else []
        if any(_base(word.text) == "nohup" for word in wrappers) and not any(
            r.writes and r.fd in (None, 1) for r in raw.redirects
        ):
            yield Violation(
                raw.span,
                f"{keyword} runs 'nohup' without a redirection: output may go to nohup.out "
                "instead of stdout",
            )
