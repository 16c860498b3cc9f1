"""`.dockerignore`: read in the link stage (DF529), and matched the way the builder matches it.

The builder's matcher (moby/patternmatcher) anchors every pattern at the context root; `*` and
`?` stay within one path component, `**` spans any number of them, `[...]` is a class, and a
path is excluded when it or one of its parent directories matches. Patterns are cleaned
(`./a/`, `/a` and `a` are the same) and a leading `!` re-includes.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from infralint.project import Project
from infralint.reader import read_text_or_none

MAX_IGNORE_BYTES = 1_000_000
MAX_PATTERNS = 2_000  # a COPY's sources are matched against each: keep the product bounded


def read_dockerignores(project: Project, dockerfiles: Iterable[Path]) -> None:
    """The ignore-file patterns of each Dockerfile's build (comment and blank lines dropped, the
    rest stripped), recorded on Project: checks never read them from the disk."""
    for dockerfile in dockerfiles:
        for candidate in project.dockerignore_candidates(dockerfile):
            key = str(candidate)
            if key in project.dockerignores:
                break
            text = read_text_or_none(candidate, project.roots, MAX_IGNORE_BYTES)
            if text is not None:
                lines = (line.strip() for line in text.splitlines())
                kept = [line for line in lines if line and not line.startswith("#")]
                project.dockerignores[key] = tuple(kept[:MAX_PATTERNS])
                break


def clean(path: str) -> str:
    """A path as the matcher compares it: `/`-separated, normalised, relative to the root."""
    cleaned = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    return "." if cleaned in ("", ".") else cleaned


@lru_cache(maxsize=4096)
def pattern_regex(pattern: str) -> re.Pattern[str] | None:
    """The pattern as a regular expression (None when it cannot match, e.g. an open class)."""
    while "**/**" in pattern:  # the same, and nested `.*` would backtrack
        pattern = pattern.replace("**/**", "**")
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                out.append("(?:.*/)?")
                i += 1
            else:
                out.append(".*")
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            close = pattern.find("]", i + 1)
            if close < 0:
                return None
            body = pattern[i + 1 : close].replace("\\", "\\\\")
            out.append(f"[^{body[1:]}]" if body.startswith("^") else f"[{body}]")
            i = close + 1
            continue
        elif char == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(char))
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return None


@lru_cache(maxsize=64)
def _combined(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One expression for all patterns: a path is tried once, not once per pattern."""
    parts = [regex.pattern for regex in map(pattern_regex, map(clean, patterns)) if regex]
    if not parts:
        return None
    try:
        return re.compile("|".join(f"(?:{part})" for part in parts))
    except re.error:
        return None


def excluded_by(patterns: tuple[str, ...], path: str) -> str | None:
    """The pattern that excludes `path` (or one of its parent directories), if any. Callers skip
    files with `!` exceptions: what they re-include cannot be decided without the disk."""
    combined = _combined(patterns)
    if combined is None:
        return None
    cleaned = clean(path)
    parts = cleaned.split("/")
    prefixes = ["/".join(parts[: count + 1]) for count in range(len(parts))]
    matched = [prefix for prefix in prefixes if combined.fullmatch(prefix)]
    if not matched:
        return None
    for pattern in patterns:  # which one, for the message: only for a path that is excluded
        regex = pattern_regex(clean(pattern))
        if regex is not None and any(regex.fullmatch(prefix) for prefix in matched):
            return pattern
    return None
