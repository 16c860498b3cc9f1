"""Decoding word text: unquoting static words and unescaping quoted ones."""

from __future__ import annotations

import re

_STATIC_TOKEN = re.compile(r"'([^']*)'|\"((?:[^\"\\$`]|\\.)*)\"|\\(.)|([^'\"\\$`]+)", re.S)
_DQ_ESCAPE = re.compile(r"\\([$`\"\\\n])")


def _decode_static(raw: str) -> tuple[str, list[tuple[int, int, int]]] | None:
    """Unquote a static word, keeping (new_offset, raw_offset, length) for each verbatim run."""
    out: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    length = 0

    def keep(text: str, start: int) -> None:
        nonlocal length
        if text:
            pieces.append((length, start, len(text)))
            out.append(text)
            length += len(text)

    position = 0
    while position < len(raw):
        match = _STATIC_TOKEN.match(raw, position)
        if match is None:
            return None
        if match.group(1) is not None:
            keep(match.group(1), match.start(1))
        elif match.group(2) is not None:
            inner, start = match.group(2), match.start(2)
            last = 0
            for escape in _DQ_ESCAPE.finditer(inner):
                keep(inner[last : escape.start()], start + last)
                if escape.group(1) != "\n":
                    keep(escape.group(1), start + escape.start(1))
                last = escape.end()
            keep(inner[last:], start + last)
        elif match.group(3) is not None:
            if match.group(3) != "\n":
                keep(match.group(3), match.start(3))
        else:
            keep(match.group(4), match.start(4))
        position = match.end()
    return "".join(out), pieces


# ------------------------------------------------------------------------------ word decoding

_EXPANSIONS = frozenset(
    {
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
        "brace_expression",
    }
)
_UNQUOTED_ESCAPE = re.compile(r"\\(.?)", re.S)
_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a"}
_ANSI_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", re.S)


def _unescape_unquoted(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return _UNQUOTED_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), raw)


def _unescape_double(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return _DQ_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), raw)


def _unescape_ansi(raw: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "x":
            return chr(int(code[1:], 16))
        if code[0].isdigit():
            return chr(int(code, 8))
        return _ANSI_ESCAPES.get(code, "\\" + code)

    return _ANSI_ESCAPE.sub(one, raw)
