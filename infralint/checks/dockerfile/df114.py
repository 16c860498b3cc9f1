"""DF114 (install-without-lockfile): A dependency install may re-resolve versions instead of
following the lock file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from infralint.checks.dockerfile._packages import (
    TRUTHY,
    Run,
    _assigned_true,
    _env_true,
    _yarn_installs,
    name_span,
    runs,
)
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.commands import Invocation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Command
from infralint.registry import CheckContext, check


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
