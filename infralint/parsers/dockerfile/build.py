"""Building instructions from the reader's logical lines: keyword, flags, forms, heredocs."""

from __future__ import annotations

import json

from infralint.model import ParseProblem, Span
from infralint.parsers.dockerfile.document import DockerfileDocument
from infralint.parsers.dockerfile.instruction import Flag, Heredoc, Instruction
from infralint.parsers.dockerfile.words import _skip_space, _word_end, split_words
from infralint.parsers.dockerfile_reader import LogicalLine, RawHeredoc
from infralint.parsers.shell import PositionMap

KEYWORDS = frozenset(
    {
        *("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK"),
        *("LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME"),
        "WORKDIR",
    }
)
JSON_KEYWORDS = frozenset(["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"])


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
