"""DF303 (log-file-configured): ENV/ARG or a command-line flag points the application's log at a
file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from infralint.checks.dockerfile._scripts import STREAMS, _cover
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument, Token
from infralint.parsers.shell import Word
from infralint.registry import CheckContext, check

LOG_VARIABLE = re.compile(r"(^|_|ERROR|ACCESS|AUDIT)LOG_?(FILE|PATH|DIR)", re.IGNORECASE)
# Transaction and commit logs are data, not diagnostics (ZooKeeper's dataLogDir, WALs).
NOT_LOGGING = re.compile(r"DATA_?LOG|TXN_?LOG|TRANSACTION_?LOG|COMMIT_?LOG|BIN_?LOG|WAL", re.I)
LOG_FLAGS = frozenset(
    {
        *("log-file", "logfile", "log-path", "logpath", "log-dir", "logdir", "error-logfile"),
        *("access-logfile", "error-log", "access-log", "errorlog", "accesslog", "log-filename"),
    }
)


def _is_log_destination(value: str | None) -> bool:
    if not value or value in STREAMS:
        return False
    return "/" in value or value.lower().endswith(".log")


@check("DF303")
def log_file_configured(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword in ("ENV", "ARG"):
            for pair in instruction.pairs():
                if (
                    LOG_VARIABLE.search(pair.key)
                    and not NOT_LOGGING.search(pair.key)
                    and _is_log_destination(pair.value)
                ):
                    yield Violation(
                        pair.span,
                        f"{instruction.keyword} {pair.key}={pair.value} sends the log to a file: "
                        "use /dev/stdout or /dev/stderr",
                    )
        elif instruction.keyword in ("CMD", "ENTRYPOINT"):
            scripts = instruction.scripts()
            if scripts:
                for script in scripts:
                    for command in script.commands:
                        yield from _log_flags(instruction.keyword, command.args)
            elif instruction.exec_form is not None:
                tokens = instruction.arguments()
                yield from _log_flags(instruction.keyword, tokens)


def _log_flags(keyword: str, words: Sequence[Word | Token]) -> Iterator[Violation]:
    for index, word in enumerate(words):
        text = word.text
        if not text.startswith("-"):
            continue
        name, eq, value = text.lstrip("-").partition("=")
        if name.lower().replace("_", "-") not in LOG_FLAGS:
            continue
        span = word.span
        if not eq:
            if index + 1 >= len(words):
                continue
            value = words[index + 1].text
            span = _cover(word.span, words[index + 1].span)
        if _is_log_destination(value):
            yield Violation(
                span,
                f"{keyword} option --{name} writes the log to '{value}': pass '-' or /dev/stdout",
            )
