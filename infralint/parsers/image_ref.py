"""Image references (`registry/repo:tag@digest`) and ARG substitution as BuildKit does it in FROM.

Substitution never guesses: a variable with no known value makes the result unresolved, and the
names responsible are reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from infralint.parsers.interpolation import ExpansionBudget


@dataclass
class ImageRef:
    """An image reference split into registry, repository, tag and digest."""

    raw: str  # as written after resolution
    registry: str | None  # None when implicit (Docker Hub)
    repository: str  # as written: "ubuntu", "library/ubuntu", "org/app"
    tag: str | None
    digest: str | None  # "sha256:..."

    @property
    def name(self) -> str:
        """Registry and repository without tag or digest."""
        return f"{self.registry}/{self.repository}" if self.registry else self.repository

    @property
    def effective_registry(self) -> str:
        return self.registry or "docker.io"


def is_registry_host(component: str) -> bool:
    return "." in component or ":" in component or component == "localhost"


NAME_PATTERN = re.compile(
    r"^[A-Za-z0-9]+(?:(?:[._]|__|-+)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[._]|__|-+)[A-Za-z0-9]+)*)*$"
)
TAG_PATTERN = re.compile(r"^[\w][\w.-]{0,127}$")
DIGEST_PATTERN = re.compile(
    r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$"
)


def parse_image_ref(text: str) -> ImageRef | None:
    """Split an image reference; None when the text is no valid reference (`{{ x }}`, blanks)."""
    raw = text.strip()
    if not raw or any(char.isspace() for char in raw):
        return None
    name, _, digest = raw.partition("@")
    registry: str | None = None
    first, slash, rest = name.partition("/")
    if slash and is_registry_host(first):
        registry, name = first, rest
    tag: str | None = None
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > last_slash:
        name, tag = name[:colon], name[colon + 1 :]
    if not NAME_PATTERN.match(name) or (tag is not None and not TAG_PATTERN.match(tag)):
        return None
    if digest and not DIGEST_PATTERN.match(digest):
        return None
    return ImageRef(raw, registry, name, tag or None, digest or None)


def looks_like_image_reference(text: str) -> bool:
    """A `--from` value that names an image rather than a stage: has `:`, `@` or `/`."""
    return any(char in text for char in ":@/")


def is_floating(tag: str, floating_words: frozenset[str]) -> bool:
    """A tag equal to a floating word, or one with a variant suffix (`lts-alpine`); the words
    are lower case."""
    lowered = tag.lower()
    return lowered in floating_words or lowered.split("-", 1)[0] in floating_words


# --------------------------------------------------------------------------- substitution


@dataclass
class Variable:
    """A build variable (ARG or compose build.args) and where its value comes from."""

    value: str | None  # None: declared without a value (set only at build time)
    origin: str  # for messages: "ARG default line 1", "compose.yaml build.args"


@dataclass
class Expansion:
    """A string after variable expansion, and what it could not resolve."""

    text: str
    unresolved: list[str] = field(default_factory=list)
    used: dict[str, str] = field(default_factory=dict)  # name -> origin of its value

    @property
    def resolved(self) -> bool:
        return not self.unresolved


def expand(
    text: str,
    scope: Mapping[str, Variable],
    escape: str = "\\",
    budget: ExpansionBudget | None = None,
) -> Expansion:
    """Substitute `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+v}`, `${X+v}` like BuildKit's lexer.

    A value that would take the result past the budget (the file's, or a fresh one) is left
    out and its variable is unresolved: unknown, as when it has no value."""
    budget = budget if budget is not None else ExpansionBudget()
    budget.start_value()
    state = _State(text, scope, escape, [], Expansion(""), budget)
    _expand_into(state, 0, len(text))
    state.result.text = "".join(state.out)
    return state.result


@dataclass
class _State:
    """The expander's position in the text it is reading."""

    text: str
    scope: Mapping[str, Variable]
    escape: str
    out: list[str]
    result: Expansion
    budget: ExpansionBudget


def _expand_into(state: _State, start: int, end: int) -> None:
    text, escape, out = state.text, state.escape, state.out
    i = start
    while i < end:
        char = text[i]
        if char == escape and i + 1 < end:
            out.append(text[i + 1])
            i += 2
            continue
        if char in "'\"":
            i += 1
            continue
        if char != "$" or i + 1 >= end:
            out.append(char)
            i += 1
            continue
        if text[i + 1] == "{":
            close = _matching_brace(text, i + 2, end)
            if close < 0:
                out.append(text[i:end])
                return
            _expand_braced(state, i + 2, close)
            i = close + 1
            continue
        j = i + 1
        while j < end and (text[j].isalnum() or text[j] == "_"):
            j += 1
        if j == i + 1:
            out.append(char)
            i += 1
            continue
        _lookup(text[i + 1 : j], state)
        i = j


def _matching_brace(text: str, start: int, end: int) -> int:
    depth = 1
    for j in range(start, end):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _lookup(name: str, state: _State) -> None:
    result = state.result
    variable = state.scope.get(name)
    if variable is None or variable.value is None or not state.budget.take(len(variable.value)):
        if name not in result.unresolved:
            result.unresolved.append(name)
        return
    result.used[name] = variable.origin
    state.out.append(variable.value)


def _expand_braced(state: _State, start: int, end: int) -> None:
    text, scope, result = state.text, state.scope, state.result
    j = start
    while j < end and (text[j].isalnum() or text[j] == "_"):
        j += 1
    name = text[start:j]
    operator = ""
    for candidate in (":-", ":+", ":?", "-", "+", "?"):
        if text.startswith(candidate, j):
            operator = candidate
            break
    if not operator or not name:
        _lookup(name or text[start:end], state)
        return
    word_start = j + len(operator)
    variable = scope.get(name)
    known = variable is not None and variable.value is not None
    value = variable.value if variable is not None and variable.value is not None else ""
    is_set = variable is not None and variable.value is not None
    if not known:
        # Declared without a value or undeclared: only `:-` and `-` can still be decided,
        # because an unset variable expands to its default word.
        if operator in (":-", "-"):
            _expand_into(state, word_start, end)
            result.used.setdefault(name, "the default in the FROM line")
            return
        if name not in result.unresolved:
            result.unresolved.append(name)
        return
    assert variable is not None
    result.used[name] = variable.origin
    use_word = {
        ":-": not value,
        "-": not is_set,
        ":+": bool(value),
        "+": is_set,
        ":?": False,
        "?": False,
    }[operator]
    if operator in (":-", "-"):
        if use_word:
            _expand_into(state, word_start, end)
        else:
            _lookup(name, state)
    elif operator in (":+", "+"):
        if use_word:
            _expand_into(state, word_start, end)
    else:
        _lookup(name, state)
