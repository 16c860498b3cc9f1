"""DC303 log-to-file: command or entrypoint redirects output into a log file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import service_scripts
from infralint.registry import CheckContext, check

_LOG_FILE = re.compile(r"(?:^|/)[^/]*\.log(?:\.\d+)?$", re.IGNORECASE)
_LOG_DIRECTORY = re.compile(r"(?:^|/)(?:logs?|var/log)/.+$", re.IGNORECASE)


def _is_log_target(path: str) -> bool:
    """A `*.log` file, or anything under a `log`, `logs` or `var/log` directory.

    The directory's `.+$` cannot cross a newline, so it is searched from the last line only:
    retried from every `/logs/` before a newline, it was quadratic."""
    body = path[:-1] if path.endswith("\n") else path
    directory = _LOG_DIRECTORY.search(path, body.rfind("\n") + 1)
    return directory is not None or _LOG_FILE.search(path) is not None


@check("DC303")
@once_per_position
def log_to_file(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for script in service_scripts(document, service):
            for command in script.commands:
                for redirect in command.redirects:
                    target = redirect.target
                    if not (redirect.writes and target is not None and target.static):
                        continue
                    if target.text.startswith("/dev/") or not _is_log_target(target.text):
                        continue
                    yield Violation(
                        redirect.span,
                        f"service '{service.name}' sends output to the log file"
                        f" '{target.text}' instead of stdout",
                    )
