"""The RUN scripts ShellCheck reads, and the way back from its positions to the Dockerfile's.

A Dockerfile's line continuations are joined before the shell runs (a `\\` and its newline
vanish, and comment lines inside are dropped). ShellCheck is given the joined script with a
shell line continuation put back at each join, so it sees the lines the author wrote (a joined
line would make it report the run of spaces left at each join); where a join falls inside
single quotes or a comment, where the shell would keep a backslash, the pieces are joined as
Docker joins them. Above the script come a `# shellcheck shell=` directive and an `export` of
the variables the build defines (ARG, ENV, BuildKit's own), so SC2154 does not fire on them.
Each piece of the text sent remembers where it came from, so a finding maps back through the
script's own map to the file (continuations, heredocs, exec-form JSON).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from infralint.model import Span
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.parsers.dockerfile.document import PLATFORM_ARGS
from infralint.parsers.dockerfile.instruction import SHEBANG_SHELL, script_sources
from infralint.parsers.shell import PositionMap

# The shell program -> ShellCheck's dialect; programs missing here (zsh, pwsh, cmd) are skipped.
DIALECTS = {
    "sh": "sh",
    "bash": "bash",
    "dash": "dash",
    "ash": "busybox",
    "busybox": "busybox",
    "ksh": "ksh",
    "mksh": "ksh",
}
# Proxy variables BuildKit passes to every RUN without an ARG.
PROXY_ARGS = frozenset(
    {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy"}
    | {"NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}
)
_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


class ShellScript(NamedTuple):
    """One script as ShellCheck reads it, with the way back to the file."""

    text: str  # what ShellCheck reads
    # (offset in `text`, offset in the script, length): where the script's own text lies.
    pieces: tuple[tuple[int, int, int], ...]
    origin: PositionMap  # script offsets -> file positions
    line_starts: tuple[int, ...]  # offsets in `text` where each line starts
    body_start: int  # the first piece after the added head (1 after a kept shebang line)
    keys: tuple[int, ...]  # each piece's offset in `text`, for bisect
    # (start, end) script offsets of stand-ins for what no shell sees as written (a compose
    # interpolation, a Ruby `#{…}`): a finding that touches one is about our stand-in.
    standins: tuple[tuple[int, int], ...] = ()

    def span(self, line: int, column: int, end_line: int, end_column: int) -> Span | None:
        """The file span of ShellCheck's 1-based (line, column) range, end exclusive; None
        when it starts in what was added above the script or touches a stand-in."""
        found = self.script_range(line, column, end_line, end_column)
        if found is None or self.touches_standin(*found):
            return None
        return self.origin.span(*found)

    def script_range(
        self, line: int, column: int, end_line: int, end_column: int
    ) -> tuple[int, int] | None:
        """The script offsets of ShellCheck's range; None when it starts in the added head."""
        start = self._script_offset(self._offset(line, column), end=False)
        if start is None:
            return None
        end = self._script_offset(self._offset(end_line, end_column), end=True)
        return start, max(start, end if end is not None else start)

    def touches_standin(self, start: int, end: int) -> bool:
        end = max(end, start + 1)  # an empty range touches the character it points at
        return any(first < end and start < last for first, last in self.standins)

    def _offset(self, line: int, column: int) -> int:
        starts = self.line_starts
        index = min(max(line, 1), len(starts)) - 1
        limit = starts[index + 1] - 1 if index + 1 < len(starts) else len(self.text)
        return min(starts[index] + max(column, 1) - 1, limit)

    def _script_offset(self, offset: int, *, end: bool) -> int | None:
        """The script offset of an offset in `text`. Inside an added line continuation, the
        join it stands for; None inside the added head (directive and declarations)."""
        pieces = self.pieces
        index = bisect.bisect_right(self.keys, offset) - 1
        if index >= 0:
            sent, script, length = pieces[index]
            if offset < sent + length or (end and offset == sent + length):
                return script + (offset - sent)
        if index < self.body_start:
            return None
        _sent, script, length = pieces[index]
        return script + length


def dialect_of(program: str) -> str | None:
    return DIALECTS.get(program.replace("\\", "/").rsplit("/", 1)[-1].lower())


def build_script(
    text: str,
    origin: PositionMap,
    dialect: str,
    declared: AbstractSet[str],
    standins: tuple[tuple[int, int], ...] = (),
    *,
    joins: bool = True,
) -> ShellScript:
    """The text ShellCheck reads for one script (see the module's docstring). `joins`: put a
    line continuation back where Docker joined lines (Dockerfiles only: a compose or Chef
    script's line breaks are its own)."""
    shebang = SHEBANG_SHELL.match(text)
    head_end = 0
    if text.startswith("#!"):  # a heredoc script's shebang stays on the first line
        head_end = text.find("\n") + 1 if "\n" in text else len(text)
        if shebang is not None:
            dialect = DIALECTS.get(shebang.group(1), dialect)
    # Only the names the script mentions (read once from the text: a file may declare
    # thousands), so the line stays short.
    names = sorted(set(_REFERENCE.findall(text)) & declared)
    added = f"# shellcheck shell={dialect}\n"
    if names:
        added += "export " + " ".join(f"{name}=1" for name in names) + "\n"
    parts: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    sent = 0
    if head_end:
        parts.append(text[:head_end])
        pieces.append((0, 0, head_end))
        sent = head_end
    parts.append(added)
    sent += len(added)
    previous = head_end
    for join in _joins(text, origin, head_end) if joins else ():
        pieces.append((sent, previous, join - previous))
        parts.append(text[previous:join])
        sent += join - previous
        parts.append("\\\n")
        sent += 2
        previous = join
    pieces.append((sent, previous, len(text) - previous))
    parts.append(text[previous:])
    joined = "".join(parts)
    starts = [0, *(match.end() for match in re.finditer("\n", joined))]
    keys = tuple(piece[0] for piece in pieces)
    body_start = 1 if head_end else 0
    return ShellScript(joined, tuple(pieces), origin, tuple(starts), body_start, keys, standins)


def _joins(text: str, origin: PositionMap, start: int) -> Iterator[int]:
    """Offsets where Docker joined two physical lines and a shell continuation can stand."""
    joins = []
    previous_line = None
    for offset, line, _column in origin.anchors:
        if (
            offset > start
            and offset < len(text)
            and text[offset - 1] != "\n"
            and previous_line is not None
            and line > previous_line
        ):
            joins.append(offset)
        previous_line = line
    if not joins:
        return
    plain = _plain_positions(text, joins)
    yield from (offset for offset in joins if offset in plain)


def _plain_positions(text: str, offsets: list[int]) -> set[int]:
    """The offsets among `offsets` that lie outside single quotes and comments (one pass)."""
    wanted = set(offsets)
    last = max(offsets)
    plain: set[int] = set()
    state = ""  # "", "'" single quotes, '"' double quotes, "#" comment
    index = 0
    while index <= last and index <= len(text):
        if index in wanted and state not in ("'", "#"):
            plain.add(index)
        if index >= len(text):
            break
        char = text[index]
        if state == "'":
            state = "" if char == "'" else state
        elif state == "#":
            state = "" if char == "\n" else state
        elif char == "\\":
            index += 2
            continue
        elif state == '"':
            state = "" if char == '"' else state
        elif char in "'\"":
            state = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n;&|()"):
            state = "#"
        index += 1
    return plain


def declared_names(document: DockerfileDocument, instruction: Instruction) -> frozenset[str]:
    """The variables a RUN sees from the build: ARG and ENV of its stage and the stages it is
    built on, BuildKit's platform and proxy ARGs."""
    names = set(PLATFORM_ARGS) | PROXY_ARGS
    stage = document.stage_of(instruction)
    if stage is not None:
        for each in stage.ancestry():
            for other in each.instructions:
                if other.keyword in ("ARG", "ENV"):
                    names.update(pair.key for pair in other.pairs())
    return frozenset(names)


# ShellCheck's time grows with the square of a script's findings (4,000 `$A` on one line take
# 5 s, 32,000 take 5 minutes), so a script is sent only within these bounds: the largest RUN of
# the 1,896-file corpus is 9.5 KB with 160 expansions. The file's total is bounded too.
MAX_SCRIPT = 16_384  # characters
MAX_EXPANSIONS = 1_000  # `$` in one script
MAX_FILE = 262_144  # characters sent per file


class FileScripts(NamedTuple):
    scripts: list[ShellScript]
    skipped: int  # scripts over the bounds


def file_scripts(document: DockerfileDocument) -> FileScripts:
    """The scripts of a Dockerfile ShellCheck reads, and how many were left out as too large."""
    scripts: list[ShellScript] = []
    skipped = 0
    total = 0
    for text, origin, dialect, declared in _run_sources(document):
        if len(text) > MAX_SCRIPT or text.count("$") > MAX_EXPANSIONS or total > MAX_FILE:
            skipped += 1
            continue
        total += len(text)
        scripts.append(build_script(text, origin, dialect, declared))
    return FileScripts(scripts, skipped)


def _run_sources(
    document: DockerfileDocument,
) -> Iterator[tuple[str, PositionMap, str, frozenset[str]]]:
    """Every RUN script of a POSIX-shell stage (ONBUILD RUNs included) with its dialect and the
    variables the build declares for it."""
    by_stage: dict[int, frozenset[str]] = {}
    for instruction in document.all_instructions():
        if instruction.keyword != "RUN":
            continue
        program = (
            instruction.exec_form[0]
            if instruction.exec_form
            else (instruction.shell[0] if instruction.shell else "")
        )
        dialect = dialect_of(program)
        if dialect is None:
            continue
        sources = script_sources(instruction)
        if not sources:
            continue
        # Once per stage: a stage of many RUNs would read its ARGs and ENVs once per RUN.
        stage = instruction.parent.stage if instruction.parent else instruction.stage
        if stage not in by_stage:
            by_stage[stage] = declared_names(document, instruction)
        declared = by_stage[stage]
        for text, origin in sources:
            if text.strip():
                yield text, origin, dialect, declared
