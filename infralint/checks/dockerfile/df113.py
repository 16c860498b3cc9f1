"""DF113 (vcs-moving-ref): Source code is fetched from a branch (a moving ref) instead of a tag
or commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import (
    PIP_PROGRAMS,
    _commands,
    _cover,
    _is_git_url,
    _stage_instructions,
)
from infralint.model import Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import unwrap
from infralint.parsers.dockerfile import DockerfileDocument, Instruction
from infralint.parsers.interpolation import MAX_EXPANSION
from infralint.parsers.shell import Command, Word
from infralint.registry import CheckContext, check

HEX_REF = re.compile(r"[0-9a-fA-F]{7,64}")
FULL_HEX_REF = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
VERSION_IN_REF = re.compile(r"\d[._]\d")  # searched: `\d+` rescanned long digit runs


VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


def _scoped(document: DockerfileDocument) -> Iterator[tuple[Instruction, dict[str, str]]]:
    """Every instruction of every stage (ONBUILD-wrapped ones too) with the ENV values and ARG
    defaults visible at it, ENV of the stages it is built `FROM` included. One pass per stage."""
    stage_env: dict[int, dict[str, str]] = {}  # ENV at the end of each stage
    for stage in document.stages:
        values: dict[str, str] = {}
        env: dict[str, str] = {}
        if stage.base_stage is not None and stage.base_stage < stage.index:
            env.update(stage_env.get(stage.base_stage, {}))
            values.update(env)
        for instruction in _stage_instructions(stage):
            yield instruction, values
            if instruction.keyword not in ("ENV", "ARG") or instruction.parent is not None:
                continue
            for pair in instruction.pairs():
                value = pair.value
                if value is None and instruction.keyword == "ARG":
                    value = document.global_args.get(pair.key)
                if value is not None:
                    values[pair.key] = value
                    if instruction.keyword == "ENV":
                        env[pair.key] = value
        stage_env[stage.index] = env


def _expand(text: str, variables: dict[str, str]) -> str | None:
    """`text` with `$X`, `${X}`, `${X:-d}` replaced; None when a value is unknown (or the
    result would be over MAX_EXPANSION: `$A$A$A…` must not multiply a long value)."""
    if "$(" in text or "`" in text:
        return None
    unknown = False
    room = MAX_EXPANSION

    def one(match: re.Match[str]) -> str:
        nonlocal unknown, room
        name = match.group(1) or match.group(4)
        operator, default = match.group(2), match.group(3) or ""
        value = variables.get(name)
        if operator and operator.endswith("-") and not value:
            return default
        if operator and operator.endswith("+"):
            return default if value else ""
        if value is None or len(value) > room:
            unknown = True
            return ""
        room -= len(value)
        return value

    expanded = VARIABLE.sub(one, text)
    return None if unknown else expanded


def _fixed_ref(ref: str | None, full_hex: bool = False) -> bool:
    """A commit hash or a tag-like ref (a dotted version number); unknowable refs (None) pass."""
    if ref is None or "$" in ref:
        return True
    if ref.startswith("semver:"):
        return False  # an npm semver range (exact versions are returned without the prefix)
    ref = ref.removeprefix("refs/tags/").removeprefix("tags/")
    if FULL_HEX_REF.fullmatch(ref):
        return True
    # A short hash; a word made only of the letters a-f (`facade`) is more likely a branch.
    if not full_hex and HEX_REF.fullmatch(ref) and re.search(r"\d", ref):
        return True
    return VERSION_IN_REF.search(ref) is not None


def _value(word: Word, variables: dict[str, str]) -> str | None:
    """A word's text with ENV/ARG values filled in; None when it cannot be known."""
    return word.text if word.static else _expand(word.text, variables)


def _checkout_refs(command: Command, variables: dict[str, str]) -> list[tuple[Word, str | None]]:
    """The refs of `git checkout|switch|reset|fetch` with their values (None: unknown)."""
    call = shell_commands.git(command)
    if call is None or call.subcommand not in ("checkout", "switch", "reset", "fetch"):
        return []
    operands = call.operands[1:] if call.subcommand == "fetch" else call.operands
    refs = [word for word in operands if word.text not in ("FETCH_HEAD", "HEAD", ".", "-")]
    if call.subcommand == "checkout" and len(refs) > 1:
        refs = refs[:1]  # `git checkout <ref> <path>…`
    return [(word, _value(word, variables)) for word in refs]


@check("DF113")
def vcs_moving_ref(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction, variables in _scoped(document):
        if instruction.keyword == "ADD":
            yield from _add_git_moving(instruction, variables)
        elif instruction.keyword == "RUN":
            yield from _run_moving_refs(instruction, variables)


def _add_git_moving(instruction: Instruction, variables: dict[str, str]) -> Iterator[Violation]:
    if instruction.flag("checksum") is not None:
        return
    for token in instruction.arguments()[:-1]:
        if not _is_git_url(token.text):
            continue
        url, _, fragment = token.text.partition("#")
        ref = _expand(fragment.split(":", 1)[0], variables)
        if ref is None or (ref and _fixed_ref(ref, full_hex=True)):
            continue
        what = f"branch '{ref}'" if ref else "its default branch"
        yield Violation(
            token.span,
            f"ADD of git repository '{url}' follows {what}: add '#<tag>' or '#<commit>'",
        )


def _run_moving_refs(instruction: Instruction, variables: dict[str, str]) -> Iterator[Violation]:
    commands = [unwrap(command) for command in _commands(instruction)]
    refs = [ref for command in commands for ref in _checkout_refs(command, variables)]
    pinned = any(_fixed_ref(value) for _, value in refs)
    for command in commands:
        call = shell_commands.git(command)
        if call is not None and call.subcommand == "clone" and not pinned:
            violation = _clone_moving(call, variables)
            if violation is not None and refs:
                word, value = refs[-1]
                violation = Violation(
                    word.span,
                    f"git checks out branch '{value}' after cloning: check out a tag or a "
                    "commit instead",
                )
            if violation is not None:
                yield violation
        program = unwrap(command).program
        if program in shell_commands.NODE_TOOLS or program.startswith(PIP_PROGRAMS):
            yield from _package_git_refs(command, variables)  # what pip and npm read


def _clone_moving(call: shell_commands.Invocation, variables: dict[str, str]) -> Violation | None:
    url = call.operands[0].text if call.operands else "a repository"
    branches = [option for option in call.options if option.name == "branch"]
    if branches:
        option = branches[-1]
        if option.value_word is not None:
            ref_word, ref = option.value_word, _value(option.value_word, variables)
        else:  # `--branch=x`, `-bx`
            inline = option.value or ""
            ref_word = option.word
            ref = inline if option.word.static else _expand(inline, variables)
        if _fixed_ref(ref):
            return None
        return Violation(
            ref_word.span,
            f"git clone of '{url}' follows branch '{ref}': clone a tag "
            "(--branch v1.2.3) or check out a commit in this RUN",
        )
    if call.has("revision"):
        return None
    command = call.command
    name = command.name.span if command.name else command.span
    last = call.subcommand_word.span if call.subcommand_word else name
    return Violation(
        _cover(name, last),
        f"git clone of '{url}' follows the default branch: clone a tag (--branch v1.2.3) or "
        "check out a commit in this RUN",
    )


def _package_git_refs(command: Command, variables: dict[str, str]) -> Iterator[Violation]:
    """pip and npm/yarn/pnpm package arguments that name a git repository without a fixed ref.
    The shared reader finds the package words (option values are never packages)."""
    pip = shell_commands.pip(command)
    npm = shell_commands.npm(command) if pip is None else None
    call = pip or npm
    if call is None or not call.packages:
        return
    read_ref = shell_commands.pip_git_ref if pip is not None else shell_commands.npm_git_ref
    tool = f"{call.tool} {call.subcommand or 'install'}"
    for package in call.packages:
        word = package.word
        spec = _value(word, variables)
        ref = read_ref(spec) if spec is not None else None
        if ref is not None and not _fixed_ref(ref):
            # hadolint reports this under its pip and npm pinning rules.
            peer = "DL3013" if pip is not None else "DL3016"
            yield Violation(word.span, _moving_message(tool, word.text, ref), peer=peer)


def _moving_message(tool: str, spec: str, ref: str) -> str:
    what = f"branch '{ref}'" if ref else "the default branch"
    return f"{tool} of '{spec}' follows {what}: pin a tag or a commit"
