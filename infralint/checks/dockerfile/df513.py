"""DF513 (package-cache-left): A package manager's index or download cache is left in the final
image.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from infralint.checks import unique
from infralint.checks.dockerfile._packages import (
    INDEX_USERS,
    RPM_USERS,
    TRUTHY,
    Run,
    _assigned_true,
    _document_memo,
    _env_true,
    _yarn_installs,
    insert_after,
    name_span,
    runs,
)
from infralint.model import Fix, Span, Violation
from infralint.parsers import commands as tools
from infralint.parsers.commands import Invocation
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.parsers.shell import Command, PositionMap
from infralint.registry import CheckContext, check


def last_index(run: Run, key: object, test: Callable[[Command, Invocation | None], bool]) -> int:
    """The index of the RUN's last command that passes `test` (-1 for none), computed once per
    `key`: "is there one after command i" is then `last_index(...) > i`."""
    found = run.memo.get(key)
    if not isinstance(found, int):
        found = -1
        for index, (command, call) in enumerate(zip(run.commands, run.calls, strict=True)):
            if test(command, call):
                found = index
        run.memo[key] = found
    return found


def _offset_at(
    origin: PositionMap, by_line: dict[int, list[tuple[int, int]]], line: int, column: int
) -> int | None:
    """The script offset that `origin` maps to (line, column), if any: the last anchor of the
    line that maps back to it (`by_line`: each line's (offset, column) anchors, in order)."""
    for offset, anchor_column in reversed(by_line.get(line, ())):
        if anchor_column <= column:
            candidate = offset + column - anchor_column
            if origin.position(candidate) == (line, column):
                return candidate
    return None


def _anchors_by_line(origin: PositionMap) -> dict[int, list[tuple[int, int]]]:
    """The map's anchors grouped by line once: a scan of every anchor per command made a RUN
    of n lines and n commands cost n^2."""
    by_line: dict[int, list[tuple[int, int]]] = {}
    for offset, line, column in origin.anchors:
        by_line.setdefault(line, []).append((offset, column))
    return by_line


_CHAIN_GAP = re.compile(r"\s*&&\s*")
_CHAIN_TAIL = re.compile(r"\s*(#[^\n]*)?")


def chain_end(instruction: Instruction) -> Command | None:
    """The last command of a RUN whose whole shell-form script is `a && b && …` (simple
    commands joined by `&&` only: no heredoc, pipe, `;`, `||`, group, `if`, `$(…)`)."""
    if instruction.exec_form is not None or instruction.heredocs:
        return None
    scripts = instruction.scripts()
    if len(scripts) != 1 or scripts[0].problems or not scripts[0].commands:
        return None
    script = scripts[0]
    text, origin = script.text, instruction.value_origin
    by_line = _anchors_by_line(origin)
    position = 0
    for index, command in enumerate(script.commands):
        if command.pipe_length != 1 or command.background or command.in_substitution:
            return None
        if command.connector != (None if index == 0 else "&&"):
            return None
        span = command.span
        start = _offset_at(origin, by_line, span.line, span.column)
        last = _offset_at(origin, by_line, span.end_line, span.end_column - 1)
        if start is None or last is None or start < position or last < start:
            return None
        gap = text[position:start]
        if gap.strip() if index == 0 else not _CHAIN_GAP.fullmatch(gap):
            return None
        position = last + 1
    if not _CHAIN_TAIL.fullmatch(text[position:]):
        return None
    return script.commands[-1]


def append_to_chain(run: Run, command: str) -> Fix | None:
    """Append ` && command` to the end of the RUN's `&&` chain, on the chain's last line.

    Never on a new line: a fix that adds lines moves every later finding whose message names a
    line number, and the re-check would take those for new findings and refuse the file."""
    point = _chain_point(run)
    return None if point is None else Fix(point, f" && {command}")


def _chain_point(run: Run) -> Span | None:
    """Where `append_to_chain` inserts, once per RUN (it is asked once per package command)."""
    if "chain point" in run.memo:
        found = run.memo["chain point"]
        return found if isinstance(found, Span) else None
    point: Span | None = None
    last = chain_end(run.instruction)
    if last is not None:
        span = last.span
        point = Span(span.end_line, span.end_column, span.end_line, span.end_column)
        # A chain ending in a bare `dnf install` ends where DF204/DF119 edit: leave it alone.
        ends = {
            (word.span.end_line, word.span.end_column)
            for call in run.calls
            if call is not None
            for word in (call.command.name, call.subcommand_word)
            if word is not None
        }
        if (point.line, point.column) in ends:
            point = None
    run.memo["chain point"] = point
    return point


class Mount(NamedTuple):
    """A RUN --mount: its type and target."""

    type: str
    target: str


def cache_mounts(instruction: Instruction) -> list[Mount]:
    """`RUN --mount=type=cache,target=…` and tmpfs mounts (their contents never reach a layer)."""
    mounts: list[Mount] = []
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        fields: dict[str, str] = {}
        for part in flag.value.split(","):
            key, _, value = part.partition("=")
            fields[key.strip().lower()] = value.strip().strip("\"'")
        kind = fields.get("type", "bind")
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        if kind in ("cache", "tmpfs") and target:
            mounts.append(Mount(kind, target))
    return mounts


def _mounted(mounts: list[Mount], *fragments: str) -> bool:
    return any(fragment in mount.target for mount in mounts for fragment in fragments)


def _removes(run: Run, *prefixes: str, after: int = 0) -> bool:
    """Some `rm` at or after index `after` deletes a path under one of `prefixes`."""

    def removes(command: Command, _: Invocation | None) -> bool:
        for word in tools.removed_paths(command):
            text = word.text
            if any(text.startswith(prefix) or text.rstrip("/*") == prefix.rstrip("/")
                   for prefix in prefixes):  # fmt: skip
                return True
        return False

    return last_index(run, ("removes", prefixes), removes) >= after


def _judged_stages(document: DockerfileDocument) -> set[int]:
    judged = set(document.used_as_base())
    final = document.final_stage()
    if final is not None:
        judged.add(final.index)
    return judged


@check("DF513")
def package_cache_left(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    judged = _judged_stages(document)
    for run in runs(document):
        # An ONBUILD RUN runs in every image built FROM this one, whichever stage holds it.
        in_children = run.instruction.parent is not None
        if run.stage is None or (run.stage.index not in judged and not in_children):
            continue
        mounts = cache_mounts(run.instruction)
        found = list(unique(_cache_violations(document, run, mounts)))
        # Two different clean-ups appended at one end (apt-get and dnf in one RUN) would be
        # applied in no defined order: offer neither.
        edits: dict[Span, set[str]] = {}
        for violation in found:
            if violation.fix is not None:
                edits.setdefault(violation.fix.span, set()).add(violation.fix.replacement)
        for violation in found:
            clash = violation.fix is not None and len(edits[violation.fix.span]) > 1
            yield violation._replace(fix=None) if clash else violation


def _cache_violations(
    document: DockerfileDocument, run: Run, mounts: list[Mount]
) -> Iterator[Violation]:
    pip_env = _env_true(run, ("PIP_NO_CACHE_DIR",))
    for index, call in enumerate(run.calls):
        if call is None:
            continue
        tool, sub = call.tool, call.subcommand
        if tool in ("apt-get", "apt", "aptitude") and sub == "update":
            if _mounted(mounts, "/var/lib/apt/lists") or (
                _mounted(mounts, "/var/lib/apt") and _mounted(mounts, "/var/cache/apt")
            ):
                continue
            if _removes(run, "/var/lib/apt/lists", after=index) or _later(
                run, index, tools.APT_TOOLS, ("dist-clean",)
            ):
                continue
            fix = None
            if _installs_after(run, index) and not _lists_used_later(document, run):
                fix = append_to_chain(run, "rm -rf /var/lib/apt/lists/*")
            yield Violation(
                name_span(call),
                f"'{tool} update' leaves the apt lists in the image "
                "(add 'rm -rf /var/lib/apt/lists/*' to the same RUN)",
                peer="DL3009",
                fix=fix,
            )
        elif tool == "apk" and sub == "add":
            if call.has("no-cache", "no-network") or _mounted(
                mounts, "/var/cache/apk", "/etc/apk/cache"
            ):
                continue
            if _removes(run, "/var/cache/apk", after=index):
                continue
            yield Violation(
                name_span(call),
                "'apk add' without --no-cache leaves the package index in the image",
                peer="DL3019",
                fix=insert_after(run, call.subcommand_word, " --no-cache"),
            )
        elif tool in tools.RPM_FAMILY and sub in RPM_USERS:
            if _mounted(mounts, "/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"):
                continue
            if _later(run, index, tools.RPM_FAMILY, ("clean",)) or _removes(
                run, "/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", after=index
            ):
                continue
            peer = "DL3032" if tool == "yum" else "DL3040"
            yield Violation(
                name_span(call),
                f"'{tool} {sub}' without '{tool} clean all' afterwards leaves the package "
                "cache in the image",
                peer=peer,
                fix=append_to_chain(run, f"{tool} clean all"),
            )
        elif tool == "zypper" and sub in ("install", "update", "dist-upgrade", "patch"):
            if _mounted(mounts, "/var/cache/zypp"):
                continue
            if _later(run, index, {"zypper"}, ("clean",)) or _removes(
                run, "/var/cache/zypp", after=index
            ):
                continue
            yield Violation(
                name_span(call),
                f"'zypper {sub}' without 'zypper clean' afterwards leaves the package cache "
                "in the image",
                peer="DL3036",
            )
        elif tool == "pip" and sub == "install":
            if call.has("no-cache-dir") or pip_env or _mounted(mounts, ".cache/pip", "/pip"):
                continue
            if _assigned_true(call.command, ("PIP_NO_CACHE_DIR",)) or _exported_true(
                run, index, "PIP_NO_CACHE_DIR"
            ):
                continue
            if _removes(run, "/root/.cache", "~/.cache", "$HOME/.cache", after=index):
                continue
            yield Violation(
                name_span(call),
                "'pip install' without --no-cache-dir keeps the download cache in the image",
                peer="DL3042",
                fix=insert_after(run, call.subcommand_word, " --no-cache-dir"),
            )
        elif tool == "yarn" and _yarn_installs(call):
            if _mounted(mounts, ".cache/yarn", "/yarn", ".yarn/cache"):
                continue
            if last_index(run, "yarn cache clean", _yarn_cache_clean) >= index:
                continue
            yield Violation(
                name_span(call),
                "'yarn install' without 'yarn cache clean' afterwards leaves the yarn cache "
                "in the image",
                peer="DL3060",
            )


def _exported_true(run: Run, index: int, name: str) -> bool:
    """`export NAME=1 && …` earlier in the same RUN (the shell passes it on to later commands)."""
    for command in run.commands[:index]:
        if command.program != "export":
            continue
        for word in command.argv[1:]:
            key, equals, value = word.partition("=")
            if equals and key == name:
                return value.strip().strip("'\"").lower() in TRUTHY
    return False


def _yarn_cache_clean(command: Command, _: Invocation | None) -> bool:
    return command.argv[1:3] == ["cache", "clean"] and command.program == "yarn"


def _installs_after(run: Run, index: int) -> bool:
    """An apt install (or another command that reads the lists) follows the update at `index`."""
    return last_index(run, "apt index user", _reads_apt_lists) > index


def _reads_apt_lists(_: Command, call: Invocation | None) -> bool:
    return (
        call is not None
        and call.tool in INDEX_USERS.keys() & tools.APT_TOOLS
        and call.subcommand in INDEX_USERS[call.tool]
    )


# apt subcommands that work without the package lists
NO_LISTS = frozenset({"remove", "purge", "autoremove", "autopurge", "clean", "autoclean",
                      "dist-clean", "mark"})  # fmt: skip
_APT_WORD = re.compile(r"\b(apt|apt-get|apt-cache|aptitude)\b")


def _lists_used_later(document: DockerfileDocument, run: Run) -> bool:
    """A later RUN (or any ONBUILD RUN) runs apt without its own `apt-get update` first, so it
    relies on the lists this RUN leaves: removing them would break it. A RUN that mentions apt
    in a form not read as shell (exec form, another SHELL) counts as relying on them."""
    relying = _runs_relying_on_lists(document)
    here = relying.positions.get(id(run.instruction), -1)
    if relying.last > here:
        return True
    return relying.onbuild - (1 if here in relying.onbuild_positions else 0) > 0


class _Relying(NamedTuple):
    """The RUNs that rely on apt lists left by an earlier RUN, read once per document (asked
    for every `apt-get update`, a pass over the file each made n RUNs cost n^2)."""

    positions: dict[int, int]  # id(instruction) -> its place in all_instructions()
    last: int  # the place of the last RUN that relies on the lists (-1: none)
    onbuild: int  # how many ONBUILD RUNs rely on them
    onbuild_positions: frozenset[int]


def _runs_relying_on_lists(document: DockerfileDocument) -> _Relying:
    memo = _document_memo(document)
    found = memo.get("relying on apt lists")
    if isinstance(found, _Relying):
        return found
    parsed = {id(each.instruction): each for each in runs(document)}
    positions: dict[int, int] = {}
    last = -1
    onbuild: list[int] = []
    for position, instruction in enumerate(document.all_instructions()):
        positions[id(instruction)] = position
        if instruction.keyword == "RUN" and _relies_on_lists(instruction, parsed):
            last = position
            if instruction.parent is not None:
                onbuild.append(position)
    found = _Relying(positions, last, len(onbuild), frozenset(onbuild))
    memo["relying on apt lists"] = found
    return found


def _relies_on_lists(instruction: Instruction, parsed: dict[int, Run]) -> bool:
    text = instruction.value + "".join(doc.body for doc in instruction.heredocs)
    if not _APT_WORD.search(text):
        return False
    other = parsed.get(id(instruction))
    if other is None:
        return True
    for call in other.calls:
        if call is None or call.tool not in tools.APT_TOOLS or call.subcommand in NO_LISTS:
            continue
        return call.subcommand != "update"
    return False


def _later(run: Run, index: int, tool_names: Iterable[str], subcommands: Iterable[str]) -> bool:
    """A later command of the RUN is one of `tool_names` running one of `subcommands`."""
    names, subs = frozenset(tool_names), frozenset(subcommands)

    def runs_one(_: Command, call: Invocation | None) -> bool:
        return call is not None and call.tool in names and call.subcommand in subs

    return last_index(run, ("later", names, subs), runs_one) > index
