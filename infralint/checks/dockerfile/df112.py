"""DF112 (pipe-to-shell): A downloaded script is run straight from the network by a shell or
interpreter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _cover, _downstream, nested_scripts
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import (
    INTERPRETER_VALUES,
    INTERPRETERS,
    parse_args,
    reads_program_from_stdin,
    unwrap,
)
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command, Word
from infralint.registry import CheckContext, check

URL_IN_TEXT = re.compile(r"(https?|ftp)://[^\s\"')]+")
# The path before the program does not run across another `$(`, `` ` `` or `<(`: from that one
# the same match is found, and every opener rescanning the whole word was quadratic.
DOWNLOAD_IN_TEXT = re.compile(
    r"(\$\(|`|<\()\s*(sudo\s+)?((?:[^\s`$<]|\$(?!\()|<(?!\())*/)?(curl|wget)\b"
)


def _substituted_download(command: Command) -> Word | None:
    """`bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(wget -qO- …)"`: the word whose text is
    the downloaded program."""
    program = command.program
    if program in ("eval", "source", "."):
        candidates = command.args
    elif INTERPRETERS.fullmatch(program):
        # `sh -c <script>` or `bash <file>`: either way the first operand is the program
        candidates = parse_args(command.args, INTERPRETER_VALUES, stop_at_operand=True).operands[:1]
    else:
        return None
    for word in candidates:
        if DOWNLOAD_IN_TEXT.search(word.raw):
            return word
    return None


@check("DF112")
def pipe_to_shell(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        for script in nested_scripts(instruction.scripts()):
            for raw in script.commands:
                command = unwrap(raw)
                substituted = _substituted_download(command)
                if substituted is not None:
                    found = URL_IN_TEXT.search(substituted.text)
                    source = f"'{found.group(0)}'" if found else "the network"
                    yield Violation(
                        command.span,
                        f"'{command.program}' runs a script downloaded from {source}: it runs "
                        "unreviewed and unverified",
                    )
                    continue
                download = shell_commands.download(command)
                if download is None or download.target != "-":
                    continue
                for other in _downstream(script, command):
                    if reads_program_from_stdin(other):
                        url = download.url.text if download.url is not None else "the download"
                        name = other.name.span if other.name else other.span
                        yield Violation(
                            _cover(command.span, name),
                            f"'{url}' is piped into '{other.program}': the downloaded script "
                            "runs unreviewed and unverified",
                        )
                        break
