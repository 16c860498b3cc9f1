"""Dockerfile checks of what RUN, CMD and ENTRYPOINT scripts do.

Downloads and their verification (DF111-DF113), shell habits (DF201-DF209), logging and the
process model (DF301-DF308), security (DF403-DF408) and hygiene (DF515, DF516).

Every check reads the shell model of `Instruction.scripts()`. Command lines of tools are read
by the shared `infralint.parsers.commands`: package managers, curl/wget downloads, git, checksum
and signature checks, the wrappers (`sudo`, `env`, `xargs`, `tini`, `gosu` …), interpreters fed
from stdin, the files a command writes, and the options of chmod, ln, useradd, tail, cp …
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from infralint.model import Fix, Span, Violation
from infralint.parsers import commands as shell_commands
from infralint.parsers.commands import (
    DISCARD_FILES,
    INTERPRETER_VALUES,
    INTERPRETERS,
    Download,
    arguments,
    parse_args,
    reads_program_from_stdin,
    unwrap,
    unwrap_start,
    url_name,
    written_paths,
)
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, Stage, Token
from infralint.parsers.interpolation import MAX_EXPANSION
from infralint.parsers.shell import Command, Script, Word
from infralint.registry import CheckContext, check

# ------------------------------------------------------------------------------ instructions


def _runs(document: DockerfileDocument, onbuild: bool = True) -> Iterator[Instruction]:
    """RUN instructions in file order; with `onbuild`, also the RUNs wrapped by ONBUILD."""
    for instruction in document.all_instructions():
        if instruction.keyword != "RUN":
            continue
        if instruction.parent is not None and not onbuild:
            continue
        yield instruction


def _starts(document: DockerfileDocument) -> Iterator[Instruction]:
    """CMD and ENTRYPOINT instructions (not those wrapped by ONBUILD)."""
    for instruction in document.instructions:
        if instruction.keyword in ("CMD", "ENTRYPOINT"):
            yield instruction


def _commands(instruction: Instruction) -> list[Command]:
    return instruction.commands()


# ------------------------------------------------------------------------------ shared readers


def _wrapper_words(raw: Command) -> list[Word]:
    """The wrapper words in front of the command that runs (`sudo -E env A=1` of
    `sudo -E env A=1 make`)."""
    inner = unwrap(raw)
    if inner is raw or inner.name is None or raw.name is None:
        return []
    return [word for word in [raw.name, *raw.args] if word.offset < inner.name.offset]


def _base(text: str) -> str:
    return text.rsplit("/", 1)[-1]


def _quote(command: Command, limit: int = 60) -> str:
    text = " ".join(word.raw for word in ([command.name] if command.name else []) + command.args)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cover(first: Span, last: Span) -> Span:
    return Span(first.line, first.column, last.end_line, last.end_column)


# ------------------------------------------------------------------------------ downloads

KEY_CONSUMERS = frozenset({"gpg", "gpg2", "apt-key", "gpgv", "rpmkeys"})
KEY_SUFFIXES = (
    *(".asc", ".sig", ".sign", ".gpg", ".pgp", ".key", ".pub", ".minisig", ".pem.sig"),
    *(".sha1", ".sha256", ".sha512", ".sha256sum", ".sha512sum", ".sha256sums", ".md5"),
    *(".sha256.txt", ".sha512.txt", ".checksum", ".checksums", ".digest", ".intoto.jsonl"),
)
KEY_NAMES = re.compile(
    r"(^|[._-])(gpg|gpgkey|pubkey|keyring|keys?)([._-]|$)|sha\d*sums?|checksums?", re.IGNORECASE
)
# A release archive whose name mentions gpg (`libgpg-error-1.47.tar.bz2`) is still an artifact.
ARTIFACT = re.compile(
    r"\.(tar(\.\w+)?|tgz|tbz2?|txz|zip|deb|rpm|apk|whl|jar|war|gem|phar|run|bin|exe|msi)$",
    re.IGNORECASE,
)
KEY_DIRS = ("/etc/apt/keyrings/", "/usr/share/keyrings/", "/etc/apt/trusted.gpg.d/", "/etc/pki/")


def _downstream(script: Script, command: Command) -> list[Command]:
    """The commands after `command` in its pipeline, unwrapped, in pipe order."""
    if command.pipe_length < 2:
        return []
    later = [
        other
        for other in script.commands
        if other.pipeline == command.pipeline and other.pipe_index > command.pipe_index
    ]
    return [unwrap(other) for other in sorted(later, key=lambda c: c.pipe_index)]


def _is_key_path(path: str) -> bool:
    lowered = path.lower()
    name = _base(lowered)
    if lowered.startswith(KEY_DIRS) or name.endswith(KEY_SUFFIXES):
        return True
    return ARTIFACT.search(name) is None and KEY_NAMES.search(name) is not None


DIGEST_TOOLS = re.compile(r"sha(1|224|256|384|512)sum|b2sum|shasum|cksum|rhash")
OPENSSL_DIGESTS = re.compile(r"dgst|sha(1|224|256|384|512)?")


def _verifies(command: Command, script: Script) -> bool:
    """Does this command check a checksum or signature? The shared reader knows the checks
    (`sha256sum -c`, `gpg --verify`, `cosign verify*` …); a weak one (MD5) is not accepted, and
    a digest the script compares itself counts too."""
    if shell_commands.verifies(command, weak=False):
        return True
    program = command.program
    args = [word.text for word in command.args]
    if DIGEST_TOOLS.fullmatch(program) or (
        program == "openssl" and args and OPENSSL_DIGESTS.fullmatch(args[0])
    ):
        # `sha256sum f | grep -q "$SHA"`, `[ "$(openssl sha512 -r f)" = "$SUM" ]`
        return command.in_substitution or any(
            other.program in ("grep", "cmp", "diff") for other in _downstream(script, command)
        )
    return False


def _run_verifies(instruction: Instruction) -> bool:
    return any(
        _verifies(unwrap(command), script)
        for script in instruction.scripts()
        for command in script.commands
    )


PYTHON = re.compile(r"python(\d+(\.\d+)?)?")


URL_IN_TEXT = re.compile(r"(https?|ftp)://[^\s\"')]+")
# The path before the program does not run across another `$(`, `` ` `` or `<(`: from that one
# the same match is found, and every opener rescanning the whole word was quadratic.
DOWNLOAD_IN_TEXT = re.compile(
    r"(\$\(|`|<\()\s*(sudo\s+)?((?:[^\s`$<]|\$(?!\()|<(?!\())*/)?(curl|wget)\b"
)


def _substituted_download(command: Command) -> Word | None:
    """`bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(wget -qO- …)"`: the word whose text is
    the downloaded program."""
    program = command.program
    if program in ("eval", "source", "."):
        candidates = command.args
    elif INTERPRETERS.fullmatch(program):
        # `sh -c <script>` or `bash <file>`: either way the first operand is the program
        candidates = parse_args(command.args, INTERPRETER_VALUES, stop_at_operand=True).operands[:1]
    else:
        return None
    for word in candidates:
        if DOWNLOAD_IN_TEXT.search(word.raw):
            return word
    return None


@check("DF111")
def download_without_checksum(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        if instruction.keyword == "ADD":
            yield from _add_without_checksum(instruction)
        elif instruction.keyword == "RUN":
            yield from _run_downloads_unverified(instruction)


def _add_without_checksum(instruction: Instruction) -> Iterator[Violation]:
    if instruction.flag("checksum") is not None:
        return
    tokens = instruction.arguments()
    for token in tokens[:-1]:
        url = token.text
        if not re.match(r"https?://", url, re.IGNORECASE) or _is_git_url(url):
            continue
        if _is_key_path(url_name(url)):
            continue
        yield Violation(
            token.span,
            f"ADD downloads '{url}' without --checksum: its content is never verified",
        )


def _run_downloads_unverified(instruction: Instruction) -> Iterator[Violation]:
    verified: bool | None = None
    for script in instruction.scripts():
        for raw in script.commands:
            command = unwrap(raw)
            download = shell_commands.download(command)
            if download is None or download.target is None:
                continue
            problem = _download_problem(script, command, download)
            if problem is None:
                continue
            if verified is None:
                verified = _run_verifies(instruction)
            if verified:
                return
            url = f"'{download.url.text}'" if download.url is not None else "a URL"
            yield Violation(
                command.span,
                f"{command.program} download of {url} is {problem} without a checksum or "
                "signature check in this RUN (verify it with sha256sum -c or gpg --verify)",
            )


def _download_problem(script: Script, command: Command, download: Download) -> str | None:
    """How the download is used unverified ('saved to …', 'unpacked by tar'), or None."""
    target = download.target or ""
    if target != "-":
        if _is_key_path(target) or (
            download.url is not None and _is_key_path(url_name(download.url))
        ):
            return None
        return f"saved to '{target}'"
    later = _downstream(script, command)
    for other in later:
        if other.program in KEY_CONSUMERS or reads_program_from_stdin(other):
            return None  # a signing key, or pipe-to-shell (DF112)
        if other.program == "tee":
            files = [w.text for w in arguments(other).operands if w.text not in DISCARD_FILES]
            if files and not all(_is_key_path(path) for path in files):
                return f"saved to '{files[0]}'"
            if files:
                return None
        if shell_commands.extracts(other):
            tool = other.program
            if tool == "busybox" and other.args:
                tool = f"busybox {other.args[0].text}"
            return f"unpacked by {tool}"
    return None


@check("DF112")
def pipe_to_shell(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        for script in instruction.scripts():
            for raw in script.commands:
                command = unwrap(raw)
                substituted = _substituted_download(command)
                if substituted is not None:
                    found = URL_IN_TEXT.search(substituted.text)
                    source = f"'{found.group(0)}'" if found else "the network"
                    yield Violation(
                        command.span,
                        f"'{command.program}' runs a script downloaded from {source}: it runs "
                        "unreviewed and unverified",
                    )
                    continue
                download = shell_commands.download(command)
                if download is None or download.target != "-":
                    continue
                for other in _downstream(script, command):
                    if reads_program_from_stdin(other):
                        url = download.url.text if download.url is not None else "the download"
                        name = other.name.span if other.name else other.span
                        yield Violation(
                            _cover(command.span, name),
                            f"'{url}' is piped into '{other.program}': the downloaded script "
                            "runs unreviewed and unverified",
                        )
                        break


# ------------------------------------------------------------------------------ DF113

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


def _is_git_url(url: str) -> bool:
    lowered = url.lower()
    if lowered.startswith(("git@", "git://", "ssh://", "git+")):
        return True
    return re.match(r"https?://[^#]*\.git(#.*)?$", lowered) is not None


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
            yield Violation(word.span, _moving_message(tool, word.text, ref))


def _moving_message(tool: str, spec: str, ref: str) -> str:
    what = f"branch '{ref}'" if ref else "the default branch"
    return f"{tool} of '{spec}' follows {what}: pin a tag or a commit"


# ------------------------------------------------------------------------------ DF201-DF209


@check("DF201")
def cd_in_run(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _runs(document, onbuild=False):
        for command in _commands(instruction):
            if command.program == "cd":
                shown = " ".join(["cd", *(word.raw for word in command.args[:1])])
                yield Violation(
                    command.span,
                    f"'{shown}' in RUN: set the directory with WORKDIR instead",
                    fix=_workdir_fix(document, instruction, command),
                )
                break


STATIC_PATH = re.compile(r"/[A-Za-z0-9._+@:/-]*")
DIRECTORY_CHANGES = frozenset({"cd", "pushd", "popd"})
AFTER_CD = re.compile(r"(?:[ \t]|\\\n)*&&(?:[ \t]|\\\n)*")


def _workdir_fix(document: DockerfileDocument, instruction: Instruction, cd: Command) -> Fix | None:
    """`RUN cd /abs && cmd …` -> `WORKDIR /abs` + `RUN cmd …`, when the `cd` is the first
    command of a one-script shell-form RUN, goes to one static absolute path, is followed by
    `&&` (nothing else: no comment, group or `||` anywhere), and nothing later in the RUN
    changes or reads the directory history (`cd`, `pushd`, `popd`, `$OLDPWD`). The WORKDIR
    stays in effect after the RUN, so the fix is safe only when a later absolute WORKDIR of the
    stage replaces it before anything that uses the working directory (RUN, a relative COPY/ADD
    destination, VOLUME or WORKDIR); otherwise it is unsafe."""
    scripts = instruction.scripts()
    if instruction.exec_form is not None or instruction.heredocs or len(scripts) != 1:
        return None
    script = scripts[0]
    commands = script.commands
    if len(commands) < 2 or commands[0] is not cd or cd.name is None or len(cd.args) != 1:
        return None
    target = cd.args[0]
    if (
        script.text[: cd.name.offset].strip()
        or cd.redirects
        or cd.assignments
        or cd.pipe_length > 1
        or not target.static
        or target.raw != target.text
        or not STATIC_PATH.fullmatch(target.text)
    ):
        return None
    rest = commands[1:]
    if (
        rest[0].connector != "&&"
        or any(c.program in DIRECTORY_CHANGES for c in rest)
        or any(c.connector == "||" or c.background for c in commands)
        or "OLDPWD" in script.text
    ):
        return None
    lines = document.source.lines
    after = _text_between(lines, target.span.end_line, target.span.end_column, rest[0].span)
    if after is None or not AFTER_CD.fullmatch(after):
        return None
    start = instruction.span
    head = _text_between(lines, start.line, start.column, cd.span)
    indent = lines[start.line - 1][: start.column - 1]
    if head is None or indent.strip():
        return None
    end = rest[0].span
    return Fix(
        Span(start.line, start.column, end.line, end.column),
        f"WORKDIR {target.text}\n{indent}{head}",
        safe=_workdir_replaced_later(document, instruction),
    )


def _text_between(lines: Sequence[str], line: int, column: int, end: Span) -> str | None:
    """The file text from (line, column) up to the start of `end` (lines joined with \\n)."""
    if (end.line, end.column) < (line, column) or end.line > len(lines):
        return None
    if line == end.line:
        return lines[line - 1][column - 1 : end.column - 1]
    middle = lines[line : end.line - 1]
    return "\n".join(
        [lines[line - 1][column - 1 :], *middle, lines[end.line - 1][: end.column - 1]]
    )


def _workdir_replaced_later(document: DockerfileDocument, run: Instruction) -> bool:
    """Is the working directory set by a WORKDIR in place of `run` replaced by a later absolute
    WORKDIR of the stage before any instruction that depends on it?"""
    stage = document.stage_of(run)
    if stage is None:
        return False
    index = next((i for i, other in enumerate(stage.instructions) if other is run), None)
    if index is None:
        return False
    for later in stage.instructions[index + 1 :]:
        keyword = later.keyword
        if keyword == "WORKDIR":
            path = later.value.strip()
            return STATIC_PATH.fullmatch(path) is not None
        if keyword == "RUN":
            return False
        if keyword in ("COPY", "ADD"):
            tokens = later.arguments()
            if not tokens or not tokens[-1].text.startswith("/"):
                return False
        if keyword == "VOLUME" and any(
            not token.text.lstrip('["').startswith("/") for token in later.arguments()
        ):
            return False
    return False


SERVICE_PROGRAMS = frozenset(
    {"free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"}
)
SYSTEM_PROGRAMS = frozenset({"reboot", "halt", "poweroff"})
SYSTEMCTL_ACTIONS = frozenset(
    {"start", "stop", "restart", "reload", "try-restart", "reload-or-restart", "kill", "status"}
)
INIT_ACTIONS = frozenset({"start", "stop", "restart", "reload", "force-reload", "status"})


def _service_control(command: Command) -> bool:
    """Does the command need a running system (a service manager, processes, a terminal)?"""
    program = command.program
    if program in SERVICE_PROGRAMS or program in SYSTEM_PROGRAMS:
        return True
    control = shell_commands.service_control(command)
    if control is None or control.action is None:
        return False
    if control.manager == "systemctl":
        return control.action in SYSTEMCTL_ACTIONS
    return control.manager in ("init.d", "invoke-rc.d") and control.action in INIT_ACTIONS


@check("DF203")
def service_command_in_run(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if _service_control(command):
                yield Violation(
                    command.span,
                    f"'{_quote(command)}' in RUN: nothing is running during the build, and no "
                    "process started here survives the step",
                )


PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ash"})


def _sets_pipefail(words: Sequence[str]) -> bool:
    """`-o pipefail`, `-euo pipefail`, `-o errexit -o pipefail` among shell/`set` arguments."""
    for index, word in enumerate(words[:-1]):
        if re.fullmatch(r"-[a-zA-Z]*o", word) and words[index + 1] == "pipefail":
            return True
    return False


def _shell_has_pipefail(shell: Sequence[str]) -> bool:
    if not shell or _base(shell[0]) not in PIPEFAIL_SHELLS:
        return False
    return _sets_pipefail(list(shell[1:]))


@check("DF205")
def pipe_without_pipefail(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _runs(document, onbuild=False):
        if instruction.exec_form is not None:
            if _shell_has_pipefail(instruction.exec_form):
                continue
        elif _shell_has_pipefail(instruction.shell):
            continue
        for script in instruction.scripts():
            pipe = _first_unprotected_pipe(script)
            if pipe is not None:
                first, last = pipe[0], pipe[-1]
                names = " | ".join(command.program or "…" for command in pipe)
                yield Violation(
                    _cover(first.span, last.span),
                    f"pipe '{names}' without pipefail: a failure of '{first.program}' is "
                    'ignored; add SHELL ["/bin/bash", "-o", "pipefail", "-c"] or set -o pipefail',
                )
                break


def _first_unprotected_pipe(script: Script) -> list[Command] | None:
    for command in script.commands:
        if command.program == "set" and _sets_pipefail(command.argv[1:]):
            return None
        if command.pipe_length > 1:
            return [other for other in script.commands if other.pipeline == command.pipeline]
    return None


SYSTEM_SHELLS = frozenset({"/bin/sh", "/usr/bin/sh"})


@check("DF206")
def shell_changed_with_ln(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if command.program != "ln":
                continue
            parsed = arguments(command)
            if len(parsed.operands) < 2 or parsed.has("t", "target-directory"):
                continue
            link = parsed.operands[-1]
            if posixpath.normpath(link.text) in SYSTEM_SHELLS:
                source = parsed.operands[0].text
                yield Violation(
                    link.span,
                    f"'ln' replaces {link.text} with '{source}': use SHELL [\"{source}\", \"-c\"] "
                    "instead of changing the system shell",
                )


def _absolute(word: Word) -> str | None:
    if not word.static or not word.text.startswith("/"):
        return None
    return posixpath.normpath(word.text)


def _volumes(instruction: Instruction) -> dict[str, int]:
    return {
        posixpath.normpath(token.text): instruction.line
        for token in instruction.arguments()
        if token.text.startswith("/")
    }


def _stage_instructions(stage: Stage) -> Iterator[Instruction]:
    for instruction in stage.instructions:
        yield instruction
        if instruction.onbuild is not None:
            yield instruction.onbuild


@check("DF208")
def write_into_volume(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    at_end: dict[int, dict[str, int]] = {}  # the volumes of each stage's image
    for stage in document.stages:
        volumes: dict[str, int] = {}  # path -> line of its VOLUME
        if stage.base_stage is not None and stage.base_stage < stage.index:
            volumes.update(at_end.get(stage.base_stage, {}))
        for instruction in _stage_instructions(stage):
            if instruction.keyword == "VOLUME" and instruction.parent is None:
                volumes.update(_volumes(instruction))
            elif instruction.keyword == "RUN" and volumes:
                yield from _volume_writes(instruction, volumes)
        at_end[stage.index] = volumes


def _volume_of(path: str, volumes: dict[str, int]) -> str | None:
    """The declared volume that contains `path` (checked by its leading directories)."""
    parts = path.split("/")
    for end in range(2, len(parts) + 1):
        candidate = "/".join(parts[:end])
        if candidate in volumes:
            return candidate
    return "/" if "/" in volumes else None


def _volume_writes(instruction: Instruction, volumes: dict[str, int]) -> Iterator[Violation]:
    for raw in _commands(instruction):
        command = unwrap(raw)
        for word in written_paths(command):
            path = _absolute(word)
            volume = _volume_of(path, volumes) if path is not None else None
            if volume is not None:
                yield Violation(
                    word.span,
                    f"'{command.program}' writes '{word.text}' inside VOLUME '{volume}' "
                    f"(line {volumes[volume]}): the classic builder discards the change, BuildKit "
                    "keeps it",
                )


RUNTIME_FILES = frozenset({"/etc/hosts", "/etc/resolv.conf", "/etc/hostname"})


def _may_name_runtime_file(command: Command) -> bool:
    """Only a word with a RUNTIME_FILES name in it can be reported: the written paths are words
    of the command (arguments, redirection targets), so the others need not be read."""
    if not command.redirects and command.program not in shell_commands.WRITERS:
        return False  # nothing that written_paths would read
    targets = [redirect.target for redirect in command.redirects if redirect.target is not None]
    return any("host" in word.text or "resolv.conf" in word.text for word in command.args + targets)


@check("DF209")
def runtime_managed_file_edit(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if not _may_name_runtime_file(command):
                continue
            for word in written_paths(command):
                path = _absolute(word)
                if path in RUNTIME_FILES:
                    yield Violation(
                        word.span,
                        f"'{command.program}' changes {path}, which the container runtime "
                        "replaces: configure it at run time (--add-host, --dns, extra_hosts)",
                    )


# ------------------------------------------------------------------------------ DF301-DF308

STREAMS = frozenset(
    {
        *("/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2", "/dev/fd/1"),
        *("/dev/fd/2", "/proc/1/fd/1", "/proc/1/fd/2", "-", "/dev/null", "/dev/tty"),
    }
)
LOG_PATH = re.compile(r"(^/var/log(/|$))|\.(log|out|err)$", re.IGNORECASE)


def _is_log_like(path: str) -> bool:
    return LOG_PATH.search(path) is not None


def _file_target(word: Word | None) -> str | None:
    """The file a redirect or `tee` writes, unless it is a stream or a descriptor."""
    if word is None:
        return None
    text = word.text
    if text in STREAMS or text.isdigit() or text.startswith("&"):
        return None
    return text


def _main_pipeline(script: Script) -> int | None:
    top = [command for command in script.commands if not command.in_substitution]
    return top[-1].pipeline if top else None


@check("DF301")
def log_to_file(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _starts(document):
        for script in instruction.scripts():
            yield from _script_logs(instruction.keyword, script)


def _script_logs(keyword: str, script: Script) -> Iterator[Violation]:
    main = _main_pipeline(script)
    for raw in script.commands:
        long_running = raw.pipeline == main or raw.background
        whole_shell = raw.program == "exec" and not raw.args
        command = unwrap_start(raw)
        for redirect in raw.redirects:
            path = _file_target(redirect.target)
            if not redirect.writes or path is None:
                continue
            if redirect.fd not in (None, 1, 2) and not _is_log_like(path):
                continue
            if _is_log_like(path) or long_running or whole_shell:
                yield Violation(
                    redirect.span,
                    f"{keyword} sends the output of '{command.program or 'the shell'}' to the "
                    f"file '{path}': log to stdout/stderr so that the container runtime sees it",
                )
        if command.program == "tee":
            for word in arguments(command).operands:
                path = _file_target(word)
                if path is not None and (long_running or _is_log_like(path)):
                    yield Violation(
                        word.span,
                        f"{keyword} copies the output into the file '{path}' with tee: nothing "
                        "rotates or collects it",
                    )
        wrappers = [raw.name, *_wrapper_words(raw)] if raw.name else []
        if any(_base(word.text) == "nohup" for word in wrappers) and not any(
            r.writes and r.fd in (None, 1) for r in raw.redirects
        ):
            yield Violation(
                raw.span,
                f"{keyword} runs 'nohup' without a redirection: output may go to nohup.out "
                "instead of stdout",
            )


def _keep_alive(command: Command) -> str | None:
    """`tail -f …` or `sleep infinity` (read by the shared `keeps_alive`), as shown."""
    word = shell_commands.keeps_alive(command)
    if word is None:
        return None
    if command.program == "sleep":
        return "'sleep infinity'"
    return "'tail --follow'" if word.text.startswith("--follow") else f"'tail {word.text}'"


def _loop_word(script: Script, command: Command) -> bool:
    """Is this command the condition of `while true`/`while :`/`until false`?"""
    if command.name is None:
        return False
    before = script.text[: command.name.offset].rstrip()
    argv = command.argv
    if before.endswith("while") and not re.search(r"\w", before[-6:-5] or " "):
        return argv in (["true"], [":"], ["[", "1", "]"], ["[[", "1", "]]"])
    if before.endswith("until") and not re.search(r"\w", before[-6:-5] or " "):
        return argv == ["false"]
    return False


@check("DF302")
def pid1_not_the_app(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _starts(document):
        scripts = instruction.scripts()
        if not scripts and instruction.exec_form is not None:
            tokens = _unwrapped_tokens(instruction.arguments())
            what = _keep_alive(_as_command(tokens)) if tokens else None
            if what is not None:
                yield Violation(tokens[0].span, _keep_alive_message(instruction.keyword, what))
        for script in scripts:
            yield from _script_pid1(instruction.keyword, script)


def _keep_alive_message(keyword: str, what: str) -> str:
    return (
        f"{keyword} keeps the container alive with {what} instead of running the application "
        "as the main process"
    )


def _script_pid1(keyword: str, script: Script) -> Iterator[Violation]:
    for raw in script.commands:
        command = unwrap_start(raw)
        what = _keep_alive(command)
        if what is not None:
            yield Violation(command.span, _keep_alive_message(keyword, what))
        elif _loop_word(script, raw):
            yield Violation(raw.span, _keep_alive_message(keyword, "an endless loop"))
        elif raw.background and not raw.in_substitution:
            yield Violation(
                command.span,
                f"{keyword} starts '{command.program}' in the background (&): the container "
                "does not follow its life, signals or exit status",
            )
        elif _starts_daemon(command):
            yield Violation(
                command.span,
                f"{keyword} starts a daemon with '{_quote(command)}': it detaches, and the "
                "container does not follow its life, signals or exit status",
            )


DAEMON_MANAGERS = frozenset({"service", "invoke-rc.d", "systemctl", "init.d"})


def _starts_daemon(command: Command) -> bool:
    """`service x start`, `systemctl start x`, `/etc/init.d/x start`: a daemon that detaches."""
    control = shell_commands.service_control(command)
    return (
        control is not None
        and control.manager in DAEMON_MANAGERS
        and control.action in ("start", "restart")
    )


def _as_command(words: Sequence[Word]) -> Command:
    """Exec-form words as a command (its name and arguments)."""
    return Command(words[0], list(words[1:]), _cover(words[0].span, words[-1].span))


def _unwrapped_tokens(tokens: list[Token]) -> list[Word]:
    """Exec-form words without leading wrappers (`tini --`, `exec`, `gosu user`)."""
    return _exec_unwrap(tokens)[0]


def _exec_unwrap(tokens: list[Token]) -> tuple[list[Word], list[str]]:
    """Exec-form words without leading wrappers (read by the shared `unwrap_start`), and the
    variables `env` sets on the way."""
    words = [Word(token.text, token.raw, token.span) for token in tokens]
    if not words:
        return [], []
    command = unwrap_start(_as_command(words))
    inner = [command.name, *command.args] if command.name is not None else words
    return inner, [key for key, _ in command.assignments]


LOG_VARIABLE = re.compile(r"(^|_|ERROR|ACCESS|AUDIT)LOG_?(FILE|PATH|DIR)", re.IGNORECASE)
# Transaction and commit logs are data, not diagnostics (ZooKeeper's dataLogDir, WALs).
NOT_LOGGING = re.compile(r"DATA_?LOG|TXN_?LOG|TRANSACTION_?LOG|COMMIT_?LOG|BIN_?LOG|WAL", re.I)
LOG_FLAGS = frozenset(
    {
        *("log-file", "logfile", "log-path", "logpath", "log-dir", "logdir", "error-logfile"),
        *("access-logfile", "error-log", "access-log", "errorlog", "accesslog", "log-filename"),
    }
)


def _is_log_destination(value: str | None) -> bool:
    if not value or value in STREAMS:
        return False
    return "/" in value or value.lower().endswith(".log")


@check("DF303")
def log_file_configured(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword in ("ENV", "ARG"):
            for pair in instruction.pairs():
                if (
                    LOG_VARIABLE.search(pair.key)
                    and not NOT_LOGGING.search(pair.key)
                    and _is_log_destination(pair.value)
                ):
                    yield Violation(
                        pair.span,
                        f"{instruction.keyword} {pair.key}={pair.value} sends the log to a file: "
                        "use /dev/stdout or /dev/stderr",
                    )
        elif instruction.keyword in ("CMD", "ENTRYPOINT"):
            scripts = instruction.scripts()
            if scripts:
                for script in scripts:
                    for command in script.commands:
                        yield from _log_flags(instruction.keyword, command.args)
            elif instruction.exec_form is not None:
                tokens = instruction.arguments()
                yield from _log_flags(instruction.keyword, tokens)


def _log_flags(keyword: str, words: Sequence[Word | Token]) -> Iterator[Violation]:
    for index, word in enumerate(words):
        text = word.text
        if not text.startswith("-"):
            continue
        name, eq, value = text.lstrip("-").partition("=")
        if name.lower().replace("_", "-") not in LOG_FLAGS:
            continue
        span = word.span
        if not eq:
            if index + 1 >= len(words):
                continue
            value = words[index + 1].text
            span = _cover(word.span, words[index + 1].span)
        if _is_log_destination(value):
            yield Violation(
                span,
                f"{keyword} option --{name} writes the log to '{value}': pass '-' or /dev/stdout",
            )


@check("DF304")
def shell_form_entrypoint(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in _starts(document):
        if instruction.exec_form is not None or not instruction.value.strip():
            continue
        words = _simple_words(instruction)
        fix = None
        if words is not None:
            exec_form = json.dumps(words, ensure_ascii=False)
            hint = f"{instruction.keyword} {exec_form}"
            if instruction.span.line == instruction.span.end_line:
                safe = _exec_form_is_safe(document, instruction)
                fix = Fix(instruction.value_span(), exec_form, safe=safe)
        else:
            hint = f'the JSON form, e.g. {instruction.keyword} ["/bin/sh", "-c", "… && exec app"]'
        yield Violation(
            Span(
                instruction.span.line,
                instruction.span.column,
                instruction.keyword_span.end_line,
                instruction.keyword_span.end_column,
            ),
            f"{instruction.keyword} in shell form runs under /bin/sh -c, so the application is "
            f"not PID 1 and gets no SIGTERM: use {hint}",
            fix=fix,
        )


# Builtins with no program of their own: the exec form cannot start them.
SHELL_BUILTINS = frozenset(
    {
        *("exec", "cd", "source", ".", "export", "eval", "set", "unset", "ulimit", "umask"),
        *("trap", "wait", "read", "alias", "shift", "return", "exit", "readonly", "local"),
        *("declare", "typeset", "let", ":", "break", "continue", "times", "hash", "type"),
        *("command", "builtin", "getopts", "jobs", "fg", "bg", "shopt", "enable", "{", "!"),
    }
)


def _simple_words(instruction: Instruction) -> list[str] | None:
    """The words of a shell form that is one plain command (no expansion, redirection,
    operator or quoting subtleties), which the exec form can say exactly; else None.
    A leading `exec` is dropped (the exec form runs the program directly anyway); a shell
    builtin has no exec form."""
    scripts = instruction.scripts()
    if len(scripts) != 1 or len(scripts[0].commands) != 1:
        return None
    command = scripts[0].commands[0]
    words = ([command.name] if command.name else []) + command.args
    plain = (
        not command.redirects
        and not command.assignments
        and not command.background
        and all(word.static and not re.search(r"[*?\[~]", word.text) for word in words)
        and scripts[0].text.split() == [word.raw for word in words]
    )
    if not plain or not words:
        return None
    texts = [word.text for word in words]
    if texts[0] == "exec" and len(texts) > 1 and not texts[1].startswith("-"):
        texts = texts[1:]
    return None if texts[0] in SHELL_BUILTINS else texts


def _exec_form_is_safe(document: DockerfileDocument, instruction: Instruction) -> bool:
    """Does rewriting this plain shell form to the exec form keep what the container runs?
    Only for a CMD under the default `/bin/sh -c` whose image is known to have no ENTRYPOINT:
    an ENTRYPOINT receives the CMD words as its arguments, `/bin/sh -c "…"` before and the
    program after (entrypoint scripts test "$1": `[ "$1" = 'redis-server' ]`), and one from an
    image outside this file cannot be seen. A shell-form ENTRYPOINT, once in exec form, also
    receives CMD and the `docker run` arguments, which it ignored: never safe. A SHELL other
    than /bin/sh -c (`bash --login -c` sets up PATH) is not kept by the exec form either."""
    if instruction.keyword != "CMD" or instruction.shell != ["/bin/sh", "-c"]:
        return False
    stage = document.stage_of(instruction)
    if stage is None:
        return False
    chain = stage.ancestry()
    for ancestor in chain:
        entries = [i for i in ancestor.instructions if i.keyword == "ENTRYPOINT"]
        if entries:
            return entries[-1].exec_form == []
    return chain[-1].is_scratch


PYTHON_SERVERS = frozenset({"gunicorn", "uvicorn", "hypercorn", "daphne", "celery", "flask"})
RUNNERS = frozenset({"poetry", "uv", "pipenv", "pdm", "hatch", "rye"})


@dataclass
class _Argv:
    """A command's words after `env`/`sudo` wrappers, with its assignments."""

    words: list[Word | Token]
    assignments: list[str]


def _effective_start(stage: Stage) -> tuple[Instruction | None, Instruction | None]:
    """The ENTRYPOINT and CMD the image of `stage` runs (inherited through its base stages)."""
    entry: Instruction | None = None
    cmd: Instruction | None = None
    for ancestor in reversed(stage.ancestry()):
        cmd_here = False
        for instruction in ancestor.instructions:
            if instruction.keyword == "CMD":
                cmd, cmd_here = instruction, True
            elif instruction.keyword == "ENTRYPOINT":
                entry = instruction
                if not cmd_here:
                    cmd = None
    return entry, cmd


def _argvs(instruction: Instruction, tail: Sequence[Token] = ()) -> list[_Argv]:
    """The commands an instruction runs; `tail` (the CMD words) follows an exec-form
    ENTRYPOINT."""
    scripts = instruction.scripts()
    if scripts:
        out: list[_Argv] = []
        for script in scripts:
            for raw in script.commands:
                if raw.in_substitution:
                    continue
                command = unwrap_start(raw)
                words: list[Word | Token] = [command.name] if command.name else []
                words.extend(command.args)
                out.append(_Argv(words, [key for key, _ in command.assignments]))
        return out
    if instruction.exec_form is not None:
        tokens, assignments = _exec_unwrap(instruction.arguments() + list(tail))
        return [_Argv(list(tokens), assignments)]
    return []


def _python_word(argv: _Argv) -> tuple[Word | Token, bool] | None:
    """The word that starts Python, and whether it is called with -u."""
    words = argv.words
    index = 0
    while index < len(words) and _base(words[index].text) in RUNNERS:
        index += 2 if index + 1 < len(words) and words[index + 1].text == "run" else 1
    if index >= len(words):
        return None
    word = words[index]
    program = _base(word.text)
    if program in PYTHON_SERVERS:
        return word, False
    if not PYTHON.fullmatch(program) or index + 1 >= len(words):
        return None  # not Python, or the bare interpreter (a REPL, which needs a terminal)
    options = iter(words[index + 1 :])
    for option in options:
        text = option.text
        if not text.startswith("-") or text in ("-", "-c", "-m") or text.startswith("--"):
            break
        if text in ("-X", "-W"):
            next(options, None)  # `-X dev`: the value is not an option
        elif "u" in text[1:] and text[1] not in "XWcm":
            return word, True
    return word, False


@check("DF305")
def python_output_buffered(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    stage = document.final_stage()
    if stage is None:
        return
    if stage.env().get("PYTHONUNBUFFERED"):
        return
    entry, cmd = _effective_start(stage)
    argvs: list[_Argv] = []
    if entry is not None:
        tail = cmd.arguments() if cmd is not None and cmd.exec_form is not None else []
        argvs = _argvs(entry, tail)
    elif cmd is not None:
        argvs = _argvs(cmd)
    for argv in argvs:
        found = _python_word(argv)
        if found is None or "PYTHONUNBUFFERED" in argv.assignments:
            continue
        word, unbuffered = found
        if unbuffered:
            continue
        yield Violation(
            word.span,
            f"the image runs '{_base(word.text)}' without PYTHONUNBUFFERED: Python "
            "block-buffers stdout without a terminal, so logs arrive late or are lost on a "
            "crash; set ENV PYTHONUNBUFFERED=1",
        )
        return


@check("DF308")
def wget_progress_bloat(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if command.program != "wget":
                continue
            call = shell_commands.wget(command)
            quiet = ("progress", "quiet", "no-verbose", "output-file", "append-output")
            if call is None or call.has(*quiet):
                continue
            yield Violation(
                command.name.span if command.name else command.span,
                "wget without --progress=dot:giga, -nv or -q prints progress output that "
                "bloats the build log",
            )


# ------------------------------------------------------------------------------ DF403-DF408

SSH_SERVER = re.compile(r"(openssh-server|dropbear)([-=<>~:].*)?", re.IGNORECASE)
SSH_NAMES = re.compile(r"openssh|dropbear", re.IGNORECASE)
SSH_DAEMONS = frozenset({"sshd", "dropbear"})
SYSTEM_PACKAGE_TOOLS = frozenset({"apt-get", "apt", "aptitude", "apk", "zypper"}) | (
    shell_commands.RPM_FAMILY
)


def _ssh_candidates(command: Command) -> list[shell_commands.Package]:
    """The packages a system package manager installs (shared reader), when a word of the
    command names an SSH server: a package's name is in its word, so no other command needs
    reading (and each reader names its tool after the program)."""
    inner = unwrap(command)
    if inner.program not in SYSTEM_PACKAGE_TOOLS:
        return []
    if not any(SSH_NAMES.search(word.text) for word in inner.args):
        return []
    call = shell_commands.invocation(command)
    if call is None or call.tool not in SYSTEM_PACKAGE_TOOLS:
        return []
    return list(call.packages)


def _ssh_package(tool: str, package: shell_commands.Package) -> bool:
    text = package.word.text
    if SSH_SERVER.fullmatch(text) or SSH_SERVER.fullmatch(package.name):
        return True
    return tool == "apk" and package.name == "openssh"


def _runs_ssh_daemon(command: Command) -> bool:
    if command.program in SSH_DAEMONS:
        return True
    return _starts_daemon(command) and any(
        _base(word) in ("ssh", "sshd", "dropbear") for word in command.argv
    )


@check("DF403")
def ssh_server_in_image(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        keyword = instruction.keyword
        if keyword == "EXPOSE" and instruction.parent is None:
            for token in instruction.arguments():
                if token.text.lower() in ("22", "22/tcp"):
                    yield Violation(token.span, "EXPOSE 22 publishes an SSH port")
            continue
        exec_only = instruction.exec_form is not None and not instruction.scripts()
        if keyword in ("CMD", "ENTRYPOINT") and exec_only:
            tokens = _unwrapped_tokens(instruction.arguments())
            if tokens and _base(tokens[0].text) in SSH_DAEMONS:
                yield Violation(tokens[0].span, f"{keyword} runs the SSH server '{tokens[0].text}'")
            continue
        if keyword not in ("RUN", "CMD", "ENTRYPOINT"):
            continue
        for raw in _commands(instruction):
            command = unwrap(raw) if keyword == "RUN" else unwrap_start(raw)
            for package in _ssh_candidates(command):
                if _ssh_package(command.program, package):
                    yield Violation(
                        package.span,
                        f"'{command.program}' installs the SSH server '{package.word.text}'",
                    )
            if _runs_ssh_daemon(command):
                yield Violation(command.span, f"{keyword} runs an SSH server: '{_quote(command)}'")


TLS_ENV_ANY = frozenset({"PIP_TRUSTED_HOST", "GIT_SSL_NO_VERIFY"})
TLS_ENV_VALUES = {
    "PYTHONHTTPSVERIFY": ("0",),
    "NODE_TLS_REJECT_UNAUTHORIZED": ("0",),
    "NPM_CONFIG_STRICT_SSL": ("false", "0", "no"),
    "YARN_ENABLE_STRICT_SSL": ("false", "0"),
    "GIT_SSL_VERIFY": ("false", "0"),
    "CURL_INSECURE": ("1", "true"),
}


def _tls_variable(key: str, value: str | None) -> bool:
    if value is None:
        return False
    if key in TLS_ENV_ANY:
        return value != ""
    wanted = TLS_ENV_VALUES.get(key)
    return wanted is not None and value.strip().lower() in wanted


# The programs _tls_switch reads (and pip's: pip*, python* -m pip, uv pip).
TLS_PROGRAMS = frozenset(
    {
        *("curl", "wget", "apk", "apt-get", "apt", "aptitude", "yum", "dnf", "microdnf"),
        *("tdnf", "zypper", "rpm", "npm", "yarn", "pnpm", "git", "echo", "printf", "tee"),
        *("sed", "yum-config-manager", "uv"),
    }
)
PIP_PROGRAMS = ("pip", "python", "uv")  # what the pip reader looks at (after unwrapping)


def _tls_switch(command: Command) -> tuple[Word, str] | None:
    """The word of a command that switches verification off, and how to name it."""
    program = command.program
    if program not in TLS_PROGRAMS and not unwrap(command).program.startswith(PIP_PROGRAMS):
        return None
    args = command.args
    texts = [word.text for word in args]
    curl = shell_commands.curl(command) if program == "curl" else None
    if curl is not None:
        for option in curl.options:
            if option.name in ("insecure", "proxy-insecure"):
                written = "-k" if not option.word.text.startswith("--") else f"--{option.name}"
                return option.word, f"curl {written}"
    pip = shell_commands.pip(command)
    trusted = pip.option("trusted-host") if pip is not None else None
    if trusted is not None:
        return trusted.word, "pip --trusted-host"
    flags = INSECURE_FLAGS.get(program)
    if flags is not None:
        apt = program in ("apt-get", "apt", "aptitude")
        for word in args:
            text = word.text
            if text in flags or (apt and "=" in text and APT_INSECURE.search(text) is not None):
                return word, f"{program} {text}"
    elif program == "git":
        for word in args:
            if GIT_NO_VERIFY.fullmatch(word.text):
                return word, f"git -c {word.text}"
    if "config" in texts:
        # `npm config set strict-ssl false`, `yarn config set enableStrictSsl false`,
        # `git config --global http.sslVerify false`, `pip config set global.trusted-host x`
        lowered = [text.lower() for text in texts]
        for index, text in enumerate(lowered[:-1]):
            off = lowered[index + 1] in ("false", "0", "no")
            if (
                (program in ("npm", "yarn", "pnpm") and text in CONFIG_KEYS and off)
                or (program == "git" and re.fullmatch(r"http\.(\S+\.)?sslverify", text) and off)
                or (program.startswith("pip") and text.endswith(".trusted-host"))
            ):
                return args[index], f"{program} config {texts[index]} {texts[index + 1]}"
    if program in ("echo", "printf", "tee", "sed", "yum-config-manager", "dnf", "yum"):
        # configuration written by the script: `echo "deb [trusted=yes] …"`,
        # `echo "strict-ssl=false" >> .npmrc`, `--setopt=sslverify=false`
        for word in args:
            setting = CONFIG_TEXT.search(word.text)
            # A `file:` repository holds packages the build itself just made (docker-library).
            local = "trusted=yes" in word.text and LOCAL_REPOSITORY.search(word.text)
            if setting is not None and not local:
                return word, f"{program} … {setting.group(0).strip('[] ')} …"
    return None


# The options that switch checks off, by program; the first one written is reported.
INSECURE_FLAGS: dict[str, frozenset[str]] = {
    "wget": frozenset({"--no-check-certificate"}),
    "apk": frozenset({"--allow-untrusted"}),
    **dict.fromkeys(
        ("apt-get", "apt", "aptitude"),
        frozenset({"--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"}),
    ),
    **dict.fromkeys(("yum", "dnf", "microdnf", "tdnf"), frozenset({"--nogpgcheck"})),
    "zypper": frozenset({"--no-gpg-checks", "--no-check-signatures"}),
    "rpm": frozenset({"--nosignature", "--nodigest"}),
    **dict.fromkeys(("npm", "yarn", "pnpm"), frozenset({"--strict-ssl=false", "--no-strict-ssl"})),
}
APT_INSECURE = re.compile(r"(Verify-Peer|Verify-Host)=(false|0)|AllowUnauthenticated=(true|1)")
GIT_NO_VERIFY = re.compile(r"http\.(\S+\.)?sslverify=(false|0|no)", re.IGNORECASE)
CONFIG_KEYS = frozenset({"strict-ssl", "enablestrictssl"})
LOCAL_REPOSITORY = re.compile(r"\]\s+(file|copy):")
CONFIG_TEXT = re.compile(
    r"\[(?:[^\]\[]*\s)?trusted=yes[\s\]]|strict-ssl\s*=\s*false|sslverify\s*=\s*(?:false|0|no)\b"
    r"|trusted-host\s*=",
    re.IGNORECASE,
)


@check("DF405")
def tls_verification_disabled(
    document: DockerfileDocument, context: CheckContext
) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        if instruction.keyword in ("ENV", "ARG"):
            for pair in instruction.pairs():
                if _tls_variable(pair.key, pair.value):
                    yield Violation(
                        pair.span,
                        f"{instruction.keyword} {pair.key}={pair.value} switches TLS "
                        "verification off",
                    )
            continue
        for raw in _commands(instruction):
            yield from _command_tls(raw)


def _command_tls(raw: Command) -> list[Violation]:
    # A list, not a generator: this runs for every command, and most yield nothing.
    command = unwrap(raw)
    found: list[Violation] = []
    for key, word in command.assignments:
        value = word.text
        if _tls_variable(key, value):
            found.append(
                Violation(
                    word.span,
                    f"{key}={value} switches TLS verification off for "
                    f"'{command.program or 'the shell'}'",
                )
            )
    if command.program == "export":
        for word in command.args:
            key, eq, value = word.text.partition("=")
            if eq and _tls_variable(key, value):
                found.append(
                    Violation(word.span, f"export {key}={value} switches TLS verification off")
                )
    switch = _tls_switch(command)
    if switch is not None:
        word, what = switch
        found.append(Violation(word.span, f"'{what}' switches certificate or signature checks off"))
    return found


def _mode_grants_other_write(mode: str) -> bool:
    """Does a chmod mode give write permission to others (sticky-bit modes excepted)?"""
    if re.fullmatch(r"[0-7]{1,4}", mode):
        digits = mode[-4:].rjust(4, "0")
        return int(digits[-1]) & 2 == 2 and not int(digits[0]) & 1
    grants = False
    for clause in mode.split(","):
        match = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXstugo]*)+)", clause)
        if match is None:
            return False
        who, actions = match.groups()
        for op, perms in re.findall(r"([-+=])([rwxXstugo]*)", actions):
            if op in "+=" and "t" in perms:
                return False
            # Without a "who", the umask (normally 022) keeps write away from others.
            others = set(who) & {"o", "a"}
            if op in "+=" and "w" in perms and others:
                grants = True
    return grants


@check("DF407")
def world_writable(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        if instruction.keyword in ("COPY", "ADD"):
            flag = instruction.flag("chmod")
            if flag is not None and flag.value and _mode_grants_other_write(flag.value):
                yield Violation(
                    flag.span,
                    f"{instruction.keyword} --chmod={flag.value} makes the files writable by "
                    "every user",
                )
        elif instruction.keyword == "RUN":
            for raw in _commands(instruction):
                yield from _chmod_world_writable(unwrap(raw))


def _chmod_world_writable(command: Command) -> list[Violation]:
    """`chmod MODE …`, `mkdir -m MODE …`, `install -m MODE …` (read by `mode_setting`). A
    list, not a generator: this runs for every command."""
    setting = shell_commands.mode_setting(command)
    if setting is None:
        return []
    program, mode_word, mode, paths = command.program, setting.word, setting.mode, setting.paths
    if not mode_word.static or not _mode_grants_other_write(mode):
        return []
    where = f" '{paths[0].text}'" if paths else ""
    return [
        Violation(
            mode_word.span,
            f"{program} {mode}{where} makes it writable by every user; give it to the user "
            "that needs it (chown) or use group permissions",
        )
    ]


@check("DF408")
def sudo_in_run(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            wrappers = [raw.name, *_wrapper_words(raw)] if raw.name else []
            sudo = next((word for word in wrappers if _base(word.text) == "sudo"), None)
            if sudo is not None:
                yield Violation(
                    sudo.span,
                    f"'{_quote(raw)}' in RUN: use USER to switch users (gosu or su-exec at run "
                    "time) instead of sudo",
                )


# ------------------------------------------------------------------------------ DF515, DF516


@check("DF515")
def curl_and_wget(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        own = [i for i in stage.instructions if i.keyword == "RUN"]
        wrapped = [
            i.onbuild for i in stage.instructions if i.onbuild and i.onbuild.keyword == "RUN"
        ]
        for group in (own, wrapped):
            yield from _both_tools(group)


def _both_tools(instructions: list[Instruction]) -> Iterator[Violation]:
    first: dict[str, Command] = {}
    for instruction in instructions:
        for raw in _commands(instruction):
            command = unwrap(raw)
            tool = command.program
            if tool not in ("curl", "wget") or tool in first:
                continue
            first[tool] = command
            if len(first) == 2:
                yield Violation(
                    command.name.span if command.name else command.span,
                    f"this stage uses both curl (line {first['curl'].span.line}) and wget "
                    f"(line {first['wget'].span.line}): use one of them",
                )
                return


@check("DF516")
def useradd_long_uid(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if command.program != "useradd" or command.name is None:
                continue
            parsed = arguments(command)
            if parsed.has("l", "no-log-init"):
                continue
            uids = parsed.get("u", "uid")
            if not uids or uids[-1].value is None or not uids[-1].value.isdigit():
                continue
            uid = uids[-1]
            holder = uid.value_holder
            if holder is not None and not holder.static:
                continue
            if int(uid.value or "0") < 100000:
                continue
            name = command.name
            yield Violation(
                holder.span if holder else name.span,
                f"useradd -u {uid.value} without -l writes huge sparse lastlog/faillog "
                "entries into the image: add -l (--no-log-init)",
                fix=Fix(name.span, f"{name.raw} -l", safe=True),
            )
