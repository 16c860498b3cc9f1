"""The shell scripts of compose files and Chef recipes that ShellCheck reads.

Compose: the body of a `sh -c` / `bash -c` in `command:`, `entrypoint:` (exec list or string)
and `post_start` hooks, an exec-list `command:` run by an `entrypoint: [sh, -c]`, and a
`healthcheck` test run by the shell (`CMD-SHELL`, or a string). Compose
runs no shell for a string `command:` (it splits it into words itself), so only the `-c` body
inside it is a script. Compose interpolates the text before the shell sees it: `$$` is a `$`
for the shell (the second `$` is dropped, the map keeps the first one's position), and
`$VAR`/`${VAR…}` are compose's own variables, replaced by an inert word of the same length.

Chef: the `command`/`code` (or name) of `execute`, `bash`, `sh`, `ksh` and `script` resources
with a POSIX-shell interpreter, as the shell model reads them: each Ruby `#{…}` stands as
`${RUBY}` there and is replaced by an inert word of the same length. Scripts written for
Windows (cmd or PowerShell syntax) are skipped: Chef runs `execute` there through cmd.exe.

Every stand-in is remembered, and a ShellCheck finding that touches one is dropped: it would be
about our stand-in, not the author's script.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.parsers.chef import PLACEHOLDER, ChefDocument, Resource
from infralint.parsers.compose import ComposeDocument, Service, iter_scalars
from infralint.parsers.compose_values import dash_c_script, ends_with_dash_c, start_commands
from infralint.parsers.shell import PositionMap, parse_shell
from infralint.parsers.shell.entry import inner_body
from infralint.parsers.yaml_model import Mapping, Scalar, Sequence
from infralint.shellcheck.scripts import (
    MAX_EXPANSIONS,
    MAX_FILE,
    MAX_SCRIPT,
    FileScripts,
    ShellScript,
    build_script,
    dialect_of,
)

STANDIN = "x"  # a letter: a word of them is a plain literal to any shell
Source = tuple[str, PositionMap, str, frozenset[str], tuple[tuple[int, int], ...]]

# --------------------------------------------------------------------------- text

_COMPOSE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def compose_text(text: str) -> tuple[str, list[tuple[int, int, int]], list[tuple[int, int]]]:
    """The text a shell sees from compose's `text`, with stand-ins for compose's variables.

    Returns the new text, the pieces mapping it to `text` ((new, old, length), as
    PositionMap.compose takes them) and the stand-ins' (start, end) in the new text."""
    parts: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    standins: list[tuple[int, int]] = []
    size = 0
    copied = 0  # `text[copied:index]` is still to be copied verbatim

    def copy(upto: int) -> None:
        nonlocal size, copied
        if upto > copied:
            parts.append(text[copied:upto])
            pieces.append((size, copied, upto - copied))
            size += upto - copied
        copied = upto

    index = 0
    length = len(text)
    while index < length:
        if text[index] != "$":
            index = _next_dollar(text, index)
            continue
        following = text[index + 1] if index + 1 < length else ""
        if following == "$":  # compose's escape: the shell sees one `$` (the first)
            copy(index + 1)
            copied = index = index + 2
            continue
        end = _interpolation_end(text, index)
        if end is None:
            index += 1
            continue
        copy(index)
        parts.append(STANDIN * (end - index))
        pieces.append((size, index, end - index))
        standins.append((size, size + end - index))
        size += end - index
        copied = index = end
    copy(length)
    return "".join(parts), pieces, standins


def _next_dollar(text: str, index: int) -> int:
    found = text.find("$", index)
    return found if found >= 0 else len(text)


def _interpolation_end(text: str, start: int) -> int | None:
    """The end of compose's `$NAME` or `${…}` (nested braces counted) at `start`, else None."""
    if text.startswith("${", start):
        depth = 0
        for index in range(start + 1, len(text)):
            char = text[index]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return index + 1
        return None
    match = _COMPOSE_NAME.match(text, start + 1)
    return match.end() if match is not None else None


def placeholder_standins(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Chef's text with every `${RUBY}` replaced by letters of the same length."""
    standins: list[tuple[int, int]] = []
    index = text.find(PLACEHOLDER)
    while index >= 0:
        standins.append((index, index + len(PLACEHOLDER)))
        index = text.find(PLACEHOLDER, index + len(PLACEHOLDER))
    return text.replace(PLACEHOLDER, STANDIN * len(PLACEHOLDER)), tuple(standins)


# cmd.exe and PowerShell give themselves away: drive paths, %VAR%, .exe/.bat/.ps1, cmdlets.
_WINDOWS = re.compile(
    r"(?i:\b[a-z]:\\|%[a-z_][\w()~:-]*%|\.(?:exe|bat|cmd|ps1|msi)\b|\$env:"
    r"|^\s*(?:cmd|powershell|pwsh|del|xcopy|rd|reg|net|msiexec|choco)\s)"
    r"|\b(?:Get|Set|New|Remove|Invoke|Start|Stop|Add|Test|Install|Import|Expand|Write)"
    r"-[A-Z][A-Za-z]+\b"
)


def looks_like_windows(text: str) -> bool:
    return _WINDOWS.search(text) is not None


# --------------------------------------------------------------------------- compose


def compose_file_scripts(document: ComposeDocument) -> FileScripts:
    return _bounded(_compose_sources(document))


# What Docker sets in every container's environment (ShellCheck's SC3028 would call
# HOSTNAME a bash-only variable).
CONTAINER_VARIABLES = frozenset({"HOSTNAME", "HOME", "PATH"})


def _compose_sources(document: ComposeDocument) -> Iterator[Source]:
    for service in document.services:
        declared = CONTAINER_VARIABLES | frozenset(_environment_names(service))
        for program, text, origin in _compose_bodies(document, service):
            dialect = dialect_of(program)
            if dialect is None or not text.strip():
                continue
            new_text, pieces, standins = compose_text(text)
            yield new_text, origin.compose(pieces), dialect, declared, tuple(standins)


def _compose_bodies(
    document: ComposeDocument, service: Service
) -> Iterator[tuple[str, str, PositionMap]]:
    """(shell program, raw script text, its map) for each script a shell runs."""
    entry_items, nodes = start_commands(service)
    for key, node in nodes:
        if isinstance(node, Scalar) and isinstance(node.value, str):
            yield from _string_bodies(document, node)
        elif isinstance(node, Sequence):
            items = list(iter_scalars(node))
            if key == "command" and items and ends_with_dash_c(entry_items, _is_shell):
                yield entry_items[0].text, items[0].text, document.origin(items[0])
                continue
            body = dash_c_script(items, _is_shell)
            if body is not None:
                yield items[0].text, body.text, document.origin(body)
    yield from _healthcheck_body(document, service)


def _healthcheck_body(
    document: ComposeDocument, service: Service
) -> Iterator[tuple[str, str, PositionMap]]:
    """A `CMD-SHELL` test (a string test is one too) runs through `/bin/sh -c`."""
    healthcheck = service.get("healthcheck")
    test = healthcheck.get("test") if isinstance(healthcheck, Mapping) else None
    if isinstance(test, Scalar) and isinstance(test.value, str):
        yield "sh", test.text, document.origin(test)
    elif isinstance(test, Sequence):
        items = list(iter_scalars(test))
        if len(items) == 2 and items[0].text == "CMD-SHELL":
            yield "sh", items[1].text, document.origin(items[1])


def _string_bodies(
    document: ComposeDocument, node: Scalar
) -> Iterator[tuple[str, str, PositionMap]]:
    # Read as a shell reads it once `$` are out of the way: compose splits the string itself
    # (quotes and backslashes as a shell would) and expands no `$`, so they are kept literal.
    text = node.text
    outer = document.origin(node)
    script = parse_shell(text.replace("$", "_"), outer)
    # Where the mask hid a `$`, by file position (once per string, however many bodies).
    dollars = {outer.position(offset) for offset, char in enumerate(text) if char == "$"}
    for command in script.commands:
        found = inner_body(command)
        if found is not None:
            body, origin = found
            yield command.program, _unmask(body, origin, dollars), origin


def _unmask(body: str, origin: PositionMap, dollars: set[tuple[int, int]]) -> str:
    """`body` with each `_` that was a `$` in the raw text put back."""
    if "_" not in body or not dollars:
        return body
    characters = list(body)
    for index, char in enumerate(characters):
        if char == "_" and origin.position(index) in dollars:
            characters[index] = "$"
    return "".join(characters)


def _is_shell(program: str) -> bool:
    return dialect_of(program) is not None  # a shell ShellCheck reads


def _environment_names(service: Service) -> Iterator[str]:
    node = service.get("environment")
    if isinstance(node, Mapping):
        yield from (entry.key for entry in node.entries)
    elif isinstance(node, Sequence):
        for item in iter_scalars(node):
            yield item.text.partition("=")[0].strip()


# --------------------------------------------------------------------------- chef

# Chef's shell resources -> the dialect; `script` names its interpreter.
CHEF_DIALECTS = {"execute": "sh", "bash": "bash", "sh": "sh", "ksh": "ksh"}


def chef_file_scripts(document: ChefDocument) -> FileScripts:
    return _bounded(_chef_sources(document))


def _chef_sources(document: ChefDocument) -> Iterator[Source]:
    from infralint.parsers.chef import resource_script

    for resource in document.resources:
        dialect = _chef_dialect(resource)
        if dialect is None or _is_argv(resource):
            continue
        found = resource_script(resource)
        if found is None:
            continue
        ruby_text = found[0]
        if not ruby_text.text.strip() or looks_like_windows(ruby_text.text):
            continue
        text, standins = placeholder_standins(ruby_text.text)
        yield text, ruby_text.origin, dialect, _chef_declared(resource), standins


def _chef_dialect(resource: Resource) -> str | None:
    if resource.type == "script":
        interpreter = resource.value("interpreter")
        program = interpreter.string if interpreter is not None else None
        return dialect_of(program.split()[0]) if program and program.split() else None
    return CHEF_DIALECTS.get(resource.type)


def _is_argv(resource: Resource) -> bool:
    """An `execute` given an argv array runs no shell."""
    value = resource.value("command")
    return value is not None and value.kind == "array"


def _chef_declared(resource: Resource) -> frozenset[str]:
    """The names the resource's `environment`/`env` hash gives the script."""
    names: set[str] = set()
    for prop in ("environment", "env"):
        value = resource.value(prop)
        if value is not None and value.kind == "hash" and isinstance(value.literal, dict):
            names.update(str(key) for key in value.literal)
    return frozenset(names)


# --------------------------------------------------------------------------- bounds


def _bounded(sources: Iterator[Source]) -> FileScripts:
    scripts: list[ShellScript] = []
    skipped = 0
    total = 0
    for text, origin, dialect, declared, standins in sources:
        if len(text) > MAX_SCRIPT or text.count("$") > MAX_EXPANSIONS or total > MAX_FILE:
            skipped += 1
            continue
        total += len(text)
        scripts.append(build_script(text, origin, dialect, declared, standins, joins=False))
    return FileScripts(scripts, skipped)
