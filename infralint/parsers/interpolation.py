"""Variable interpolation as docker compose does it, and the `.env` file that feeds it.

Supported: `$$` (a literal `$`), `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
`${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}`, with nested
expressions in defaults. Values come only from the `.env` file beside the compose file, never from
the environment of the process running infralint: results must not depend on the machine.
A variable with no value and no default is *unresolved*; its place in the result is empty (as
compose substitutes it) and, in `marked`, the UNRESOLVED character, so callers can tell where the
unknown part lies.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

UNRESOLVED = "\x00"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMMENT = re.compile(r"\s#")  # an unquoted value ends where a comment begins
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")
_MAX_NESTING = 16
MAX_DOTENV_BYTES = 1_000_000
# Values that double per line (`B=$A$A`) reach a gigabyte in 28 lines: a substitution past these
# limits is unknown, like an unset variable, and never an error.
MAX_EXPANSION = 64 * 1024  # characters substituted into one value
FILE_EXPANSION_BUDGET = 4 * 1024 * 1024  # characters substituted in one file, all values together


@dataclass
class ExpansionBudget:
    """What is left of one file's substitutions, and of the value being expanded."""

    remaining: int = FILE_EXPANSION_BUDGET
    value_left: int = MAX_EXPANSION
    exceeded: bool = False  # the current value went over a limit

    def start_value(self) -> None:
        self.value_left = min(MAX_EXPANSION, self.remaining)
        self.exceeded = False

    def take(self, size: int) -> bool:
        """Spend `size` substituted characters; False (nothing spent) when over a limit."""
        if size > self.value_left:
            self.exceeded = True
            return False
        self.value_left -= size
        self.remaining -= size
        return True


class Interpolated(NamedTuple):
    value: str  # what compose would use (unresolved variables become empty)
    marked: str  # the same, with UNRESOLVED in place of each unresolved variable
    unresolved: tuple[str, ...]  # names of variables without a value
    variables: tuple[str, ...]  # every variable referenced
    over_limit: bool = False  # a substitution was too large: unresolved, not empty

    @property
    def resolved(self) -> bool:
        return not self.unresolved


def interpolate(
    text: str, env: Mapping[str, str], budget: ExpansionBudget | None = None
) -> Interpolated:
    """`text` with its variables substituted; `budget` is the file's (a fresh one if None)."""
    if "$" not in text:
        return Interpolated(text, text, (), ())
    budget = budget if budget is not None else ExpansionBudget()
    budget.start_value()
    value, marked, unresolved, variables = _expand(text, env, 0, budget)
    return Interpolated(value, marked, tuple(unresolved), tuple(variables), budget.exceeded)


def _expand(
    text: str, env: Mapping[str, str], depth: int, budget: ExpansionBudget
) -> tuple[str, str, list[str], list[str]]:
    out: list[str] = []
    marked: list[str] = []
    unresolved: list[str] = []
    variables: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "$":
            out.append(char)
            marked.append(char)
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if nxt == "$":
            out.append("$")
            marked.append("$")
            i += 2
            continue
        if nxt == "{":
            close = _matching_brace(text, i + 1)
            name_match = _NAME.match(text, i + 2)
            if close < 0 or not name_match or depth >= _MAX_NESTING:
                out.append(char)
                marked.append(char)
                i += 1
                continue
            name = name_match.group()
            rest = text[name_match.end() : close]
            variables.append(name)
            resolved = _apply(name, rest, env, depth, unresolved, variables, budget)
            if resolved is None:
                unresolved.append(name)
                marked.append(UNRESOLVED)
            else:
                out.append(resolved[0])
                marked.append(resolved[1])
            i = close + 1
            continue
        name_match = _NAME.match(text, i + 1)
        if not name_match:
            out.append(char)
            marked.append(char)
            i += 1
            continue
        name = name_match.group()
        variables.append(name)
        if name in env and budget.take(len(env[name])):
            out.append(env[name])
            marked.append(env[name])
        else:
            unresolved.append(name)
            marked.append(UNRESOLVED)
        i = name_match.end()
    return "".join(out), "".join(marked), unresolved, variables


def _apply(
    name: str,
    rest: str,
    env: Mapping[str, str],
    depth: int,
    unresolved: list[str],
    variables: list[str],
    budget: ExpansionBudget,
) -> tuple[str, str] | None:
    """The (value, marked) of `${name<rest>}`, or None when it has no value (or too much)."""
    current = env.get(name)

    def own() -> tuple[str, str] | None:
        value = current or ""
        return (value, value) if budget.take(len(value)) else None

    if not rest:
        return None if current is None else own()
    operator = next((op for op in _OPERATORS if rest.startswith(op)), None)
    if operator is None:
        return None
    argument = rest[len(operator) :]
    is_set = current is not None if not operator.startswith(":") else bool(current)
    if operator in (":-", "-"):
        if is_set:
            return own()
        value, marked, inner_unresolved, inner_vars = _expand(argument, env, depth + 1, budget)
        unresolved.extend(inner_unresolved)
        variables.extend(inner_vars)
        return value, marked
    if operator in (":?", "?"):
        return own() if is_set else None
    # ":+" / "+": the replacement when set, else empty
    if not is_set:
        return "", ""
    value, marked, inner_unresolved, inner_vars = _expand(argument, env, depth + 1, budget)
    unresolved.extend(inner_unresolved)
    variables.extend(inner_vars)
    return value, marked


def _matching_brace(text: str, open_index: int) -> int:
    depth = 0
    for index in range(open_index, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return -1


def parse_dotenv(text: str) -> dict[str, str]:
    """The variables of a compose `.env` file (KEY=VALUE lines, `export`, quotes, comments)."""
    env: dict[str, str] = {}
    budget = ExpansionBudget()
    too_large: set[str] = set()
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not _NAME.fullmatch(key):
            continue
        value = value.strip()
        if value[:1] == "'" and value.count("'") >= 2:
            env[key] = value[1 : value.index("'", 1)]
        elif value[:1] == '"' and '"' in value[1:]:
            body = value[1 : value.index('"', 1)]
            body = body.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
            _assign(env, too_large, key, interpolate(body, env, budget))
        else:
            comment = _COMMENT.search(value)  # `\s+#` retried each blank of a long run
            value = (value[: comment.start()] if comment else value).strip()
            _assign(env, too_large, key, interpolate(value, env, budget))
    return env


def _assign(env: dict[str, str], too_large: set[str], key: str, result: Interpolated) -> None:
    """Set `key`, unless its value went over the cap or uses one that did: then it is unknown,
    and a reference to it is unresolved (as for an unset variable)."""
    if result.over_limit or too_large.intersection(result.unresolved):
        env.pop(key, None)
        too_large.add(key)
    else:
        env[key] = result.value
        too_large.discard(key)


def load_dotenv(directory: Path) -> dict[str, str]:
    """The `.env` beside a compose file; empty when absent, unreadable, too large, or not a
    regular file (a symbolic link, a FIFO)."""
    from infralint import reader

    # Never through a symbolic link: its values are quoted in findings.
    text = reader.read_text_or_none(
        directory / ".env", (os.path.realpath(directory),), MAX_DOTENV_BYTES, follow_links=False
    )
    return parse_dotenv(text) if text is not None else {}
