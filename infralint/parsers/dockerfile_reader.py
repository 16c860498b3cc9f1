"""Physical-line reader for Dockerfiles: directives, comments, continuations and heredocs.

It follows BuildKit's parser (frontend/dockerfile/parser) line for line where that matters:

- parser directives (`# syntax=`, `# escape=`, `# check=`) only at the very top; the first line
  that is not a directive ends them;
- a comment is a line whose first non-blank character is `#`, anywhere, also inside a
  continuation; blank lines inside a continuation are skipped as well;
- continuation lines keep their leading whitespace; the escape character at the end is removed;
- a line continues when it ends with the escape character (trailing blanks allowed) that is
  **not itself escaped**: BuildKit's pattern is `([^E])E[ \\t]*$|^E[ \\t]*$`, so `C:\\\\` (two
  backslashes, as in docker-library/mongo's Windows files) is a literal backslash and ends the
  instruction, under the default escape and under `# escape=`` ` alike (there with two
  backticks). We copy that rule exactly, including its documented quirk that three trailing
  escapes do not continue either;
- heredocs (RUN, COPY, ADD, also behind ONBUILD) are recognised on the joined line; their bodies
  are the physical lines after it, up to a line equal to the delimiter (leading tabs ignored
  for `<<-`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from infralint.model import ParseProblem, Span

# The value runs from its first to its last non-blank (a lazy `.+?\s*$` retried the rest of the
# line at every character: quadratic); a value of blanks only is its last blank, as before.
DIRECTIVE = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(\S(?:.*\S)?|\s)\s*$")
VALID_DIRECTIVES = ("syntax", "escape", "check")
HEREDOC_WORD = re.compile(r"^(\d*)<<(-?)\s*([^<]*)$")
HEREDOC_KEYWORDS = ("RUN", "COPY", "ADD")
Anchor = tuple[int, int, int]


def split_physical_lines(text: str) -> list[str]:
    """Lines as BuildKit's scanner sees them: split on LF, trailing CRs dropped."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" not in text:  # the engine has turned CR LF into LF already
        return lines
    return [line.rstrip("\r") for line in lines]


def continuation_pattern(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(rf"([^{e}]){e}[ \t]*\Z|^{e}[ \t]*\Z")


def is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


@dataclass
class RawHeredoc:
    """A heredoc as the line reader found it: its delimiter and where its body is."""

    delimiter: str
    quoted: bool
    strip_tabs: bool
    word_start: int  # offset of the `<<` word in the logical text
    word_end: int
    body_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)
    terminator_line: int | None = None  # None: unterminated


@dataclass
class LogicalLine:
    """One instruction as text: continuation lines joined, comments dropped."""

    text: str
    anchors: list[Anchor]  # (offset in text, line, column), one per physical piece
    start_line: int
    end_line: int  # last physical line of the instruction text (before heredoc bodies)
    end_column: int  # exclusive end column on end_line
    heredocs: list[RawHeredoc] = field(default_factory=list)

    @property
    def last_line(self) -> int:
        """The last physical line, heredoc bodies and terminators included."""
        last = self.end_line
        for doc in self.heredocs:
            if doc.terminator_line is not None:
                last = max(last, doc.terminator_line)
            elif doc.body_lines:
                last = max(last, doc.body_lines[-1][0])
        return last

    def position(self, offset: int) -> tuple[int, int]:
        line, column = self.anchors[0][1], self.anchors[0][2]
        start = self.anchors[0][0]
        for anchor in self.anchors:
            if anchor[0] > offset:
                break
            start, line, column = anchor
        return line, column + (offset - start)


@dataclass
class ReadResult:
    """A Dockerfile split into physical and logical lines, with its parser directives."""

    lines: list[str]
    logical: list[LogicalLine]
    directives: dict[str, str]
    directive_lines: dict[str, int]
    escape: str
    problems: list[ParseProblem]


def read_directives(lines: list[str]) -> tuple[dict[str, str], dict[str, int]]:
    """The parser directives at the top of the file, and the line of each."""
    found: dict[str, str] = {}
    where: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip()
        match = DIRECTIVE.match(stripped[1:].lstrip()) if stripped.startswith("#") else None
        if not match:
            break
        key = match.group(1).lower()
        if key not in VALID_DIRECTIVES or key in found:
            break
        found[key] = match.group(2)
        where[key] = number
    return found, where


def heredoc_words(text: str) -> list[tuple[str, int, int]]:
    """Words of a line with quotes and escapes kept raw (BuildKit's shlex with RawQuotes)."""
    words: list[tuple[str, int, int]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        start = i
        quote = ""
        while i < n:
            char = text[i]
            if quote:
                if char == "\\" and quote == '"' and i + 1 < n:
                    i += 2
                    continue
                if char == quote:
                    quote = ""
            elif char == "\\" and i + 1 < n:
                i += 2
                continue
            elif char in "'\"":
                quote = char
            elif char.isspace():
                break
            i += 1
        words.append((text[start:i], start, i))
    return words


def unquote_word(raw: str) -> str:
    """Remove shell quoting from one word (no expansion)."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(raw):
        char = raw[i]
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                out.append(char)
        elif char == "\\" and i + 1 < len(raw) and (quote != '"' or raw[i + 1] in '"\\$`'):
            out.append(raw[i + 1])
            i += 1
        elif quote == '"' and char == '"':
            quote = ""
        elif not quote and char in "'\"":
            quote = char
        else:
            out.append(char)
        i += 1
    return "".join(out)


def find_heredocs(text: str) -> list[RawHeredoc]:
    found: list[RawHeredoc] = []
    for word, start, end in heredoc_words(text):
        match = HEREDOC_WORD.match(word)
        if not match or not match.group(3):
            continue
        rest = match.group(3)
        if len(heredoc_words(rest)) != 1:
            continue
        name = unquote_word(rest)
        if not name:
            continue
        quoted = rest.count("'") + rest.count('"') != name.count("'") + name.count('"')
        found.append(RawHeredoc(name, quoted, match.group(2) == "-", start, end))
    return found


def heredoc_keyword(text: str) -> str:
    """The instruction keyword that decides heredoc support (looking through ONBUILD)."""
    words = text.split(None, 2)
    if not words:
        return ""
    keyword = words[0].upper()
    if keyword == "ONBUILD" and len(words) > 1:
        keyword = words[1].upper()
    return keyword


def looks_like_json_array(text: str, keyword_count: int) -> bool:
    """True when the arguments (after the keyword and flags) are a JSON string array."""
    import json

    rest = text.split(None, keyword_count)
    if len(rest) <= keyword_count:
        return False
    args = rest[keyword_count]
    while args.startswith("--"):
        parts = args.split(None, 1)
        args = parts[1] if len(parts) > 1 else ""
    if not args.lstrip().startswith("["):
        return False
    try:
        value = json.loads(args)
    except ValueError:
        return False
    return isinstance(value, list)


def read(text: str) -> ReadResult:
    """Split a Dockerfile into logical instruction lines with exact positions."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = split_physical_lines(text)
    directives, directive_lines = read_directives(lines)
    problems: list[ParseProblem] = []
    escape = directives.get("escape", "\\")
    if escape not in ("\\", "`"):
        where = directive_lines["escape"]
        problems.append(
            ParseProblem(
                f"invalid escape directive {escape!r}: only '\\' and '`' are allowed",
                Span(where, 1, where, len(lines[where - 1]) + 1),
            )
        )
        escape = "\\"
    logical: list[LogicalLine] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        column = len(line) - len(stripped) + 1
        start_line = i + 1
        piece, continued = _trim_continuation(stripped, escape)
        parts = [piece]
        anchors: list[Anchor] = [(0, start_line, column)]
        offset = len(piece)
        end_line, end_column = start_line, len(line) + 1
        while continued and i + 1 < n:
            i += 1
            raw = lines[i]
            if is_comment(raw) or not raw.strip():
                continue
            piece, continued = _trim_continuation(raw, escape)
            anchors.append((offset, i + 1, 1))
            parts.append(piece)
            offset += len(piece)
            end_line, end_column = i + 1, len(raw) + 1
        joined = "".join(parts)
        entry = LogicalLine(joined, anchors, start_line, end_line, end_column)
        if (
            "<<" in joined
            and heredoc_keyword(joined) in HEREDOC_KEYWORDS
            and not looks_like_json_array(
                joined, 2 if joined.split()[0].upper() == "ONBUILD" else 1
            )
        ):
            entry.heredocs = find_heredocs(joined)
            for doc in entry.heredocs:
                i = _read_heredoc_body(lines, i + 1, doc) - 1
                if doc.terminator_line is None:
                    line_no, col = entry.position(doc.word_start)
                    problems.append(
                        ParseProblem(
                            f"unterminated heredoc <<{doc.delimiter}: no line "
                            f"'{doc.delimiter}' closes it",
                            Span(line_no, col, line_no, col + doc.word_end - doc.word_start),
                        )
                    )
        logical.append(entry)
        i += 1
    return ReadResult(lines, logical, directives, directive_lines, escape, problems)


def _trim_continuation(piece: str, escape: str) -> tuple[str, bool]:
    """`continuation_pattern` applied without a regex search: the only escape that can match
    is the last character before the trailing blanks (this runs for every physical line)."""
    body = piece.rstrip(" \t")
    last = len(body) - 1
    if last < 0 or body[last] != escape:
        return piece, False
    if last == 0:
        return "", True
    if body[last - 1] == escape:  # an escaped escape is a literal character
        return piece, False
    return piece[:last], True


def _read_heredoc_body(lines: list[str], index: int, doc: RawHeredoc) -> int:
    """Collect body lines from `index` (0-based); returns the index after the terminator."""
    while index < len(lines):
        line = lines[index]
        candidate = line.lstrip("\t") if doc.strip_tabs else line
        if candidate == doc.delimiter:
            doc.terminator_line = index + 1
            return index + 1
        doc.body_lines.append((index + 1, line))
        index += 1
    return index
