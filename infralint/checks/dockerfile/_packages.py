"""Helpers shared by several package-manager rules: the RUNs read once, their calls, and the
fixes that edit them.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from infralint.checks.dockerfile._values import stage_values
from infralint.model import Fix, Related, Span, Violation
from infralint.parsers import commands as tools
from infralint.parsers.commands import Invocation, Package
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, Stage
from infralint.parsers.shell import Command, Script, Word, inner_script

TRUTHY = frozenset({"1", "true", "yes", "on"})
MAX_NESTING = 4  # sh -c "bash -c '…'" levels followed


@dataclass
class Run:
    """One RUN (or ONBUILD RUN): its commands (unwrapped, in source order, `sh -c` strings
    opened), each command read by commands.py once, and the ENV and ARG defaults visible to
    it."""

    instruction: Instruction
    stage: Stage | None
    commands: list[Command]
    calls: list[Invocation | None]
    env: dict[str, str]
    tools: frozenset[str]  # the tools of `calls`: most rules look for one that is absent
    # Answers about the whole RUN that rules ask once per command (the words a fix may edit,
    # the last command of a kind): computed once here, so n commands cost n, not n^2.
    memo: dict[object, object] = field(default_factory=dict, repr=False, compare=False)


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


# Every package-manager rule walks the same RUNs: read them once per document.
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
                envs[stage.index] = stage_values(document, stage)
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
    tools.pip: frozenset({"pip", "uv pip", "pipx"}),
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
    # Assignments of the RUN over the stage's values, without copying those for each RUN (a
    # stage with thousands of ARGs and RUNs made that quadratic). `$` marks an unknown value.
    assigned: dict[str, str] = {}
    variables = ChainMap(assigned, run.env)
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
            assigned[key] = "$" if known is None else known


def via(package: Package) -> str:
    return f"; from ${package.via}" if package.via else ""


def name_span(call: Invocation) -> Span:
    command = call.command
    return command.name.span if command.name is not None else command.span


def unpinned_finding(
    call: Invocation,
    items: list[tuple[Package, str]],
    noun: str,
    hint: str,
    peer: str | None = None,
) -> Violation | None:
    """One finding for one install command that names every unpinned package, each package a
    related location: one fact (this command is unpinned), however long its list. It is at the
    package when there is one, else at the command. `items` pairs
    each package with its reason (`is not pinned`, `follows the moving tag 'latest'`); `hint`
    is the pinned form with `{name}` where the package's name goes.

    The fingerprint anchors on the tool and subcommand, not the line's text, so adding a package
    to the list or removing one keeps the finding's identity (a baseline still matches it)."""
    if not items:
        return None
    related = tuple(
        Related(package.span, f"{noun} '{package.name}' {reason}{via(package)}")
        for package, reason in items
    )
    span = name_span(call)
    if len(items) == 1:
        package, reason = items[0]
        span = package.span  # the one word to change
        pinned = hint.replace("{name}", package.name)
        message = f"{noun} '{package.name}' {reason} ({pinned}{via(package)})"
    else:
        # One variable behind every package is said once, not after each name.
        sources = {package.via for package, _ in items}
        shared = sources.pop() if len(sources) == 1 else None
        shown = ", ".join(_shown(package, reason, shared is None) for package, reason in items)
        origin = f" (from ${shared})" if shared else ""
        pinned = hint.replace("{name}", f"<{noun}>")
        message = f"{len(items)} {noun}s are not pinned: {shown}{origin} ({pinned})"
    subcommand = f" {call.subcommand}" if call.subcommand else ""
    anchor = f"unpinned {noun}s of {call.tool}{subcommand}"
    return Violation(span, message, anchor=anchor, peer=peer, related=related)


def _shown(package: Package, reason: str, with_source: bool) -> str:
    """`'curl'`, `'left-pad' (moving tag 'latest')`, `'git' (from $DEPS)`."""
    notes = (
        []
        if reason == "is not pinned"
        else [reason.removeprefix("follows the ").removeprefix("asks for the ")]
    )
    if package.via and with_source:
        notes.append(f"from ${package.via}")
    return f"'{package.name}'" + (f" ({'; '.join(notes)})" if notes else "")


def unpinned(packages: Iterable[Package]) -> Iterator[Package]:
    for package in packages:
        if package.kind == "name" and package.version is None and package.name:
            yield package


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


def _env_true(run: Run, names: Iterable[str]) -> bool:
    return any(run.env.get(name, "").strip().lower() in TRUTHY for name in names)


def _assigned_true(command: Command, names: Iterable[str]) -> bool:
    wanted = set(names)
    return any(
        name in wanted and word.text.strip().lower() in TRUTHY for name, word in command.assignments
    )


INDEX_USERS = {
    "apt-get": {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep",
                "source", "download"},
    "apt": {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade"},
    "aptitude": {"install", "reinstall", "upgrade", "safe-upgrade", "full-upgrade"},
    "apk": {"add", "upgrade", "fix"},
    "zypper": {"install", "update", "dist-upgrade", "patch", "source-install"},
}  # fmt: skip
RPM_USERS = frozenset(
    {"install", "groupinstall", "localinstall", "in", "reinstall", "rei", "update", "upgrade",
     "up", "upgrade-minimal", "update-minimal", "up-min", "distro-sync", "dsync",
     "module install", "group install", "groups install", "builddep"}
)  # fmt: skip


def _yarn_installs(call: Invocation) -> bool:
    """`yarn install`, or a bare `yarn` (which installs) that is not `yarn --version`."""
    if call.subcommand == "install":
        return True
    return call.subcommand is None and not call.has("version", "help", "v", "h")
