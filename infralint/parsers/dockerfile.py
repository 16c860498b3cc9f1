"""The Dockerfile model: instructions with exact spans, heredocs, flags, stages, ARG resolution.

`dockerfile_reader` turns the physical lines into logical instruction lines the way BuildKit
does; this module turns each into an `Instruction` and the instructions into `Stage`s.
dockerfile-parse is not used: it has no columns, squashes continuations and reads heredoc
bodies as instructions, and everything it would add is done here with exact positions.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from infralint.model import ParseError, ParseProblem, Span
from infralint.parsers.dockerfile_reader import (
    HEREDOC_WORD,
    LogicalLine,
    RawHeredoc,
    read,
)
from infralint.parsers.image_ref import (
    Expansion,
    ImageRef,
    Variable,
    expand,
    is_registry_host,
    looks_like_image_reference,
    parse_image_ref,
)
from infralint.parsers.interpolation import ExpansionBudget
from infralint.parsers.shell import PositionMap

if TYPE_CHECKING:
    from infralint.parsers.shell import Command, Script
    from infralint.source import SourceFile

__all__ = [
    "KEYWORDS",
    "DockerfileDocument",
    "Flag",
    "Heredoc",
    "ImageRef",
    "Instruction",
    "Pair",
    "Stage",
    "Token",
    "is_registry_host",
    "looks_like_image_reference",
    "parse",
    "parse_image_ref",
    "parse_text",
]

KEYWORDS = frozenset(
    {
        *("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK"),
        *("LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME"),
        "WORKDIR",
    }
)
JSON_KEYWORDS = frozenset(["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"])
POSIX_SHELLS = frozenset(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"])
SHEBANG_SHELL = re.compile(r"#!\s*(?:/usr)?/bin/(?:env\s+)?(sh|bash|ash|dash|zsh)\b")
# BuildKit predefines these in the global scope; their values depend on the build platform.
PLATFORM_ARGS = frozenset(
    {
        *("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"),
        *("BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"),
    }
)
MAX_TEXT = 20_000_000


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


# Stages followed up a chain of `FROM <earlier stage>`: rules that walk a stage's ancestry ran
# once per stage, so a chain of 12,000 stages cost 12,000 walks of up to 12,000 stages. A
# deeper chain is read up to here, with an IL001 note.
MAX_ANCESTRY = 64


def _no_document() -> DockerfileDocument | None:
    return None


@dataclass
class Stage:
    """A build stage: its FROM and the instructions up to the next one."""

    index: int
    name: str | None
    from_instruction: Instruction
    base_text: str
    base: ImageRef | None
    base_stage: int | None
    unresolved: list[str]
    resolved_from: dict[str, str]
    instructions: list[Instruction]
    is_final: bool
    # Weak: the document holds its stages, and a strong link back would make every parsed
    # Dockerfile a reference cycle, freed only by the garbage collector.
    document_ref: Callable[[], DockerfileDocument | None] = field(default=_no_document, repr=False)
    resolved_text: str | None = None  # the FROM image after substitution (None: unresolved)
    platform: str | None = None
    _env: dict[str, str] | None = field(default=None, repr=False)

    @property
    def document(self) -> DockerfileDocument | None:
        return self.document_ref()

    @property
    def is_scratch(self) -> bool:
        return self.resolved_text is not None and self.resolved_text.lower() == "scratch"

    def ancestry(self) -> list[Stage]:
        """This stage and the stages it is built on, nearest first; at most MAX_ANCESTRY."""
        chain: list[Stage] = [self]
        seen = {self.index}
        current = self
        document = self.document
        while current.base_stage is not None and document is not None and len(chain) < MAX_ANCESTRY:
            parent = document.stages[current.base_stage]
            if parent.index in seen:
                break
            seen.add(parent.index)
            chain.append(parent)
            current = parent
        return chain

    def env(self) -> dict[str, str]:
        """ENV visible at the end of the stage, inherited through its base stages (a copy)."""
        if self._env is None:
            values: dict[str, str] = {}
            for stage in reversed(self.ancestry()):
                for instruction in stage.instructions:
                    if instruction.keyword == "ENV":
                        for pair in instruction.pairs():
                            values[pair.key] = pair.value or ""
            self._env = values
        return dict(self._env)


@dataclass
class DockerfileDocument:
    """A parsed Dockerfile: instructions, stages and parse problems."""

    source: SourceFile
    problems: list[ParseProblem]
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: dict[str, str | None]
    escape: str
    directives: dict[str, str]
    lines: list[str] = field(default_factory=list)
    _ends: dict[int, int] = field(default_factory=dict, repr=False)
    _all: list[Instruction] | None = field(default=None, repr=False)
    _names: tuple[list[Stage], dict[str, Stage]] | None = field(default=None, repr=False)

    def stage_named(self, name: str) -> Stage | None:
        """The first stage with this alias (case-insensitive). Indexed once per stage list: a
        scan of the stages per `--from` made 8,000 `COPY --from` cost 64 million steps."""
        if self._names is None or self._names[0] is not self.stages:
            index: dict[str, Stage] = {}
            for stage in self.stages:
                if stage.name is not None:
                    index.setdefault(stage.name.lower(), stage)
            self._names = (self.stages, index)
        return self._names[1].get(name.lower())

    def construct_end(self, line: int) -> int:
        return self._ends.get(line, line)

    def resolve_stages(self, build_args: Mapping[str, str | None], origin: str) -> list[Stage]:
        return _resolve_stages(self, build_args, origin)

    def stage_of(self, instruction: Instruction) -> Stage | None:
        target = instruction.parent or instruction
        if 0 <= target.stage < len(self.stages):
            return self.stages[target.stage]
        return None

    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def used_as_base(self) -> set[int]:
        return {stage.base_stage for stage in self.stages if stage.base_stage is not None}

    def all_instructions(self) -> list[Instruction]:
        """Every instruction, with the ones wrapped by ONBUILD right after their ONBUILD."""
        if self._all is None:  # every rule asks: build it once, hand out copies
            out: list[Instruction] = []
            for instruction in self.instructions:
                out.append(instruction)
                if instruction.onbuild is not None:
                    out.append(instruction.onbuild)
            self._all = out
        return list(self._all)


# --------------------------------------------------------------------------- entry points


def parse(source: SourceFile) -> DockerfileDocument:
    text = source.text
    if "\x00" in text:
        raise ParseError("binary content (NUL bytes): not a Dockerfile")
    if len(text) > MAX_TEXT:
        raise ParseError(f"file too large to parse ({len(text)} characters)")
    result = read(text)
    document = DockerfileDocument(
        source=source,
        problems=list(result.problems),
        instructions=[],
        stages=[],
        global_args={},
        escape=result.escape,
        directives=dict(result.directives),
        lines=result.lines,
    )
    unknown: list[tuple[str, Span]] = []
    for logical in result.logical:
        instruction = _build(logical, 0, document, unknown)
        if instruction is None:
            continue
        document.instructions.append(instruction)
        document._ends[instruction.span.line] = instruction.span.end_line
    if unknown:
        # A file with lines that are no instructions is most likely a template or garbage: one
        # finding at the first such line; argument errors after it are consequences, not news.
        word, span = unknown[0]
        first = span.line
        # One pass: testing each problem for membership in `later` was quadratic.
        kept: list[ParseProblem] = []
        later: list[ParseProblem] = []
        for problem in document.problems:
            is_later = problem.span.line > first and _is_argument_error(problem)
            (later if is_later else kept).append(problem)
        document.problems = kept
        extra = len(unknown) - 1 + len(later)
        more = f" (and {extra} more unreadable lines)" if extra else ""
        document.problems.append(
            ParseProblem(f"unknown instruction '{word}': not a Dockerfile instruction{more}", span)
        )
    _assign_stages(document)
    document.stages = _resolve_stages(document, {}, "")
    too_deep = _past_ancestry_limit(document.stages)
    if too_deep is not None:
        document.problems.append(
            ParseProblem(
                f"stages built on stages over {MAX_ANCESTRY} deep: "
                f"rules follow the nearest {MAX_ANCESTRY}",
                image_span(too_deep.from_instruction),
            )
        )
    document.problems.sort(key=lambda problem: problem.span)
    return document


def _past_ancestry_limit(stages: list[Stage]) -> Stage | None:
    """The first stage whose chain of base stages is longer than MAX_ANCESTRY, if any."""
    depth: list[int] = []
    for stage in stages:
        base = stage.base_stage
        depth.append(depth[base] + 1 if base is not None and base < len(depth) else 1)
        if depth[-1] > MAX_ANCESTRY:
            return stage
    return None


def _is_argument_error(problem: ParseProblem) -> bool:
    return not problem.message.startswith(("unterminated heredoc", "invalid escape"))


def parse_text(text: str, path: str = "Dockerfile") -> DockerfileDocument:
    """Parse a string (tests, compose `dockerfile_inline`)."""
    from pathlib import Path

    from infralint.source import SourceFile

    return parse(SourceFile(Path(path), path, text, "dockerfile"))


# --------------------------------------------------------------------------- instructions


def _position_map(logical: LogicalLine, start: int, end: int) -> PositionMap:
    """Anchors for `logical.text[start:end]`."""
    pieces = logical.anchors
    if len(pieces) == 1:  # an instruction on one physical line: the common case
        offset, line, column = pieces[0]
        from_offset = max(offset, start)
        return PositionMap(((from_offset - start, line, column + (from_offset - offset)),))
    if start == 0 and pieces[0][0] == 0 and pieces[1][0] > 0:
        # The whole text: the pieces as they are, less the empty ones at its end.
        count = len(pieces)
        while count > 1 and pieces[count - 1][0] >= end:
            count -= 1
        return PositionMap(tuple(pieces[:count]))
    anchors: list[tuple[int, int, int]] = []
    last = len(pieces) - 1
    for index, (offset, line, column) in enumerate(pieces):
        if index < last and pieces[index + 1][0] <= start:
            continue
        if offset >= end and anchors:
            break
        from_offset = max(offset, start)
        anchors.append((from_offset - start, line, column + (from_offset - offset)))
    return PositionMap(tuple(anchors) or ((0, logical.start_line, 1),))


# `\s` is str.isspace (both are Py_UNICODE_ISSPACE): these replace loops over characters.
_SPACES = re.compile(r"\s+")
_NON_SPACES = re.compile(r"\S+")


def _skip_space(text: str, i: int) -> int:
    found = _SPACES.match(text, i) if i < len(text) else None
    return found.end() if found else i


def _word_end(text: str, i: int) -> int:
    found = _NON_SPACES.match(text, i) if i < len(text) else None
    return found.end() if found else i


def _build(
    logical: LogicalLine,
    start: int,
    document: DockerfileDocument,
    unknown: list[tuple[str, Span]],
    parent: Instruction | None = None,
) -> Instruction | None:
    text = logical.text
    full = _position_map(logical, 0, len(text))
    start = _skip_space(text, start)
    kw_end = _word_end(text, start)
    written = text[start:kw_end]
    keyword = written.upper()
    keyword_span = full.span(start, kw_end)
    if keyword not in KEYWORDS:
        if parent is None:
            unknown.append((written, keyword_span))
        else:
            document.problems.append(
                ParseProblem(f"unknown instruction '{written}' after ONBUILD", keyword_span)
            )
        return None
    last_line = logical.last_line
    last_text = document.lines[last_line - 1] if last_line <= len(document.lines) else ""
    span = Span(keyword_span.line, keyword_span.column, last_line, len(last_text) + 1)
    flags, args_start = _flags(text, _skip_space(text, kw_end), document.escape, full)
    if keyword == "ONBUILD":
        flags, args_start = [], _skip_space(text, kw_end)
    args_end = len(text.rstrip())
    args_end = max(args_end, args_start)
    value = text[args_start:args_end]
    instruction = Instruction(
        keyword=keyword,
        span=span,
        keyword_span=keyword_span,
        value=value,
        value_origin=_position_map(logical, args_start, args_end),
        flags=flags,
        keyword_as_written=written,
        escape=document.escape,
        parent=parent,
    )
    if keyword == "ONBUILD":
        if value:
            instruction.onbuild = _build(logical, args_start, document, unknown, instruction)
        else:
            document.problems.append(
                ParseProblem("ONBUILD requires at least one argument", keyword_span)
            )
        if instruction.onbuild is not None:
            instruction.heredocs = instruction.onbuild.heredocs
        return instruction
    _set_exec_form(instruction, document)
    if logical.heredocs and keyword in ("RUN", "COPY", "ADD") and instruction.exec_form is None:
        instruction.heredocs = [_heredoc(raw, logical, full) for raw in logical.heredocs]
    _check_arguments(instruction, document)
    return instruction


def _flags(text: str, i: int, escape: str, full: PositionMap) -> tuple[list[Flag], int]:
    """BuildKit's extractBuilderFlags: leading `--name[=value]` words (quotes allowed)."""
    flags: list[Flag] = []
    while i < len(text) and text.startswith("--", i):
        start = i
        word: list[str] = []
        quote = ""
        while i < len(text):
            char = text[i]
            if quote:
                if char == quote:
                    quote = ""
                elif char == escape and i + 1 < len(text):
                    i += 1
                    word.append(text[i])
                else:
                    word.append(char)
            elif char.isspace():
                break
            elif char in "'\"":
                quote = char
            elif char == escape and i + 1 < len(text):
                i += 1
                word.append(text[i])
            else:
                word.append(char)
            i += 1
        raw = "".join(word)
        if raw == "--":
            return flags, _skip_space(text, i)
        name, eq, flag_value = raw[2:].partition("=")
        flags.append(Flag(name.lower(), flag_value if eq else None, full.span(start, i)))
        i = _skip_space(text, i)
    return flags, i


def _set_exec_form(instruction: Instruction, document: DockerfileDocument) -> None:
    value = instruction.value
    if instruction.keyword == "HEALTHCHECK":
        typ, _, rest = value.partition(" ")
        value = rest.strip() if typ.upper() == "CMD" else ""
    elif instruction.keyword not in JSON_KEYWORDS:
        return
    if not value.startswith("["):
        return
    try:
        parsed = json.loads(value)
    except ValueError:
        return  # BuildKit falls back to the shell form
    if not isinstance(parsed, list):
        return
    if all(isinstance(item, str) for item in parsed):
        instruction.exec_form = parsed
    else:
        document.problems.append(
            ParseProblem(
                f"{instruction.keyword} JSON array must contain only strings",
                instruction.value_span(),
            )
        )


def _heredoc(raw: RawHeredoc, logical: LogicalLine, full: PositionMap) -> Heredoc:
    anchors: list[tuple[int, int, int]] = []
    parts: list[str] = []
    offset = 0
    for line_no, line in raw.body_lines:
        stripped = line.lstrip("\t") if raw.strip_tabs else line
        anchors.append((offset, line_no, 1 + len(line) - len(stripped)))
        parts.append(stripped + "\n")
        offset += len(stripped) + 1
    if raw.body_lines:
        first, last = raw.body_lines[0][0], raw.body_lines[-1]
        body_span = Span(first, 1, last[0], len(last[1]) + 1)
    else:
        where = raw.terminator_line or logical.end_line
        body_span = Span(where, 1)
    return Heredoc(
        delimiter=raw.delimiter,
        body="".join(parts),
        body_span=body_span,
        origin=PositionMap(tuple(anchors) or ((0, body_span.line, 1),)),
        quoted=raw.quoted,
        strip_tabs=raw.strip_tabs,
        marker_span=full.span(raw.word_start, raw.word_end),
        terminated=raw.terminator_line is not None,
    )


def _check_arguments(instruction: Instruction, document: DockerfileDocument) -> None:
    """The argument errors BuildKit rejects while parsing (reported, instruction kept)."""
    keyword = instruction.keyword
    needs_value = keyword not in ("CMD", "ENTRYPOINT", "RUN", "HEALTHCHECK")
    if needs_value and not instruction.value and not instruction.heredocs:
        document.problems.append(
            ParseProblem(f"{keyword} requires at least one argument", instruction.keyword_span)
        )
        return
    if keyword == "FROM":
        parts = instruction.value.split()
        if len(parts) not in (1, 3) or (len(parts) == 3 and parts[1].lower() != "as"):
            document.problems.append(
                ParseProblem(
                    "FROM requires either one or three arguments (FROM image [AS name])",
                    instruction.value_span(),
                )
            )
    if keyword not in ("ENV", "LABEL"):
        return
    words = split_words(instruction.value, instruction.escape)
    if words and "=" in words[0][0]:
        # Not the legacy `ENV key value` form: every word must be key=value.
        for raw, start, end in words:
            if "=" not in raw:
                document.problems.append(
                    ParseProblem(
                        f"{keyword} syntax error: can't find = in {raw!r}",
                        instruction.value_origin.span(start, end),
                    )
                )
    elif len(words) == 1:
        document.problems.append(
            ParseProblem(f"{keyword} must have two arguments", instruction.value_span())
        )


# --------------------------------------------------------------------------- words and pairs


def split_words(text: str, escape: str = "\\") -> list[tuple[str, int, int]]:
    """BuildKit's parseWords: whitespace-separated words, quotes kept, escapes honoured."""
    if escape not in text and "'" not in text and '"' not in text:
        return [(match.group(), match.start(), match.end()) for match in _NON_SPACES.finditer(text)]
    words: list[tuple[str, int, int]] = []
    i, n = 0, len(text)
    while i < n:
        i = _skip_space(text, i)
        if i >= n:
            break
        start = i
        quote = ""
        while i < n:
            char = text[i]
            if quote:
                if char == quote:
                    quote = ""
                elif char == escape and quote != "'" and i + 1 < n:
                    i += 1
            elif char.isspace():
                break
            elif char in "'\"":
                quote = char
            elif char == escape and i + 1 < n:
                i += 1
            i += 1
        words.append((text[start:i], start, i))
    return words


def _dequote(raw: str, escape: str = "\\") -> str:
    if escape not in raw and "'" not in raw and '"' not in raw:
        return raw
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(raw):
        char = raw[i]
        if quote:
            if char == quote:
                quote = ""
            elif char == escape and quote == '"' and i + 1 < len(raw):
                i += 1
                out.append(raw[i])
            else:
                out.append(char)
        elif char in "'\"":
            quote = char
        elif char == escape and i + 1 < len(raw):
            i += 1
            out.append(raw[i])
        else:
            out.append(char)
        i += 1
    return "".join(out)


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
        return _exec_form_scripts(instruction, value, origin)
    if not _is_posix(instruction.shell):
        return []
    if not instruction.heredocs:
        return [parse_shell(value, origin)] if value.strip() else []
    scripts: list[Script] = []
    docs = instruction.heredocs
    if HEREDOC_WORD.match(value.strip()):
        # `RUN <<EOF`: the body is the script (BuildKit runs it with the shell, or by its shebang).
        body = docs[0]
        if _posix_body(body.body):
            scripts.append(parse_shell(body.body, body.origin))
        return scripts
    # `RUN cmd <<EOF ...`: the shell runs the command line with the bodies as its here-documents.
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
    scripts.append(parse_shell("".join(text_parts), PositionMap(tuple(anchors))))
    # A body fed to a shell on stdin (`RUN bash <<EOF`, `RUN <<EOF sh`) is a script too.
    words = {word.strip("'\"").rsplit("/", 1)[-1] for word in value.split()}
    if words & POSIX_SHELLS:
        scripts.extend(parse_shell(doc.body, doc.origin) for doc in docs if _posix_body(doc.body))
    return scripts


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


def _exec_form_scripts(instruction: Instruction, value: str, origin: PositionMap) -> list[Script]:
    from infralint.parsers.shell import parse_shell as parse

    argv = instruction.exec_form or []
    if len(argv) < 3 or not _is_posix(argv[:1]) or argv[1] not in ("-c", "-lc", "-ec", "-xc"):
        return []
    tokens = _json_tokens(value, origin)
    script = argv[2]
    if len(tokens) >= 3 and "\\" not in tokens[2].raw:
        # No JSON escapes: the script is a verbatim slice of the line.
        start = value.find(tokens[2].raw) + 1
        return [parse(script, _shift(origin, start))]
    span = tokens[2].span if len(tokens) >= 3 else instruction.value_span()
    return [parse(script, PositionMap(((0, span.line, span.column + 1),)))]


# --------------------------------------------------------------------------- stages


def _assign_stages(document: DockerfileDocument) -> None:
    stage = -1
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            stage += 1
        instruction.stage = stage
        if instruction.onbuild is not None:
            instruction.onbuild.stage = stage


def _global_scope(
    document: DockerfileDocument,
    build_args: Mapping[str, str | None],
    origin: str,
    budget: ExpansionBudget,
) -> dict[str, Variable]:
    scope: dict[str, Variable] = {
        name: Variable(None, "the build platform") for name in PLATFORM_ARGS
    }
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword != "ARG":
            continue
        for pair in instruction.pairs():
            override = build_args.get(pair.key)
            if pair.key in build_args and override is not None:
                scope[pair.key] = Variable(override, origin)
            elif pair.value is not None:
                value = expand(pair.value, scope, document.escape, budget)
                scope[pair.key] = Variable(
                    value.text if value.resolved else None,
                    f"ARG default line {pair.span.line}",
                )
            elif pair.key not in scope or scope[pair.key].value is None:
                scope[pair.key] = Variable(None, f"ARG line {pair.span.line} (no default)")
    return scope


def _from_parts(instruction: Instruction) -> tuple[str, str | None, Span]:
    words = split_words(instruction.value, instruction.escape)
    if not words:
        return "", None, instruction.value_span()
    image, start, end = words[0]
    name = None
    if len(words) >= 3 and words[1][0].lower() == "as":
        name = words[2][0]
    return image, name, instruction.value_origin.span(start, end)


def image_span(instruction: Instruction) -> Span:
    """The span of the image word of a FROM."""
    return _from_parts(instruction)[2]


def _resolve_stages(
    document: DockerfileDocument, build_args: Mapping[str, str | None], origin: str
) -> list[Stage]:
    budget = ExpansionBudget()  # one per file: ARGs that double per line stay bounded
    scope = _global_scope(document, build_args, origin, budget)
    if not build_args:
        document.global_args = {}
        for instruction in document.instructions:
            if instruction.keyword == "FROM":
                break
            if instruction.keyword == "ARG":
                for pair in instruction.pairs():
                    document.global_args[pair.key] = pair.value
    stages: list[Stage] = []
    froms = [i for i in document.instructions if i.keyword == "FROM"]
    # Grouped once: a pass over every instruction (or every earlier stage) per stage made
    # 12,000 stages cost 144 million steps.
    members: list[list[Instruction]] = [[] for _ in froms]
    for each in document.instructions:
        if 0 <= each.stage < len(froms) and each is not froms[each.stage]:
            members[each.stage].append(each)
    named: dict[str, int] = {}  # lowercased stage name -> the first stage with it
    for index, instruction in enumerate(froms):
        text, name, _ = _from_parts(instruction)
        expansion: Expansion = expand(text, scope, document.escape, budget)
        base: ImageRef | None = None
        base_stage: int | None = None
        resolved_text: str | None = None
        unresolved = list(expansion.unresolved)
        if not unresolved and not expansion.text.strip():
            unresolved = list(expansion.used) or ["(empty)"]
        if not unresolved:
            resolved_text = expansion.text
            lowered = resolved_text.lower()
            base_stage = named.get(lowered)
            if base_stage is None and lowered != "scratch":
                base = parse_image_ref(resolved_text)
        platform_flag = instruction.flag("platform")
        stage = Stage(
            index=index,
            name=name,
            from_instruction=instruction,
            base_text=text,
            base=base,
            base_stage=base_stage,
            unresolved=unresolved,
            resolved_from=dict(expansion.used),
            instructions=members[index],
            is_final=index == len(froms) - 1,
            document_ref=weakref.ref(document),
            resolved_text=resolved_text,
            platform=platform_flag.value if platform_flag else None,
        )
        stages.append(stage)
        if name is not None:
            named.setdefault(name.lower(), index)
    _assign_shells(document, stages)
    return stages


def _default_shell(stage: Stage, stages: list[Stage], inherited: list[list[str]]) -> list[str]:
    """The shell a stage starts with. A stage built on another (always an earlier one) starts
    with that stage's last SHELL, else with what that stage started with: `inherited`, by
    stage index, filled in order (recursing up a chain of 12,000 stages overflowed)."""
    if stage.base_stage is not None:
        parent = stages[stage.base_stage]
        last = [i for i in parent.instructions if i.keyword == "SHELL" and i.exec_form]
        if last and last[-1].exec_form:
            return list(last[-1].exec_form)
        return list(inherited[parent.index]) if parent.index < stage.index else ["/bin/sh"]
    name = (stage.resolved_text or stage.base_text).lower()
    if any(word in name for word in ("windows", "nanoserver", "servercore")):
        return ["cmd", "/S", "/C"]
    return ["/bin/sh", "-c"]


def _assign_shells(document: DockerfileDocument, stages: list[Stage]) -> None:
    inherited: list[list[str]] = []
    for stage in stages:
        shell = _default_shell(stage, stages, inherited)
        inherited.append(shell)
        stage.from_instruction.shell = shell
        for instruction in stage.instructions:
            if instruction.keyword == "SHELL" and instruction.exec_form:
                shell = list(instruction.exec_form)
            instruction.shell = shell
            if instruction.onbuild is not None:
                instruction.onbuild.shell = shell
