"""Words of an instruction line: splitting at spaces and removing quotes."""

from __future__ import annotations

import re

# `\s` is str.isspace (both are Py_UNICODE_ISSPACE): these replace loops over characters.
_SPACES = re.compile(r"\s+")
_NON_SPACES = re.compile(r"\S+")


def _skip_space(text: str, i: int) -> int:
    found = _SPACES.match(text, i) if i < len(text) else None
    return found.end() if found else i


def _word_end(text: str, i: int) -> int:
    found = _NON_SPACES.match(text, i) if i < len(text) else None
    return found.end() if found else i


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
