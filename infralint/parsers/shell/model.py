"""The script model: positions, words, redirections, commands and scripts."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import NamedTuple

from infralint.model import ParseProblem, Span


class PositionMap:
    """Maps offsets of a script string to (line, column) in the outer file.

    `anchors` are (script_offset, line, column) triples in increasing offset order: the text from
    one anchor's offset up to the next lies contiguously on one physical line of the outer file.
    Immutable. A plain class, not a dataclass: one is made for every instruction and script.
    """

    __slots__ = ("_keys", "anchors")

    anchors: tuple[tuple[int, int, int], ...]
    _keys: tuple[int, ...]

    def __init__(self, anchors: tuple[tuple[int, int, int], ...] = ((0, 1, 1),)) -> None:
        self.anchors = anchors
        self._keys = tuple([anchor[0] for anchor in anchors])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PositionMap):
            return NotImplemented
        return self.anchors == other.anchors

    def __hash__(self) -> int:
        return hash((self.anchors,))

    def __repr__(self) -> str:
        return f"PositionMap(anchors={self.anchors!r})"

    @classmethod
    def for_text(cls, text: str, line: int = 1, column: int = 1) -> PositionMap:
        """A script that is a verbatim slice of the file starting at (line, column)."""
        anchors = [(0, line, column)]
        offset = 0
        for piece in text.splitlines(keepends=True)[:-1]:
            offset += len(piece)
            line += 1
            anchors.append((offset, line, 1))
        return cls(tuple(anchors))

    def position(self, offset: int) -> tuple[int, int]:
        anchors = self.anchors
        if len(anchors) == 1:  # a script on one line: the common case, no search needed
            start, line, column = anchors[0]
        else:
            index = bisect.bisect_right(self._keys, offset) - 1
            start, line, column = anchors[index if index > 0 else 0]
        return line, column + (offset - start)

    def span(self, start: int, end: int) -> Span:
        if len(self.anchors) == 1:
            base, line, column = self.anchors[0]
            column += start - base
            return Span(line, column, line, column + (end - start if end > start else 0))
        line, column = self.position(start)
        if end <= start:
            return Span(line, column, line, column)
        # The end is exclusive: place it after the last character, so that a word ending where
        # the next anchor (the next physical line) begins still ends on its own line.
        end_line, end_column = self.position(end - 1)
        return Span(line, column, end_line, end_column + 1)

    def compose(self, pieces: list[tuple[int, int, int]]) -> PositionMap:
        """A map for a string built from slices of the text this map describes.

        `pieces` are (new_offset, old_offset, length): the new string's characters
        [new_offset, new_offset + length) are the old text's [old_offset, old_offset + length).
        """
        anchors: list[tuple[int, int, int]] = []
        for new, old, length in pieces:
            line, column = self.position(old)
            anchors.append((new, line, column))
            first = bisect.bisect_right(self._keys, old)
            last = bisect.bisect_left(self._keys, old + length)
            for index in range(first, last):
                key, line, column = self.anchors[index]
                anchors.append((new + key - old, line, column))
        return PositionMap(tuple(anchors) or ((0, 1, 1),))


IDENTITY = PositionMap()


class Word:
    """One shell word. `text` is its value with quotes removed; `static` is False when it holds
    an expansion ($VAR, $(…), globs are still static) whose value cannot be known.

    Immutable. `span` is computed on first use (most words are never reported); `offset`/`end`
    are the word's code-point offsets in the script text and `origin` that script's map.
    """

    __slots__ = ("_span", "end", "offset", "origin", "raw", "static", "text")

    def __init__(
        self,
        text: str,
        raw: str,
        span: Span | None = None,
        static: bool = True,
        *,
        offset: int = 0,
        origin: PositionMap = IDENTITY,
        end: int | None = None,
    ) -> None:
        self.text = text
        self.raw = raw
        self.static = static
        self.offset = offset
        self.end = offset + len(raw) if end is None else end
        self.origin = origin
        self._span = span

    @property
    def span(self) -> Span:
        if self._span is None:
            self._span = self.origin.span(self.offset, self.end)
        return self._span

    def _key(self) -> tuple[str, str, Span, bool]:
        return (self.text, self.raw, self.span, self.static)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Word) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Word({self.text!r}, raw={self.raw!r}, span={self.span!r}, static={self.static})"


def _word(text: str, raw: str, static: bool, offset: int, end: int, origin: PositionMap) -> Word:
    """A Word without the keyword-argument constructor call, three times faster; the walker
    makes one for every word of every script."""
    word = object.__new__(Word)
    word.text = text
    word.raw = raw
    word.static = static
    word.offset = offset
    word.end = end
    word.origin = origin
    word._span = None
    return word


class Redirect(NamedTuple):
    """One redirection of a command (`> file`, `2>&1`, a heredoc)."""

    operator: str  # ">", ">>", "<", "&>", "&>>", ">&", "<<", "<<-", "<<<", ">|", "<&", "<>"
    fd: int | None  # the explicit descriptor (2 in "2>"), else None
    target: Word | None  # for heredocs: the body
    span: Span

    @property
    def writes(self) -> bool:
        return self.operator in (">", ">>", "&>", "&>>", ">|", ">&")


@dataclass
class Command:
    """One simple command of a script: its name, arguments and redirections."""

    name: Word | None
    args: list[Word]
    # The file span (see `span`), or (map, start, end) in script offsets until it is first
    # asked for: most commands are never reported, and making a Span costs.
    where: Span | tuple[PositionMap, int, int] = field(repr=False, compare=False)
    redirects: list[Redirect] = field(default_factory=list)
    assignments: list[tuple[str, Word]] = field(default_factory=list)
    pipeline: int = 0
    pipe_index: int = 0
    pipe_length: int = 1
    connector: str | None = None
    background: bool = False
    in_substitution: bool = False
    # What commands.unwrap found this command runs; set on first use (checks ask repeatedly).
    # When that is the command itself, `runs_itself` says so: a reference to itself would be a
    # cycle, and a parsed file with cycles is freed only by the garbage collector.
    unwrapped: Command | None = field(default=None, init=False, repr=False, compare=False)
    runs_itself: bool = field(default=False, init=False, repr=False, compare=False)
    # The command name without its directory (`/usr/bin/apt-get` -> `apt-get`). Every reader
    # asks for it first, so it is set once here rather than computed on each use.
    program: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.program = self.name.text.rsplit("/", 1)[-1] if self.name else ""

    @property
    def span(self) -> Span:
        where = self.where
        if not isinstance(where, Span):
            origin, start, end = where
            where = self.where = origin.span(start, end)
        return where

    @span.setter
    def span(self, value: Span) -> None:
        self.where = value

    @property
    def argv(self) -> list[str]:
        words = ([self.name] if self.name else []) + self.args
        return [word.text for word in words]


@dataclass
class Script:
    """A shell script parsed into commands, with what could not be read."""

    text: str
    commands: list[Command] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)

    def pipelines(self) -> list[list[Command]]:
        groups: dict[int, list[Command]] = {}
        for command in self.commands:
            groups.setdefault(command.pipeline, []).append(command)
        return [sorted(group, key=lambda c: c.pipe_index) for _, group in sorted(groups.items())]
