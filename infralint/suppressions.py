"""Inline suppressions, one syntax for every language (all of them use `#` comments):

    # infralint: ignore DF104, DF119 -- pinned by the base image's snapshot
    RUN apt-get install -y curl        <- the whole next construct (instruction, resource, key)

    image: nginx  # infralint: ignore DC102 -- reason       <- trailing: this line's construct

    # infralint: ignore-file DF402 -- this image only runs as an init container

Codes or rule names, separated by commas or spaces; `--` starts an optional reason.
hadolint's pragmas (`# hadolint ignore=DL3008`, `# hadolint global ignore=...`) are honoured in
Dockerfiles through the `hadolint:` peers of the rule documents; `# hadolint stage ignore=...`
covers the rest of the stage it stands in.
"""

from __future__ import annotations

import heapq
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import NamedTuple

from infralint.catalog import Catalog
from infralint.model import Span

_PRAGMA = re.compile(r"#\s*infralint:\s*(?P<kind>ignore-file|ignore)\b(?P<rest>[^\n]*)")
_HADOLINT = re.compile(
    r"^\s*#\s*hadolint\s+(?P<scope>global\s+|stage\s+)?ignore\s*=\s*(?P<codes>[A-Za-z0-9,\s]+)"
)
_FROM = re.compile(r"^\s*FROM\s", re.IGNORECASE)
FORBIDDEN = (
    "inline suppressions are switched off by the config (inline-suppressions = false);"
    " this comment suppresses nothing"
)


@dataclass
class Suppression:
    """One `# infralint: ignore` (or hadolint) comment and what it covers."""

    line: int  # where the comment is
    column: int
    end_column: int
    first: int  # the lines it covers
    last: int
    codes: set[str]  # resolved codes
    reason: str | None
    file_level: bool = False
    foreign: bool = False  # a hadolint pragma: unknown codes are quietly ignored, never IL002
    used: set[str] = field(default_factory=set)

    def covers(self, code: str, line: int) -> bool:
        return code in self.codes and (self.file_level or self.first <= line <= self.last)


class SuppressionProblem(NamedTuple):
    """A suppression comment that is malformed or unused (IL002, IL003)."""

    code: str  # IL002 or IL003
    span: Span
    message: str


class Coverage:
    """Which suppression covers a finding: the first in file order that names its code and
    covers its line, as a scan of the list finds it.

    A scan per finding costs findings x suppressions (20,000 of each: 400 million tests). This
    sweeps the lines instead: per code, the suppressions whose range has begun wait in a heap
    by file order, and one whose range has ended leaves it. Lines are asked in order (the
    engine sorts findings by line); a smaller line starts the sweep over, so any order is
    still right.
    """

    def __init__(self, suppressions: list[Suppression]) -> None:
        self._suppressions = suppressions
        # Per code: (first line, last line, index in file order), by first line.
        self._ranges: dict[str, list[tuple[int, int, int]]] = {}
        for index, suppression in enumerate(suppressions):
            first, last = suppression.first, suppression.last
            if suppression.file_level:
                first, last = 0, sys.maxsize
            for code in suppression.codes:
                self._ranges.setdefault(code, []).append((first, last, index))
        for ranges in self._ranges.values():
            ranges.sort()
        self._line = 0
        self._begun: dict[str, int] = {}  # per code: how many ranges have been pushed
        self._open: dict[str, list[tuple[int, int]]] = {}  # per code: heap of (index, last)

    def first(self, code: str, line: int) -> Suppression | None:
        ranges = self._ranges.get(code)
        if not ranges:
            return None
        if line < self._line:
            self._begun.clear()
            self._open.clear()
        self._line = line
        begun = self._begun.get(code, 0)
        heap = self._open.setdefault(code, [])
        while begun < len(ranges) and ranges[begun][0] <= line:
            _, last, index = ranges[begun]
            heapq.heappush(heap, (index, last))
            begun += 1
        self._begun[code] = begun
        while heap and heap[0][1] < line:  # ended: no later (larger) line is covered either
            heapq.heappop(heap)
        return self._suppressions[heap[0][0]] if heap else None


class _Lookahead:
    """Where the next code line and the next FROM are, for any line: one backward pass each,
    made on first use. A forward scan per comment cost 20,000 comments 20,000 scans."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._code: list[int | None] | None = None
        self._from: list[int] | None = None

    def next_code_line(self, index: int) -> int | None:
        """1-based number of the first line after `index` (0-based) that is not blank or a
        comment."""
        if self._code is None:
            found: int | None = None
            table: list[int | None] = [None] * (len(self.lines) + 1)
            for number in range(len(self.lines) - 1, -1, -1):
                stripped = self.lines[number].strip()
                if stripped and not stripped.startswith("#"):
                    found = number + 1
                table[number] = found
            self._code = table
        return self._code[index + 1] if index + 1 < len(self._code) else None

    def next_from(self, start: int) -> int:
        """1-based number of the first FROM line at or after `start` (0-based), else one past
        the last line."""
        if self._from is None:
            found = len(self.lines) + 1
            table = [found] * (len(self.lines) + 1)
            for number in range(len(self.lines) - 1, -1, -1):
                if _FROM.match(self.lines[number]):
                    found = number + 1
                table[number] = found
            self._from = table
        return self._from[min(start, len(self.lines))]


def parse_suppressions(
    lines: list[str],
    catalog: Catalog,
    construct_end: Callable[[int], int],
    hadolint_pragmas: bool = False,
    allowed: bool = True,
    comments: Mapping[int, int] | None = None,
) -> tuple[list[Suppression], list[SuppressionProblem]]:
    """The suppression comments of a file and their problems. `allowed=False` (the config's
    `inline-suppressions = false`): every comment is an IL003 and suppresses nothing.
    `comments`, when the language can tell, maps a line index to where its comment starts: a
    pragma elsewhere (inside a string, a docstring) is text, not a suppression."""
    suppressions: list[Suppression] = []
    problems: list[SuppressionProblem] = []
    peers = catalog.peer_map("hadolint") if hadolint_pragmas else {}
    peers.update(catalog.peer_map("shellcheck") if hadolint_pragmas else {})
    lookahead = _Lookahead(lines)
    for index, text in enumerate(lines):
        if "#" not in text:
            continue
        start = 0
        if comments is not None:
            if index not in comments:
                continue
            start = comments[index]
        match = _PRAGMA.search(text, start)
        if match and not allowed:
            span = Span(index + 1, match.start() + 1, index + 1, match.end() + 1)
            problems.append(SuppressionProblem("IL003", span, FORBIDDEN))
            continue
        if match:
            found = _own_pragma(match, index, lookahead, catalog, construct_end)
            if isinstance(found, SuppressionProblem):
                problems.append(found)
            else:
                suppression, unknown = found
                suppressions.append(suppression)
                span = Span(index + 1, match.start() + 1, index + 1, match.end() + 1)
                problems.extend(
                    SuppressionProblem("IL003", span, f"suppression names unknown rule {name!r}")
                    for name in unknown
                )
            continue
        if hadolint_pragmas:
            hadolint = _HADOLINT.match(text)
            if hadolint and not allowed:
                span = Span(index + 1, 1, index + 1, len(text) + 1)
                problems.append(SuppressionProblem("IL003", span, FORBIDDEN))
            elif hadolint:
                suppressions.append(
                    _hadolint_pragma(hadolint, index, lookahead, peers, construct_end)
                )
    return suppressions, problems


def _target(
    index: int, prefix: str, lookahead: _Lookahead, construct_end: Callable[[int], int]
) -> tuple[int, int]:
    if prefix.strip():  # a trailing comment: the construct on this very line
        return index + 1, max(construct_end(index + 1), index + 1)
    target = lookahead.next_code_line(index)
    if target is None:
        return index + 1, index + 1
    return target, max(construct_end(target), target)


def _own_pragma(
    match: re.Match[str],
    index: int,
    lookahead: _Lookahead,
    catalog: Catalog,
    construct_end: Callable[[int], int],
) -> tuple[Suppression, list[str]] | SuppressionProblem:
    span = Span(index + 1, match.start() + 1, index + 1, match.end() + 1)
    rest, _, reason = match.group("rest").partition("--")
    names = [name for name in re.split(r"[,\s]+", rest.strip().lstrip("=:")) if name]
    if not names:
        return SuppressionProblem("IL003", span, "suppression names no rule")
    codes: set[str] = set()
    unknown = []
    for name in names:
        rules = catalog.lookup(name)
        if not rules:
            unknown.append(name)
        codes.update(rule.code for rule in rules)
    file_level = match.group("kind") == "ignore-file"
    first, last = _target(index, lookahead.lines[index][: match.start()], lookahead, construct_end)
    suppression = Suppression(
        line=index + 1,
        column=match.start() + 1,
        end_column=match.end() + 1,
        first=first,
        last=last,
        codes=codes,
        reason=reason.strip() or None,
        file_level=file_level,
    )
    return suppression, unknown


def _hadolint_pragma(
    match: re.Match[str],
    index: int,
    lookahead: _Lookahead,
    peers: dict[str, list[str]],
    construct_end: Callable[[int], int],
) -> Suppression:
    codes: set[str] = set()
    for peer in re.split(r"[,\s]+", match.group("codes").strip()):
        codes.update(peers.get(peer.upper(), []))
        if peer[:2].upper() == "SC":  # ShellCheck's findings keep their own codes
            codes.add(peer.upper())
    scope = (match.group("scope") or "").strip()
    first, last = _target(index, "", lookahead, construct_end)
    if scope == "stage":  # up to the next FROM after the construct it precedes
        last = lookahead.next_from(first) - 1
    return Suppression(
        line=index + 1,
        column=1,
        end_column=len(lookahead.lines[index]) + 1,
        first=first,
        last=last,
        codes=codes,
        reason="hadolint pragma",
        file_level=scope == "global",
        foreign=True,
    )


def unused(
    suppressions: Iterable[Suppression], enabled: AbstractSet[str]
) -> list[SuppressionProblem]:
    """IL002 for every enabled code a suppression named but never used."""
    problems = []
    for suppression in suppressions:
        if suppression.foreign:
            continue
        idle = sorted((suppression.codes & enabled) - suppression.used)
        if idle:
            span = Span(
                suppression.line, suppression.column, suppression.line, suppression.end_column
            )
            message = f"unused suppression of {', '.join(idle)}: nothing here to suppress"
            problems.append(SuppressionProblem("IL002", span, message))
    return problems


class CheckDirective(NamedTuple):
    """What BuildKit's `# check=skip=...;error=true` parser directive says, in our codes."""

    skipped: Suppression | None  # a file-level suppression of the skipped checks' rules
    errors: frozenset[str]  # rules whose findings become errors (`error=true`)


def check_directive(lines: list[str], catalog: Catalog) -> CheckDirective:
    """Read the `# check=` directive of a Dockerfile's parser-directive block.

    `skip=A,B` (or `skip=all`) suppresses, for the whole file, the rules whose `buildkit:` peers
    are those checks; `error=true` makes the other rules with a BuildKit peer report errors,
    as the build itself would fail on them. Options are `;`-separated, names case-insensitive;
    unknown options and names are ignored, as BuildKit does with names it does not know.
    """
    from infralint.parsers.dockerfile_reader import read_directives

    directives, where = read_directives(lines)
    value = directives.get("check")
    if value is None:
        return CheckDirective(None, frozenset())
    peers = {name.lower(): codes for name, codes in catalog.peer_map("buildkit").items()}
    every = {code for codes in peers.values() for code in codes}
    skipped: set[str] = set()
    error = False
    for option in value.split(";"):
        key, _, setting = option.partition("=")
        key = key.strip().lower()
        if key == "skip":
            for name in (part.strip().lower() for part in setting.split(",")):
                skipped |= every if name == "all" else set(peers.get(name, ()))
        elif key == "error":
            error = setting.strip().lower() == "true"
    line = where["check"]
    suppression = None
    if skipped:
        suppression = Suppression(
            line=line,
            column=1,
            end_column=len(lines[line - 1]) + 1,
            first=1,
            last=len(lines),
            codes=skipped,
            reason="# check=skip directive",
            file_level=True,
            foreign=True,
        )
    return CheckDirective(suppression, frozenset(every - skipped) if error else frozenset())


def python_comments(text: str) -> dict[int, int] | None:
    """Where each line's comment starts in Python source (line index -> column), read by the
    tokenizer (which never runs the code); None when the source does not tokenize."""
    import io
    import tokenize

    found: dict[int, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0] - 1] = token.start[1]
    except (tokenize.TokenError, SyntaxError):
        return None
    return found
