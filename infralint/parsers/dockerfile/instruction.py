"""One instruction and its parts: flags, heredocs, argument words, pairs and scripts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from infralint.model import Span
from infralint.parsers.dockerfile.words import _dequote, _skip_space, split_words
from infralint.parsers.dockerfile_reader import HEREDOC_WORD
from infralint.parsers.shell import PositionMap

if TYPE_CHECKING:
    from infralint.parsers.shell import Command, Script


POSIX_SHELLS = frozenset(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"])
LEADING_HEREDOC = re.compile(r"\s*\d*<<-?\s*(?:'[^']*'|\"[^\"]*\"|[^\s<>|;&]+)")
SHEBANG_SHELL = re.compile(r"#!\s*(?:/usr)?/bin/(?:env\s+)?(sh|bash|ash|dash|zsh)\b")


@dataclass
class Flag:
    """An instruction flag such as `--platform=linux/amd64`."""

    name: str  # lower-case, without dashes
    value: str | None
    span: Span


@dataclass
class Heredoc:
    """A heredoc body of an instruction, with its position in the file."""

    delimiter: str
    body: str  # as the builder sees it (tabs stripped for <<-)
    body_span: Span
    origin: PositionMap
    quoted: bool
    strip_tabs: bool
    marker_span: Span = field(default_factory=Span.whole_file)  # the `<<EOF` word
    terminated: bool = True


@dataclass
class Token:
    """One argument word: `text` unquoted, `raw` as written."""

    text: str
    raw: str
    span: Span


@dataclass
class Pair:
    """A `key=value` of ENV, LABEL or ARG (value None: ARG without default)."""

    key: str
    value: str | None
    raw: str
    span: Span
    key_span: Span


@dataclass(eq=False)
class Instruction:
    """One Dockerfile instruction with its arguments and positions."""

    keyword: str
    span: Span
    keyword_span: Span
    value: str
    value_origin: PositionMap
    flags: list[Flag] = field(default_factory=list)
    exec_form: list[str] | None = None
    heredocs: list[Heredoc] = field(default_factory=list)
    stage: int = -1
    onbuild: Instruction | None = None
    keyword_as_written: str = ""
    shell: list[str] = field(default_factory=lambda: ["/bin/sh", "-c"])
    escape: str = "\\"
    parent: Instruction | None = None  # for the instruction wrapped by ONBUILD
    _scripts: list[Script] | None = field(default=None, repr=False)
    _commands: list[Command] | None = field(default=None, repr=False)
    # Checks ask for the same words and pairs many times: read them once.
    _arguments: list[Token] | None = field(default=None, repr=False)
    _pairs: list[Pair] | None = field(default=None, repr=False)

    def flag(self, name: str) -> Flag | None:
        wanted = name.lower().lstrip("-")
        for flag in self.flags:
            if flag.name == wanted:
                return flag
        return None

    @property
    def line(self) -> int:
        return self.span.line

    def value_span(self, start: int = 0, end: int | None = None) -> Span:
        """The file span of `value[start:end]`."""
        stop = len(self.value) if end is None else end
        return self.value_origin.span(start, max(start, stop))

    def arguments(self) -> list[Token]:
        """The argument words: the JSON array items in exec form, else the words of `value`."""
        if self._arguments is None:
            if self.exec_form is not None:
                self._arguments = _json_tokens(self.value, self.value_origin)
            else:
                self._arguments = [
                    Token(_dequote(raw, self.escape), raw, self.value_origin.span(start, end))
                    for raw, start, end in split_words(self.value, self.escape)
                ]
        return self._arguments

    def pairs(self) -> list[Pair]:
        """ENV/LABEL `k=v` pairs (also the legacy `ENV k v`), ARG `NAME[=default]` entries."""
        if self._pairs is None:
            self._pairs = _pairs(self)
        return self._pairs

    def scripts(self) -> list[Script]:
        if self._scripts is None:
            self._scripts = _scripts_of(self)
        return self._scripts

    def commands(self) -> list[Command]:
        """Every command of `scripts()`, in order (most rules walk them all)."""
        if self._commands is None:
            self._commands = [command for script in self.scripts() for command in script.commands]
        return self._commands

    def effective(self) -> Instruction:
        """The instruction that runs: the wrapped one for ONBUILD, else itself."""
        return self.onbuild if self.onbuild is not None else self


# Not from an escaped quote: after an unterminated string every later quote was a new start
# that scanned to the end again (quadratic); a real string never starts right after `\`.
_JSON_STRING = re.compile(r'(?<!\\)"((?:[^"\\]|\\.)*)"')


def _json_tokens(value: str, origin: PositionMap) -> list[Token]:
    tokens: list[Token] = []
    for match in _JSON_STRING.finditer(value):
        try:
            text = json.loads(match.group(0))
        except ValueError:
            text = match.group(1)
        tokens.append(Token(text, match.group(0), origin.span(match.start(), match.end())))
    return tokens


def _pairs(instruction: Instruction) -> list[Pair]:
    value, origin, escape = instruction.value, instruction.value_origin, instruction.escape
    words = split_words(value, escape)
    if not words:
        return []
    pairs: list[Pair] = []
    if instruction.keyword == "ARG":
        for raw, start, end in words:
            key, eq, default = raw.partition("=")
            pairs.append(
                Pair(
                    key,
                    _dequote(default, escape) if eq else None,
                    raw,
                    origin.span(start, end),
                    origin.span(start, start + len(key)),
                )
            )
        return pairs
    first, start, end = words[0]
    if "=" not in first:
        # Legacy `ENV key value with spaces`: one pair, the rest of the line is the value.
        rest = _skip_space(value, end)
        pairs.append(
            Pair(
                first,
                _dequote(value[rest:], escape),
                value,
                origin.span(start, len(value)),
                origin.span(start, end),
            )
        )
        return pairs
    for raw, start, end in words:
        key, eq, item = raw.partition("=")
        if not eq:
            continue
        pairs.append(
            Pair(
                _dequote(key, escape),
                _dequote(item, escape),
                raw,
                origin.span(start, end),
                origin.span(start, start + len(key)),
            )
        )
    return pairs


# --------------------------------------------------------------------------- scripts


def _is_posix(shell: list[str]) -> bool:
    if not shell:
        return False
    program = shell[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return program in POSIX_SHELLS


def _scripts_of(instruction: Instruction) -> list[Script]:
    from infralint.parsers.shell import parse_shell

    return [parse_shell(text, origin) for text, origin in script_sources(instruction)]


def script_sources(instruction: Instruction) -> list[tuple[str, PositionMap]]:
    """The shell scripts an instruction runs, as text with its map to the file (what the shell
    model parses, and what ShellCheck reads)."""
    if instruction.escape != "\\" or instruction.keyword not in (
        "RUN",
        "CMD",
        "ENTRYPOINT",
        "HEALTHCHECK",
    ):
        return []
    value, origin = instruction.value, instruction.value_origin
    if instruction.keyword == "HEALTHCHECK":
        typ, _, _ = value.partition(" ")
        if typ.upper() != "CMD":
            return []
        start = _skip_space(value, len(typ))
        value, origin = value[start:], _shift(origin, start)
    if instruction.exec_form is not None:
        return _exec_form_sources(instruction, value, origin)
    if not _is_posix(instruction.shell):
        return []
    if not instruction.heredocs:
        return [(value, origin)] if value.strip() else []
    sources: list[tuple[str, PositionMap]] = []
    docs = instruction.heredocs
    bare = HEREDOC_WORD.match(value.strip())
    if bare and len(bare.group(3).split(maxsplit=1)) <= 1:
        # `RUN <<EOF`: the body is the script (BuildKit runs it with the shell, or by its shebang).
        # `RUN <<EOF cat > /usr/local/bin/x` runs `cat` on the body, which is data: read below.
        body = docs[0]
        if _posix_body(body.body):
            sources.append((body.body, body.origin))
        return sources
    # `RUN cmd <<EOF ...`: the shell runs the command line with the bodies as its here-documents.
    stdin_docs = docs
    lead = LEADING_HEREDOC.match(value)
    if lead:
        # `<<EOF cat > x`: the shell grammar wants the command first. The marker is blanked (the
        # offsets stay) and its body, the command's standard input, left out of the parse.
        value = " " * lead.end() + value[lead.end() :]
        docs = docs[1:]
    text_parts = [value, "\n"]
    anchors = list(origin.anchors)
    offset = len(value) + 1
    for doc in docs:
        for start, line, column in doc.origin.anchors:
            anchors.append((offset + start, line, column))
        text_parts.append(doc.body)
        offset += len(doc.body)
        anchors.append((offset, doc.body_span.end_line + 1, 1))
        text_parts.append(doc.delimiter + "\n")
        offset += len(doc.delimiter) + 1
    sources.append(("".join(text_parts), PositionMap(tuple(anchors))))
    # A body fed to a shell on stdin (`RUN bash <<EOF`, `RUN <<EOF sh`) is a script too.
    words = {word.strip("'\"").rsplit("/", 1)[-1] for word in value.split()}
    if words & POSIX_SHELLS:
        sources.extend((doc.body, doc.origin) for doc in stdin_docs if _posix_body(doc.body))
    return sources


def _posix_body(body: str) -> bool:
    stripped = body.lstrip("\n")
    if not stripped.startswith("#!"):
        return True
    return SHEBANG_SHELL.match(stripped) is not None


def _shift(origin: PositionMap, start: int) -> PositionMap:
    anchors: list[tuple[int, int, int]] = []
    for offset, line, column in origin.anchors:
        if offset <= start:
            anchors = [(0, line, column + (start - offset))]
        else:
            anchors.append((offset - start, line, column))
    return PositionMap(tuple(anchors))


def _exec_form_sources(
    instruction: Instruction, value: str, origin: PositionMap
) -> list[tuple[str, PositionMap]]:
    argv = instruction.exec_form or []
    if len(argv) < 3 or not _is_posix(argv[:1]) or argv[1] not in ("-c", "-lc", "-ec", "-xc"):
        return []
    tokens = _json_tokens(value, origin)
    script = argv[2]
    if len(tokens) >= 3 and "\\" not in tokens[2].raw:
        # No JSON escapes: the script is a verbatim slice of the line.
        start = value.find(tokens[2].raw) + 1
        return [(script, _shift(origin, start))]
    span = tokens[2].span if len(tokens) >= 3 else instruction.value_span()
    return [(script, PositionMap(((0, span.line, span.column + 1),)))]
