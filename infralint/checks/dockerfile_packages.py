"""Dockerfile rules about package managers in RUN: pinning, lock files, prompts, caches.

Every command line is read through infralint.parsers.commands, so `sudo`/`env` wrappers,
options that take values and `sh -c '…'` strings are handled the same way in every rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from infralint import reader
from infralint.checks import unique
from infralint.model import Fix, Span, Violation
from infralint.parsers import commands as tools
from infralint.parsers.commands import Invocation, Package
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, Stage
from infralint.parsers.shell import Command, PositionMap, Script, Word, inner_script
from infralint.registry import CheckContext, check

TRUTHY = frozenset({"1", "true", "yes", "on"})
MAX_NESTING = 4  # sh -c "bash -c '…'" levels followed


# --------------------------------------------------------------------------- helpers


@dataclass
class Run:
    """One RUN (or ONBUILD RUN): its commands (unwrapped, in source order, `sh -c` strings
    opened), each command read by commands.py once, and the ENV visible to it."""

    instruction: Instruction
    stage: Stage | None
    commands: list[Command]
    calls: list[Invocation | None]
    env: dict[str, str]
    tools: frozenset[str]  # the tools of `calls`: most rules look for one that is absent
    # Answers about the whole RUN that rules ask once per command (the words a fix may edit,
    # the last command of a kind): computed once here, so n commands cost n, not n^2.
    memo: dict[object, object] = field(default_factory=dict, repr=False, compare=False)


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


def script_commands(scripts: Iterable[Script], depth: int = 0) -> list[Command]:
    """Every command of the scripts, wrappers removed, with `sh -c '…'` strings opened."""
    found: list[Command] = []
    for script in scripts:
        for written in script.commands:
            command = tools.unwrap(written)
            found.append(command)
            if depth < MAX_NESTING:
                inner = inner_script(command)
                if inner is not None:
                    found.extend(script_commands([inner], depth + 1))
    return found


# Every check of this module walks the same RUNs: read them once per document.
_RUNS_CACHE: dict[int, tuple[DockerfileDocument, list[Run]]] = {}
_CACHE_SIZE = 4


def runs(document: DockerfileDocument) -> list[Run]:
    """RUN instructions, including those wrapped by ONBUILD."""
    cached = _RUNS_CACHE.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    found: list[Run] = []
    envs: dict[int, dict[str, str]] = {}
    for instruction in document.all_instructions():
        if instruction.keyword != "RUN":
            continue
        scripts = instruction.scripts()
        if not scripts:
            continue
        stage = document.stage_of(instruction)
        env: dict[str, str] = {}
        if stage is not None:
            if stage.index not in envs:
                envs[stage.index] = stage.env()
            env = envs[stage.index]
        commands = script_commands(scripts)
        calls = [tools.invocation(command) for command in commands]
        used = frozenset(call.tool for call in calls if call is not None)
        found.append(Run(instruction, stage, commands, calls, env, used))
    while len(_RUNS_CACHE) >= _CACHE_SIZE:
        _RUNS_CACHE.pop(next(iter(_RUNS_CACHE)))
    _RUNS_CACHE[id(document)] = (document, found)
    return found


_MEMO_CACHE: dict[int, tuple[DockerfileDocument, dict[object, object]]] = {}


def _document_memo(document: DockerfileDocument) -> dict[object, object]:
    """Answers about the whole document that rules ask per RUN or per command, kept once."""
    cached = _MEMO_CACHE.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    while len(_MEMO_CACHE) >= _CACHE_SIZE:
        _MEMO_CACHE.pop(next(iter(_MEMO_CACHE)))
    memo: dict[object, object] = {}
    _MEMO_CACHE[id(document)] = (document, memo)
    return memo


_READS: dict[Callable[[Command], Invocation | None], frozenset[str]] = {
    tools.apt_get: tools.APT_TOOLS,
    tools.apk: frozenset({"apk"}),
    tools.yum: tools.RPM_FAMILY,
    tools.zypper: frozenset({"zypper"}),
    tools.pip: frozenset({"pip", "uv pip"}),
    tools.npm: tools.NODE_TOOLS,
    tools.gem: frozenset({"gem"}),
    tools.go: frozenset({"go"}),
    tools.cargo: frozenset({"cargo"}),
    tools.bundle: frozenset({"bundle"}),
    tools.uv: frozenset({"uv"}),
    tools.composer: frozenset({"composer"}),
}


def calls(run: Run, reader: Callable[[Command], Invocation | None]) -> Iterator[Invocation]:
    """The calls of `run` that `reader` (a commands.py reader function) would recognise."""
    wanted = _READS[reader]
    if wanted.isdisjoint(run.tools):
        return
    for call in run.calls:
        if call is not None and call.tool in wanted:
            yield call


DECLARATIONS = frozenset({"export", "declare", "typeset", "readonly", "local"})


def package_calls(
    run: Run, reader: Callable[[Command], Invocation | None]
) -> Iterator[tuple[Invocation, list[Package]]]:
    """Like `calls`, with each call's packages; a `$VAR` package is expanded when the variable
    has a static value from the stage's ENV or an assignment earlier in the RUN."""
    wanted = _READS[reader]
    if wanted.isdisjoint(run.tools):
        return
    variables = {k: v for k, v in run.env.items() if "$" not in v}
    for command, call in zip(run.commands, run.calls, strict=True):
        if call is not None and call.tool in wanted:
            yield call, tools.expand_packages(call, variables)
        pairs: list[tuple[str, str | None]]
        if command.name is None:
            pairs = [
                (name, word.text if word.static else None) for name, word in command.assignments
            ]
        elif command.program in DECLARATIONS:
            pairs = []
            for arg in command.args:
                key, equals, text = arg.text.partition("=")
                if equals:
                    pairs.append((key, text if arg.static else None))
        else:
            continue
        for key, known in pairs:
            if known is None:
                variables.pop(key, None)
            else:
                variables[key] = known


def via(package: Package) -> str:
    return f"; from ${package.via}" if package.via else ""


def name_span(call: Invocation) -> Span:
    command = call.command
    return command.name.span if command.name is not None else command.span


def unpinned(packages: Iterable[Package]) -> Iterator[Package]:
    for package in packages:
        if package.kind == "name" and package.version is None and package.name:
            yield package


# --------------------------------------------------------------------------- fixes
#
# Safe fixes edit the RUN's own shell-form script (never an exec-form array or the string of an
# `sh -c '…'`), right after a static word written on one physical line, so the edit cannot land
# inside a quote, an expansion or a line continuation. Fixes that may meet on one command are
# shaped so that they never share a span: DF204 replaces the subcommand word (`install` ->
# `install -y`; `zypper` -> `zypper -n`), DF119 and DF513 insert after it, and a clean-up
# appended to the end of the RUN is dropped when that end is a subcommand word. Nothing adds a
# line: later findings that name line numbers would look new to the re-check.


def _own_words(instruction: Instruction) -> list[Word]:
    """The words of the RUN's own scripts (not those of `sh -c` strings opened from them)."""
    return [
        word
        for script in instruction.scripts()
        for command in script.commands
        for word in ([command.name] if command.name else []) + command.args
    ]


def editable_word(run: Run, word: Word | None) -> Word | None:
    """`word` when a fix may edit right after it, else None."""
    if word is None or not word.static or run.instruction.exec_form is not None:
        return None
    span = word.span
    if span.line != span.end_line or span.end_column - span.column != len(word.raw):
        return None
    if id(word) not in _own_word_ids(run):
        return None
    return word


def _own_word_ids(run: Run) -> frozenset[int]:
    """`id`s of the words of `_own_words` (alive as long as the instruction that holds them)."""
    found = run.memo.get("own words")
    if not isinstance(found, frozenset):
        found = run.memo["own words"] = frozenset(map(id, _own_words(run.instruction)))
    return found


def insert_after(run: Run, word: Word | None, text: str) -> Fix | None:
    """Insert `text` right after `word` (a zero-width edit)."""
    target = editable_word(run, word)
    if target is None:
        return None
    span = target.span
    return Fix(Span(span.end_line, span.end_column, span.end_line, span.end_column), text)


def extend_word(run: Run, word: Word | None, text: str) -> Fix | None:
    """Replace `word` with itself followed by `text`."""
    target = editable_word(run, word)
    return None if target is None else Fix(target.span, target.raw + text)


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


# --------------------------------------------------------------------------- pinning


@check("DF104")
def apt_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call, packages in package_calls(run, tools.apt_get):
            if call.tool == "apt-cache":
                continue
            for package in unpinned(packages):
                yield Violation(
                    package.span,
                    f"package '{package.name}' is not pinned "
                    f"({call.tool} install {package.name}=<version>{via(package)})",
                )


@check("DF105")
def apk_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for _call, packages in package_calls(run, tools.apk):
            for package in unpinned(packages):
                yield Violation(
                    package.span,
                    f"package '{package.name}' is not pinned "
                    f"(apk add {package.name}=<version>{via(package)})",
                )


# hadolint splits these rules by tool; the finding names the code of its tool.
RPM_PEERS = {"yum": "DL3033", "dnf": "DL3041", "microdnf": "DL3041", "zypper": "DL3037"}
INTERACTIVE_PEERS = {
    "apt-get": "DL3014",
    "apt": "DL3014",
    "yum": "DL3030",
    "zypper": "DL3034",
    "dnf": "DL3038",
    "microdnf": "DL3038",
}


@check("DF106")
def rpm_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        found = [*package_calls(run, tools.yum), *package_calls(run, tools.zypper)]
        for call, packages in found:
            modules = call.subcommand == "module install"
            for package in unpinned(packages):
                if modules:
                    hint = f"{call.tool} module install {package.name}:<stream>"
                    message = f"module '{package.name}' has no stream ({hint})"
                elif call.tool == "zypper":
                    hint = f"zypper install {package.name}=<version>{via(package)}"
                    message = f"package '{package.name}' is not pinned ({hint})"
                else:
                    hint = f"{call.tool} install {package.name}-<version>{via(package)}"
                    message = f"package '{package.name}' is not pinned ({hint})"
                yield Violation(package.span, message, peer=RPM_PEERS.get(call.tool))


@check("DF107")
def pip_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call, packages in package_calls(run, tools.pip):
            if call.subcommand != "install" or call.has("constraint"):
                continue
            for package in unpinned(packages):
                yield Violation(
                    package.span,
                    f"package '{package.name}' is not pinned "
                    f"({call.tool} install {package.name}==<version>{via(package)})",
                )


MOVING_NODE_TAGS = frozenset({"latest"})


@check("DF108")
def npm_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call, packages in package_calls(run, tools.npm):
            verb = "install" if call.tool == "npm" else "add"
            for package in packages:
                if package.kind != "name" or not package.name:
                    continue
                if package.version is None:
                    detail = "is not pinned"
                elif package.version in MOVING_NODE_TAGS:
                    detail = f"follows the moving tag '{package.version}'"
                else:
                    continue
                yield Violation(
                    package.span,
                    f"package '{package.name}' {detail} "
                    f"({call.tool} {verb} {package.name}@<version>{via(package)})",
                )


@check("DF109")
def gem_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call in calls(run, tools.gem):
            for package in unpinned(call.packages):
                yield Violation(
                    package.span,
                    f"gem '{package.name}' is not pinned "
                    f"(gem install {package.name}:<version> or -v <version>)",
                )


@check("DF110")
def toolchain_install_unpinned(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for run in runs(document):
        for call in calls(run, tools.go):
            for package in call.packages:
                if package.kind != "name":
                    continue
                if package.version is None:
                    detail = "is not pinned"
                elif package.version in tools.GO_MOVING:
                    detail = f"asks for the moving version '@{package.version}'"
                else:
                    continue
                yield Violation(
                    package.span,
                    f"go package '{package.name}' {detail} "
                    f"(go {call.subcommand} {package.name}@<version>)",
                )
        for call in calls(run, tools.cargo):
            if call.subcommand != "install":
                continue
            git = call.option("git")
            if git is not None and not call.has("tag", "rev"):
                where = git.value_word or git.word
                yield Violation(
                    where.span,
                    f"crate from git '{git.value}' follows a branch (add --tag or --rev)",
                )
                continue
            for package in unpinned(call.packages):
                yield Violation(
                    package.span,
                    f"crate '{package.name}' is not pinned "
                    f"(cargo install {package.name} --version <version>)",
                )


# --------------------------------------------------------------------------- lock files


def _env_true(run: Run, names: Iterable[str]) -> bool:
    return any(run.env.get(name, "").strip().lower() in TRUTHY for name in names)


def _assigned_true(command: Command, names: Iterable[str]) -> bool:
    wanted = set(names)
    return any(
        name in wanted and word.text.strip().lower() in TRUTHY for name, word in command.assignments
    )


def _bundle_configured(run: Run, before: Command, keys: Iterable[str]) -> bool:
    """`bundle config [set] [--local|--global] frozen true` earlier in the same RUN."""
    wanted = set(keys)
    for command in run.commands:
        if command is before:
            return False
        argv = command.argv
        if command.program in ("bundle", "bundler") and len(argv) >= 3 and argv[1] == "config":
            rest = [a for a in argv[2:] if not a.startswith("--") and a not in ("set",)]
            key = rest[0].replace("BUNDLE_", "").lower() if rest else ""
            if len(rest) >= 2 and key in wanted and rest[1].lower() in TRUTHY:
                return True
    return False


@check("DF114")
def install_without_lockfile(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for run in runs(document):
        for command, call in zip(run.commands, run.calls, strict=True):
            if call is not None:
                yield from _lockfile_violations(run, command, call)


def _lockfile_violations(run: Run, command: Command, call: Invocation) -> Iterator[Violation]:
    tool = call.tool
    if tool in tools.NODE_TOOLS:
        yield from _node_lockfile(run, command, call)
    elif tool == "bundle":
        if call.subcommand not in (None, "install"):
            return
        if call.has("frozen", "deployment") or _assigned_true(
            command, ("BUNDLE_FROZEN", "BUNDLE_DEPLOYMENT")
        ):
            return
        if _env_true(run, ("BUNDLE_FROZEN", "BUNDLE_DEPLOYMENT")):
            return
        if _bundle_configured(run, command, ("frozen", "deployment")):
            return
        yield Violation(
            name_span(call),
            "'bundle install' may re-resolve Gemfile.lock (use --frozen or --deployment, "
            "or BUNDLE_FROZEN=true)",
        )
    elif tool == "cargo":
        if call.subcommand not in ("build", "install"):
            return
        if call.has("locked", "frozen"):
            return
        if _env_true(run, ("CARGO_NET_OFFLINE",)):
            return
        yield Violation(
            name_span(call),
            f"'cargo {call.subcommand}' without --locked may update Cargo.lock's versions",
        )
    elif tool == "uv":
        if call.subcommand != "sync":
            return
        if call.has("locked", "frozen") or _env_true(run, ("UV_LOCKED", "UV_FROZEN")):
            return
        if _assigned_true(command, ("UV_LOCKED", "UV_FROZEN")):
            return
        yield Violation(
            name_span(call), "'uv sync' without --locked or --frozen may update uv.lock"
        )
    elif tool == "composer" and call.subcommand in ("update", "upgrade", "u"):
        yield Violation(
            name_span(call),
            "'composer update' ignores composer.lock (use composer install)",
        )


def _node_lockfile(run: Run, command: Command, call: Invocation) -> Iterator[Violation]:
    tool = call.tool
    installing = call.subcommand == "install" or (tool == "yarn" and _yarn_installs(call))
    if not installing or call.packages or call.has("global"):
        return
    if tool == "npm":
        if call.has("package-lock-only"):
            return
        yield Violation(
            name_span(call),
            "'npm install' without packages may update package-lock.json (use npm ci)",
        )
    elif tool == "yarn":
        if call.has("frozen-lockfile", "immutable", "pure-lockfile"):
            return
        names = ("YARN_FROZEN_LOCKFILE", "YARN_ENABLE_IMMUTABLE_INSTALLS")
        if _env_true(run, names) or _assigned_true(command, names):
            return
        yield Violation(
            name_span(call),
            "'yarn install' without --frozen-lockfile (or --immutable) may update yarn.lock",
        )
    else:
        if call.has("frozen-lockfile"):
            return
        if _env_true(run, ("CI",)) or _assigned_true(command, ("CI",)):
            return  # pnpm defaults to --frozen-lockfile in CI
        yield Violation(
            name_span(call),
            "'pnpm install' without --frozen-lockfile may update pnpm-lock.yaml",
        )


# --------------------------------------------------------------------------- upgrades, index


APT_UPGRADES = frozenset({"upgrade", "dist-upgrade", "full-upgrade"})


@check("DF115")
def in_image_upgrade(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call in run.calls:
            if call is None:
                continue
            label = _upgrade(call)
            if label:
                yield Violation(
                    name_span(call),
                    f"'{label}' upgrades whatever is newest at build time; "
                    "rebuild on a newer base image instead",
                )


def _upgrade(call: Invocation) -> str | None:
    tool, sub = call.tool, call.subcommand
    if tool in ("apt-get", "apt", "aptitude") and sub in APT_UPGRADES:
        return f"{tool} {sub}"
    if tool == "apk" and sub == "upgrade" and not call.operands:
        return "apk upgrade"
    if tool in tools.RPM_FAMILY and sub in ("update", "upgrade", "up", "distro-sync"):
        return None if call.operands else f"{tool} {sub}"
    if tool == "zypper" and (
        sub in ("dist-upgrade", "patch") or (sub == "update" and not call.operands)
    ):
        return f"zypper {call.subcommand_word.text if call.subcommand_word else sub}"
    return None


INDEX_UPDATES = {
    "apt-get": {"update"},
    "apt": {"update"},
    "aptitude": {"update"},
    "apk": {"update"},
    "yum": {"makecache"},
    "dnf": {"makecache"},
    "microdnf": {"makecache"},
    "zypper": {"refresh"},
}
INDEX_USERS = {
    "apt-get": {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep",
                "source", "download"},
    "apt": {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade"},
    "aptitude": {"install", "reinstall", "upgrade", "safe-upgrade", "full-upgrade"},
    "apk": {"add", "upgrade", "fix"},
    "zypper": {"install", "update", "dist-upgrade", "patch", "source-install"},
}  # fmt: skip
RPM_USERS = frozenset(
    {"install", "groupinstall", "localinstall", "in", "reinstall", "update", "upgrade", "up",
     "distro-sync", "module install", "group install", "groups install", "builddep"}
)  # fmt: skip


@check("DF116")
def package_index_update_alone(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for run in runs(document):
        updates: list[Invocation] = []
        uses = False
        for call in run.calls:
            if call is None or call.subcommand is None:
                continue
            if call.subcommand in INDEX_UPDATES.get(call.tool, ()):
                updates.append(call)
            elif call.subcommand in INDEX_USERS.get(call.tool, ()) or (
                call.tool in tools.RPM_FAMILY and call.subcommand in RPM_USERS
            ):
                uses = True
        if uses:
            continue
        for call in updates:
            yield Violation(
                name_span(call),
                f"'{call.tool} {call.subcommand}' in a RUN that installs nothing: "
                "the index is cached in its own layer and goes stale",
            )


# --------------------------------------------------------------------------- apt options


def _apt_conf_disables_recommends(run: Run) -> bool:
    """An earlier RUN of the stage (or its bases) configured APT::Install-Recommends false."""
    stage = run.stage
    if stage is None:
        return False
    for each in reversed(stage.ancestry()):
        first, places = _recommends_off_at(each)
        own = places.get(id(run.instruction), places.get(id(run.instruction.parent), len(places)))
        if first < own:
            return True
        if own < len(places):
            return False
    return False


def _recommends_off_at(stage: Stage) -> tuple[int, dict[int, int]]:
    """The place of the stage's first RUN that turns recommends off (len: none), and the place
    of each instruction; read once per stage (a pass per apt install made n RUNs cost n^2)."""
    memo = _document_memo(stage.document) if stage.document is not None else {}
    key = ("recommends off", stage.index)
    found = memo.get(key)
    if isinstance(found, tuple):
        return found
    places: dict[int, int] = {}
    first = len(stage.instructions)
    for place, instruction in enumerate(stage.instructions):
        places.setdefault(id(instruction), place)
        if first == len(stage.instructions) and instruction.keyword == "RUN":
            text = instruction.value + "".join(doc.body for doc in instruction.heredocs)
            if _RECOMMENDS_OFF.search(text):
                first = place
    memo[key] = (first, places)
    return first, places


_RECOMMENDS_OFF = re.compile(r"APT::Install-Recommends\W+(false|0|no)", re.IGNORECASE)


@check("DF119")
def apt_install_recommends(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call in calls(run, tools.apt_get):
            if call.tool == "apt-cache" or call.subcommand not in tools.APT_INSTALLS:
                continue
            if call.has("no-install-recommends"):
                continue
            if any(_RECOMMENDS_OFF.search(f"{value} ") for value in call.values("option")):
                continue
            if _apt_conf_disables_recommends(run):
                continue
            fix = None
            if call.tool in ("apt-get", "apt"):  # aptitude spells it --without-recommends
                fix = insert_after(run, call.subcommand_word, " --no-install-recommends")
            yield Violation(
                name_span(call),
                f"'{call.tool} install' without --no-install-recommends also installs "
                "recommended packages",
                fix=fix,
            )


@check("DF204")
def interactive_install(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call in run.calls:
            if call is None:
                continue
            hint = _interactive(call)
            if hint:
                if call.tool == "zypper":  # -n is global: it goes before the subcommand
                    fix = extend_word(run, call.command.name, " -n")
                else:
                    fix = extend_word(run, call.subcommand_word, " -y")
                yield Violation(
                    name_span(call),
                    f"'{call.tool} {call.subcommand}' without {hint} waits for a confirmation "
                    "the build cannot give",
                    fix=fix,
                    peer=INTERACTIVE_PEERS.get(call.tool),
                )


ZYPPER_PROMPTING = frozenset({"install", "remove", "source-install", "patch"})
RPM_PROMPTING = frozenset({"install", "groupinstall", "localinstall"})
_ASSUME_YES = re.compile(r"APT::Get::Assume-Yes\W*(true|1|yes)", re.IGNORECASE)


def _interactive(call: Invocation) -> str | None:
    tool = call.tool
    if tool in ("apt-get", "apt") and call.subcommand in ("install",):
        quiet_words = [o.word.text for o in call.options if o.name in ("quiet", "=")]
        if (
            call.has("yes")
            or call.count("quiet") >= 2
            or any(text in ("-q=2", "--quiet=2") for text in quiet_words)
            or any(_ASSUME_YES.search(v) for v in call.values("option"))
        ):
            return None
        return "-y"
    if tool in ("yum", "dnf", "microdnf") and call.subcommand in RPM_PROMPTING:
        return None if call.has("assumeyes") else "-y"
    if tool == "zypper" and call.subcommand in ZYPPER_PROMPTING:
        return None if call.has("non-interactive", "no-confirm") else "-n (--non-interactive)"
    return None


@check("DF207")
def apt_in_script(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for command in run.commands:
            if command.program == "apt" and command.name is not None:
                yield Violation(
                    command.name.span,
                    "'apt' is meant for interactive use and has no stable CLI "
                    "(use apt-get or apt-cache)",
                )


# --------------------------------------------------------------------------- hashes


@check("DF121")
def requirements_without_hashes(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for run in runs(document):
        if _env_true(run, ("PIP_REQUIRE_HASHES",)):
            continue
        for call in calls(run, tools.pip):
            if call.subcommand != "install" or call.has("require-hashes"):
                continue
            if _assigned_true(call.command, ("PIP_REQUIRE_HASHES",)):
                continue
            for option in call.options:
                if option.name != "requirement" or not option.value:
                    continue
                if _requirements_hashed(document, option.value, reader.roots_of(ctx.project)):
                    continue
                word = option.value_word or option.word
                yield Violation(
                    word.span,
                    f"'{call.tool} install -r {option.value}' without --require-hashes "
                    "trusts whatever the index serves for each pinned version",
                )


def _requirements_hashed(document: DockerfileDocument, path: str, roots: reader.Roots) -> bool:
    """The requirements file, found beside the Dockerfile (inside the scanned tree), pins
    hashes (`--hash=`)."""
    directory = Path(document.source.path).parent
    for candidate in (directory / path.lstrip("/"), directory / Path(path).name):
        text = reader.read_text_or_none(candidate, roots, 5_000_000)
        if text is not None:
            return "--hash=" in text or "--hash " in text
    return False


# --------------------------------------------------------------------------- caches


@dataclass(frozen=True)
class Mount:
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
        if run.stage is None or run.stage.index not in judged:
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
            if _assigned_true(call.command, ("PIP_NO_CACHE_DIR",)):
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


@dataclass(frozen=True)
class _Relying:
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


def _yarn_installs(call: Invocation) -> bool:
    """`yarn install`, or a bare `yarn` (which installs) that is not `yarn --version`."""
    if call.subcommand == "install":
        return True
    return call.subcommand is None and not call.has("version", "help", "v", "h")
