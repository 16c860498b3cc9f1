"""Gitignore matching in linear time: pathspec's patterns, with regexes that cannot backtrack.

pathspec turns `*` into `[^/]*` and `**` into `(?:/.+)?`; a pattern such as `*a*a*a*a*ab`
against a long file name makes Python's backtracking engine try every way to split the name
(over a minute for a 200-character name). A run of wildcards separated by fixed-width pieces
matches if and only if each piece matches at its leftmost place, so every wildcard but the last
in a path segment (and every `**` but the last) is made lazy and atomic: the engine commits to
the first place that works and never comes back. The result matches the same paths, except that
a bracket (`[!a]`) no longer matches a `/`, which git's wildmatch never allows either: pathspec's
does, and a piece that could reach into the next segment would not be fixed-width.

pathspec's linear `re2` backend would need google-re2, a compiled dependency without wheels for
every platform infralint runs on (musl among them); this keeps pathspec's semantics with no new
dependency. Patterns whose regex has a shape we do not know are left as pathspec made them.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from pathspec import GitIgnoreSpec, PathSpec
from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

_LEADING = "(?:.+/)?"  # `**/` at the start, or an unanchored pattern
_DEEP = "(?:/.+)?"  # `/**/` in the middle
_STAR = "[^/]*"  # `*`
_SPECIAL = set("()|*+?.$^{}")


def _tokens(body: str) -> list[str] | None:
    """The regex split into wildcards, separators and single-character atoms; None when it
    holds anything else (then it is used unchanged)."""
    tokens: list[str] = []
    i = 0
    while i < len(body):
        for fixed in (_LEADING, _DEEP, _STAR):
            if body.startswith(fixed, i):
                tokens.append(fixed)
                i += len(fixed)
                break
        else:
            char = body[i]
            if char == "\\":
                end = i + 2
            elif char == "[":
                end = _class_end(body, i)
                if end > 0:  # git's wildmatch never lets a bracket match `/`; pathspec's may
                    tokens.append("(?!/)" + body[i:end])
                    i = end
                    continue
            elif char in _SPECIAL:
                return None
            else:
                end = i + 1
            if end < 0 or end > len(body):
                return None
            tokens.append(body[i:end])
            i = end
    return tokens


def _class_end(body: str, start: int) -> int:
    """The index after the `]` closing the class at `start`, or -1."""
    i = start + 1
    if i < len(body) and body[i] == "^":
        i += 1
    if i < len(body) and body[i] == "]":
        i += 1
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        if body[i] == "]":
            return i + 1
        i += 1
    return -1


def _commit_stars(segment: list[str]) -> str:
    """One path segment with each `*` but the last made lazy and atomic."""
    stars = [index for index, token in enumerate(segment) if token == _STAR]
    out: list[str] = []
    position = 0
    for star, following in pairwise(stars):
        out.extend(segment[position:star])
        out.append("(?>[^/]*?" + "".join(segment[star + 1 : following]) + ")")
        position = following
    out.extend(segment[position:])
    return "".join(out)


def _segments(tokens: list[str]) -> str:
    """Tokens without `**`, each segment's stars committed."""
    out: list[str] = []
    segment: list[str] = []
    for token in tokens:
        if token == "/":
            out.append(_commit_stars(segment) + "/")
            segment = []
        else:
            segment.append(token)
    out.append(_commit_stars(segment))
    return "".join(out)


def linear_regex(regex: str) -> str:
    """pathspec's regex for one pattern, rewritten so that matching cannot backtrack."""
    head = "^" if regex.startswith("^") else ""
    body = regex[len(head) :]
    tail_at = len(body)
    for index, char in enumerate(body):
        if char in "($" and not body.startswith((_LEADING, _DEEP), index):
            tail_at = index
            break
    tokens = _tokens(body[:tail_at])
    if not tokens or _LEADING in tokens[1:]:
        return regex
    pieces: list[list[str]] = [[]]  # split at each `**`, which starts the next piece
    for token in tokens:
        if token in (_LEADING, _DEEP) and pieces[-1]:
            pieces.append([])
        pieces[-1].append(token)
    out: list[str] = []
    for index, piece in enumerate(pieces):
        skip = piece[0] if piece[0] in (_LEADING, _DEEP) else ""
        inner = _segments(piece[1:] if skip else piece)
        last = index == len(pieces) - 1
        out.append(skip + inner if not skip or last else _commit_piece(skip, inner))
    return head + "".join(out) + body[tail_at:]


def _commit_piece(skip: str, inner: str) -> str:
    """A `**` and the segments up to the next `**`: the leftmost place that works, then commit
    (the next `**` starts with `/`, so the piece must end at a segment's end)."""
    lazy = "(?:.+?/)??" if skip == _LEADING else "(?:/.+?)??"
    return f"(?>{lazy}{inner}(?=/))"


class _LinearSpecPattern(GitIgnoreSpecPattern):
    @classmethod
    def pattern_to_regex(cls, pattern: Any) -> tuple[Any, bool | None]:
        regex, include = super().pattern_to_regex(pattern)
        return (linear_regex(regex) if isinstance(regex, str) else regex), include


class _LinearBasicPattern(GitIgnoreBasicPattern):
    @classmethod
    def pattern_to_regex(cls, pattern: Any) -> tuple[Any, bool | None]:
        regex, include = super().pattern_to_regex(pattern)
        return (linear_regex(regex) if isinstance(regex, str) else regex), include


def _spec_pattern(line: str) -> GitIgnoreSpecPattern:
    try:
        return _LinearSpecPattern(line)
    except ValueError:  # git skips a pattern it cannot read (`!` alone); so do we
        return _LinearSpecPattern("")


def _basic_pattern(line: str) -> GitIgnoreBasicPattern:
    try:
        return _LinearBasicPattern(line)
    except ValueError:
        return _LinearBasicPattern("")


def gitignore_spec(lines: Iterable[str]) -> GitIgnoreSpec:
    """Git's own rules (a re-included file in an excluded directory stays excluded)."""
    # "simple" is Python's `re`: the other backends do not take atomic groups.
    return GitIgnoreSpec.from_lines(lines, _spec_pattern, backend="simple")


def gitignore_pathspec(lines: Iterable[str]) -> PathSpec[GitIgnoreBasicPattern]:
    """Plain gitignore-style patterns, each matched on its own (pathspec's PathSpec)."""
    return PathSpec.from_lines(_basic_pattern, lines, backend="simple")
