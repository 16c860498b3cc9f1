"""A file as the parsers receive it, and the protocol every parsed document follows."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

from infralint.model import ParseProblem


@dataclass
class SourceFile:
    """Decoded text of one file. `path` is absolute (or a pseudo path for stdin)."""

    path: Path
    display_path: str
    text: str
    language: str
    # How the file was put in scope, e.g. "build context of svc/Dockerfile"; shown by `files`.
    reason: str = ""

    @cached_property
    def lines(self) -> list[str]:
        """Physical lines without their line endings (index 0 is line 1). Only LF ends a line
        (the engine has turned CR LF and CR into LF), as in every parser: str.splitlines would
        also split at form feeds and U+2028 and shift line numbers."""
        lines = self.text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines

    def line(self, number: int) -> str:
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1]
        return ""


class Document(Protocol):
    """What a parser returns. Each language adds its own typed model on top."""

    source: SourceFile
    problems: list[ParseProblem]

    def construct_end(self, line: int) -> int:
        """The last line of the construct (instruction, resource, mapping entry) that starts at
        `line`, or `line` itself. Suppression comments cover the whole construct."""
        ...


@dataclass
class PlainDocument:
    """A document with no structure beyond its lines (used for files that failed to parse)."""

    source: SourceFile
    problems: list[ParseProblem] = field(default_factory=list)

    def construct_end(self, line: int) -> int:
        return line
