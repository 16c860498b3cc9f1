"""What a command line means to the tool it runs: the one place that reads package-manager and
download-tool arguments. Every rule that asks "which packages does this install?" asks here.

    unwrap(command) -> Command            strips sudo/env/command/xargs/nice/time/exec/nohup/…
    invocation(command) -> Invocation     the command read against its tool's option table
    apt_get / apk / yum / zypper / rpm / pip / npm / gem / bundle / go / cargo / composer / uv /
    curl / wget / git / tar (command) -> Invocation | None   (None when it is another program)
    download(command) -> Download | None  what curl/wget fetch and where the bytes go
    verification(command) -> Verification | None   sha256sum -c, gpg --verify, cosign verify…;
                                          `weak` for md5sum -c
    verifies(command, weak=True) -> bool  the same as a yes/no
    extracts(command) -> bool             tar x, unzip, gunzip, xz -d, bsdtar, cpio -i
    pip_git_ref / npm_git_ref(spec) -> str | None   the ref of a git+/github: package spec
    parse_args(words, …) -> ParsedArgs    generic GNU option reading (chmod, ln, useradd, tail …);
                                          arguments(command) with the tool's value options
    written_paths(command) -> list[Word]  files a command writes (redirects, cp/mv, tee, sed -i …)
    sed_in_place(command) -> bool         `sed -i`/`--in-place`: sed edits its files
    removed_paths(command) -> list[Word]  the paths `rm` deletes
    mode_setting(command) -> ModeSetting | None   the mode chmod / mkdir -m / install -m set
    unwrap_start(command) -> Command      unwrap, plus tini/dumb-init/gosu/su-exec/chpst
    reads_program_from_stdin(command) -> bool   `sh`, `bash -s`, `python3 -`: runs piped code
    service_control(command) -> ServiceControl | None   systemctl/service/init.d/…: manager,
                                          action and service
    keeps_alive(command) -> Word | None   `tail -f`, `sleep infinity`: a dummy foreground process

Options are normalised to their long name without dashes (`-y`, `--yes`, `--assume-yes` are all
`yes` for apt-get); short clusters are split (`-qqy` is quiet, quiet, yes), and options that take
a value consume it (`-o Dpkg::Options::=x`, `-t bookworm-backports`), so a value is never taken
for a package. Package words are split into name and version the way each tool reads them.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from infralint.model import Span
from infralint.parsers.interpolation import MAX_EXPANSION
from infralint.parsers.shell import Command, Word

# ------------------------------------------------------------------------------ data


# The records below are NamedTuples, not frozen dataclasses: immutable all the same, and several
# times faster to make (a run makes one per option and package word) and to import.


class Option(NamedTuple):
    name: str  # canonical long name without dashes ("yes"), or the letter when there is none
    value: str | None
    word: Word  # the word the option is written in
    value_word: Word | None = None  # the separate value word (`-o X`), None when inline or absent

    @property
    def value_holder(self) -> Word | None:
        """The word the value is written in: the separate value word, or the option word itself
        when the value is inline (`-C/dir`, `--mode=755`); None without a value."""
        if self.value_word is not None:
            return self.value_word
        return self.word if self.value is not None else None


class Package(NamedTuple):
    """One package argument. `version` is the pin without its separator (`1.2` in `curl=1.2`,
    `>=1.0` keeps the operator in `operator`); `kind` says what the word names:
    name | file (.deb/.rpm/.whl/.apk/tarball) | path | url | vcs | group | dynamic."""

    word: Word
    name: str
    version: str | None = None
    operator: str | None = None
    kind: str = "name"
    via: str | None = None  # the variable the name came from (`$PKGS`), see expand_packages

    @property
    def span(self) -> Span:
        return self.word.span

    @property
    def pinned(self) -> bool:
        if self.kind == "name":
            return self.version is not None
        if self.kind == "vcs":
            return self.version is not None
        return True


@dataclass
class Invocation:
    """A package manager or tool call, read from a command."""

    command: Command  # the unwrapped command
    tool: str  # the program as invoked, canonical: "apt-get", "pip", "npm", "dnf", …
    subcommand: str | None = None
    subcommand_word: Word | None = None
    options: list[Option] = field(default_factory=list)
    operands: list[Word] = field(default_factory=list)  # positional words after the subcommand
    packages: list[Package] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)  # the argument words read (after `pip` etc.)

    def has(self, *names: str) -> bool:
        return any(option.name in names for option in self.options)

    def count(self, name: str) -> int:
        return sum(1 for option in self.options if option.name == name)

    def values(self, name: str) -> list[str]:
        return [o.value for o in self.options if o.name == name and o.value is not None]

    def value(self, name: str) -> str | None:
        found = self.values(name)
        return found[-1] if found else None

    def option(self, *names: str) -> Option | None:
        return next((option for option in self.options if option.name in names), None)


class Spec(NamedTuple):
    """A tool's option table."""

    value_short: str = ""  # letters whose option takes a value (`o` for `-o X`)
    value_long: frozenset[str] = frozenset()  # long names that take a value
    aliases: Mapping[str, str] = MappingProxyType({})  # letter/long name -> canonical name
    single_dash_long: bool = False  # go: `-tags x`, `-ldflags=…`
    multi_letter_short: frozenset[str] = frozenset()  # wget: -nv, -nc; gpg-like words
    subcommand: bool = True
    optional_value_long: frozenset[str] = frozenset()  # only with `=` (`--progress=bar`)


def _spec(
    value_short: str = "",
    value_long: Iterable[str] = (),
    aliases: dict[str, str] | None = None,
    **kwargs: object,
) -> Spec:
    return Spec(value_short, frozenset(value_long), aliases or {}, **kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ unwrapping

_WRAPPER_VALUE_OPTIONS: dict[str, tuple[str, frozenset[str]]] = {
    # program: (short options with a value, long options with a value)
    "sudo": ("ugChDprTUg", frozenset({"user", "group", "host", "prompt", "chdir", "role", "type",
                                      "other-user", "close-from", "command-timeout"})),
    "doas": ("uC", frozenset()),
    "env": ("uSC", frozenset({"unset", "chdir", "split-string"})),
    "xargs": ("IiLlnPdEsae", frozenset({"replace", "max-lines", "max-args", "max-procs",
                                        "delimiter", "eof", "max-chars", "arg-file",
                                        "process-slot-var"})),
    "nice": ("n", frozenset({"adjustment"})),
    "ionice": ("cnp", frozenset({"class", "classdata", "pid"})),
    "time": ("fo", frozenset({"format", "output"})),
    "exec": ("a", frozenset()),
    "timeout": ("sk", frozenset({"signal", "kill-after"})),
    "stdbuf": ("ioe", frozenset({"input", "output", "error"})),
    "command": ("", frozenset()),
    "builtin": ("", frozenset()),
    "nohup": ("", frozenset()),
    "eatmydata": ("", frozenset()),
    "fakeroot": ("", frozenset()),
    "setsid": ("", frozenset()),
    "chronic": ("", frozenset()),
}  # fmt: skip
WRAPPERS = frozenset(_WRAPPER_VALUE_OPTIONS)


def _assignment_value(name: str, word: Word) -> Word:
    """The value part of an `env` argument `NAME=value`, as its own word (text, raw and span of
    the value only), the way the shell model gives prefix assignments (`A=1 cmd`)."""
    text = word.text[len(name) + 1 :]
    if not word.raw.startswith(name + "="):  # `"A=1"`: quoted as a whole, keep the word's place
        return Word(text, word.raw, None, word.static, offset=word.offset, origin=word.origin,
                    end=word.end)  # fmt: skip
    skip = len(name) + 1
    return Word(
        text, word.raw[skip:], None, word.static, offset=word.offset + skip, origin=word.origin,
        end=word.end,
    )  # fmt: skip


def unwrap(command: Command) -> Command:
    """The command a wrapper runs: `sudo -E env A=1 apt-get install x` -> `apt-get install x`.
    `env` assignments join `assignments` as (name, value word), like the shell's own prefix
    assignments (`A=1 cmd`); `command -v x` (a lookup) is returned unchanged."""
    found = command.unwrapped
    if found is not None:
        return found
    if command.runs_itself:
        return command
    found = _unwrap(command)
    if found is command:
        command.runs_itself = True
    else:
        command.unwrapped = found
    return found


def _unwrap(command: Command) -> Command:
    current = command
    for _ in range(8):
        if current.name is None:
            return current
        program = current.program
        spec = _WRAPPER_VALUE_OPTIONS.get(program)
        if spec is None or not current.args:
            return current
        short, long = spec
        args = current.args
        assignments = list(current.assignments)
        index = 0
        while index < len(args):
            text = args[index].text
            if text == "--":
                index += 1
                break
            if program == "env" and "=" in text and not text.startswith("-"):
                name, _, _value = text.partition("=")
                assignments.append((name, _assignment_value(name, args[index])))
                index += 1
                continue
            if not text.startswith("-") or text == "-":
                break
            if program in ("command", "builtin") and text in ("-v", "-V"):
                return current  # a lookup, not a run
            if text.startswith("--"):
                name = text[2:].partition("=")[0]
                index += 2 if name in long and "=" not in text else 1
                continue
            letters = text[1:]
            takes = next((i for i, ch in enumerate(letters) if ch in short), None)
            index += 2 if takes is not None and takes == len(letters) - 1 else 1
        if program == "timeout" and index < len(args):
            index += 1  # the duration
        if index >= len(args):
            return current
        current = dataclasses.replace(
            current, name=args[index], args=list(args[index + 1 :]), assignments=assignments
        )
    return current


# ------------------------------------------------------------------------------ option reading


def read(command: Command, tool: str, spec: Spec, words: list[Word] | None = None) -> Invocation:
    """Read `words` (default: the command's arguments) against `spec`."""
    words = command.args if words is None else words
    result = Invocation(command, tool, words=list(words))
    operands: list[Word] = []
    index = 0
    count = len(words)
    while index < count:
        word = words[index]
        text = word.text
        index += 1
        if not word.static and text.startswith("$"):
            operands.append(word)
            continue
        if text == "--":
            operands.extend(words[index:])
            break
        if len(text) < 2 or text[0] != "-":
            operands.append(word)
            continue
        if text.startswith("--") or (spec.single_dash_long and text[1] != "-"):
            body = text[2:] if text.startswith("--") else text[1:]
            name, equals, inline = body.partition("=")
            canonical = spec.aliases.get(name, name)
            if equals:
                result.options.append(Option(canonical, inline, word))
            elif (name in spec.value_long or canonical in spec.value_long) and index < count:
                result.options.append(Option(canonical, words[index].text, word, words[index]))
                index += 1
            else:
                result.options.append(Option(canonical, None, word))
            continue
        if text[1:] in spec.multi_letter_short:
            name = text[1:]
            result.options.append(Option(spec.aliases.get(name, name), None, word))
            continue
        letters = text[1:]
        for position, letter in enumerate(letters):
            canonical = spec.aliases.get(letter, letter)
            if letter in spec.value_short:
                rest = letters[position + 1 :]
                if rest:
                    value = rest[1:] if rest.startswith("=") else rest
                    result.options.append(Option(canonical, value, word))
                elif index < count:
                    result.options.append(Option(canonical, words[index].text, word, words[index]))
                    index += 1
                else:
                    result.options.append(Option(canonical, None, word))
                break
            result.options.append(Option(canonical, None, word))
    if spec.subcommand and operands:
        result.subcommand_word = operands[0]
        result.subcommand = operands[0].text
        operands = operands[1:]
    result.operands = operands
    return result


# ------------------------------------------------------------------------------ tools

APT_SPEC = _spec(
    "octaP",
    {"option", "config-file", "target-release", "default-release", "host-architecture",
     "build-profiles", "solver", "planner", "arch", "comment"},
    {"y": "yes", "assume-yes": "yes", "q": "quiet", "t": "target-release",
     "default-release": "target-release", "o": "option", "c": "config-file",
     "a": "host-architecture", "P": "build-profiles", "d": "download-only",
     "f": "fix-broken", "m": "ignore-missing", "s": "simulate", "V": "verbose-versions",
     "u": "show-upgraded", "b": "compile"},
)  # fmt: skip
APT_TOOLS = frozenset({"apt-get", "apt", "aptitude", "apt-cache"})
APT_INSTALLS = frozenset({"install", "reinstall"})


def apt_get(command: Command) -> Invocation | None:
    """apt-get, apt, aptitude and apt-cache (`tool` tells which)."""
    command = unwrap(command)
    if command.program not in APT_TOOLS:
        return None
    call = read(command, command.program, APT_SPEC)
    if call.subcommand in APT_INSTALLS:
        call.packages = [_apt_package(word) for word in call.operands]
    return call


def _is_path(text: str) -> bool:
    return text.startswith(("/", "./", "../", "~/")) or text in (".", "..")


def _is_url(text: str) -> bool:
    return "://" in text and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text) is not None


def _dynamic(word: Word) -> bool:
    """A word made of expansions with no version separator of its own (`$PKGS`, `${DEPS}`,
    `$(cat list)`): nothing to judge. `curl=${V}` is not dynamic: its pin is visible."""
    return not word.static and re.search(r"[=<>~@:]", word.text) is None


def _apt_package(word: Word) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if text.endswith(".deb") or _is_path(text):
        return Package(word, text, kind="file")
    if "=" in text:
        name, _, version = text.partition("=")
        return Package(word, name, version, "=")
    if "/" in text:  # curl/bookworm-backports: a release pin, as hadolint reads it
        name, _, release = text.partition("/")
        return Package(word, name, release, "/")
    return Package(word, text)


APK_SPEC = _spec(
    "tXp",
    {"virtual", "repository", "root", "repositories-file", "keys-dir", "arch", "cache-dir",
     "cache-max-age"},
    {"t": "virtual", "X": "repository", "p": "root", "U": "update-cache", "q": "quiet",
     "v": "verbose", "i": "interactive", "f": "force"},
)  # fmt: skip


def apk(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "apk":
        return None
    call = read(command, "apk", APK_SPEC)
    if call.subcommand == "add":
        call.packages = [_apk_package(word) for word in call.operands]
    return call


_APK_OPERATOR = re.compile(r"(>=|<=|~=|=~|=|~|>|<)")
_ZYPPER_OPERATOR = re.compile(r"(>=|<=|=|>|<)")


def _operator_package(word: Word, file_suffix: str, operator: re.Pattern[str]) -> Package:
    """`name<op>version` (apk `curl=8.5.0-r0`, zypper `curl>=8`), a local file, or a name."""
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if text.endswith(file_suffix) or _is_path(text) or _is_url(text):
        return Package(word, text, kind="file")
    match = operator.search(text)
    if match:
        return Package(word, text[: match.start()], text[match.end() :], match.group(1))
    return Package(word, text)


def _apk_package(word: Word) -> Package:
    return _operator_package(word, ".apk", _APK_OPERATOR)


RPM_FAMILY = frozenset({"yum", "dnf", "microdnf", "dnf5", "tdnf"})
YUM_SPEC = _spec(
    "cdexR",
    {"config", "setopt", "enablerepo", "disablerepo", "repo", "repoid", "releasever",
     "installroot", "exclude", "downloaddir", "debuglevel", "errorlevel", "rpmverbosity",
     "color", "forcearch", "destdir", "repofrompath", "comment", "disableplugin",
     "enableplugin", "advisory", "cve", "sec-severity"},
    {"y": "assumeyes", "assumeyes": "assumeyes", "yes": "assumeyes", "q": "quiet",
     "c": "config", "x": "exclude", "C": "cacheonly", "v": "verbose", "b": "best"},
)  # fmt: skip
RPM_INSTALLS = frozenset({"install", "groupinstall", "localinstall", "in", "reinstall"})


def yum(command: Command) -> Invocation | None:
    """yum, dnf, microdnf (and dnf5/tdnf). `dnf module install x:1` reads as subcommand
    "module install" with module packages."""
    command = unwrap(command)
    if command.program not in RPM_FAMILY:
        return None
    call = read(command, command.program, YUM_SPEC)
    if call.subcommand in ("module", "group", "groups") and call.operands:
        call.subcommand = f"{call.subcommand} {call.operands[0].text}"
        call.operands = call.operands[1:]
    if call.subcommand in RPM_INSTALLS:
        call.packages = [_rpm_package(word) for word in call.operands]
    elif call.subcommand == "module install":
        call.packages = [_module_package(word) for word in call.operands]
    elif call.subcommand in ("group install", "groups install"):
        call.packages = [Package(word, word.text, kind="group") for word in call.operands]
    return call


_RPM_VERSION_PART = re.compile(r"^[0-9A-Za-z.~^_:+]+$")


def _rpm_package(word: Word) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if text.endswith(".rpm") or _is_path(text) or _is_url(text):
        return Package(word, text, kind="file")
    if text.startswith("@"):
        return Package(word, text, kind="group")
    for operator in (">=", "<=", "=", ">", "<"):
        if operator in text:
            name, _, version = text.partition(operator)
            return Package(word, name.strip(), version.strip(), operator)
    # name-version[-release]: some part after the first `-` starts with a digit (as hadolint)
    parts = text.split("-")
    for index in range(1, len(parts)):
        tail = parts[index:]
        if all(_RPM_VERSION_PART.match(p) for p in tail) and tail[0][:1].isdigit():
            return Package(word, "-".join(parts[:index]), "-".join(tail), "-")
    return Package(word, text)


def _module_package(word: Word) -> Package:
    name, colon, stream = word.text.partition(":")
    if _dynamic(word):
        return Package(word, word.text, kind="dynamic")
    return Package(word, name, stream if colon else None, ":" if colon else None)


ZYPPER_SPEC = _spec(
    "trRpc",
    {"type", "repo", "from", "root", "config", "reposd-path", "cache-dir", "raw-cache-dir",
     "solv-cache-dir", "pkg-cache-dir", "releasever", "comment", "download"},
    {"n": "non-interactive", "y": "no-confirm", "t": "type", "r": "repo", "R": "root",
     "q": "quiet", "x": "xmlout", "c": "config", "l": "auto-agree-with-licenses",
     "f": "force", "D": "dry-run"},
)  # fmt: skip
ZYPPER_ALIASES = {
    "in": "install",
    "rm": "remove",
    "up": "update",
    "dup": "dist-upgrade",
    "ref": "refresh",
    "cc": "clean",
    "si": "source-install",
    "ve": "verify",
    "pchk": "patch-check",
}


def zypper(command: Command) -> Invocation | None:
    """zypper; `subcommand` is normalised (`in` -> install, `dup` -> dist-upgrade)."""
    command = unwrap(command)
    if command.program != "zypper":
        return None
    call = read(command, "zypper", ZYPPER_SPEC)
    if call.subcommand:
        call.subcommand = ZYPPER_ALIASES.get(call.subcommand, call.subcommand)
    if call.subcommand == "install":
        call.packages = [_zypper_package(word) for word in call.operands]
    return call


def _zypper_package(word: Word) -> Package:
    return _operator_package(word, ".rpm", _ZYPPER_OPERATOR)


RPM_SPEC = _spec(
    "rDE",
    {"root", "define", "eval", "dbpath", "macros", "rcfile", "predefine", "excludepath",
     "relocate", "prefix", "queryformat", "qf"},
    {"i": "install", "U": "upgrade", "F": "freshen", "e": "erase", "q": "query",
     "v": "verbose", "h": "hash", "K": "checksig"},
    subcommand=False,
)  # fmt: skip


def rpm(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "rpm":
        return None
    call = read(command, "rpm", RPM_SPEC)
    if call.has("install", "upgrade", "freshen"):
        call.packages = [Package(word, word.text, kind="file") for word in call.operands]
    return call


# -- pip ------------------------------------------------------------------------------------

PIP_SPEC = _spec(
    "rceiftbC",
    {"requirement", "constraint", "editable", "index-url", "extra-index-url", "find-links",
     "target", "prefix", "root", "src", "platform", "python-version", "implementation", "abi",
     "no-binary", "only-binary", "progress-bar", "proxy", "trusted-host", "upgrade-strategy",
     "root-user-action", "python", "build", "cache-dir", "log", "log-file", "timeout",
     "retries", "cert", "client-cert", "exists-action", "global-option", "install-option",
     "config-settings", "report", "use-feature", "use-deprecated", "keyring-provider",
     "group", "hash", "build-option", "extra", "index", "default-index", "constraints",
     "requirements", "overrides", "python-platform"},
    {"r": "requirement", "c": "constraint", "e": "editable", "i": "index-url",
     "f": "find-links", "t": "target", "b": "build", "C": "config-settings",
     "U": "upgrade", "q": "quiet", "v": "verbose", "I": "ignore-installed",
     "requirements": "requirement", "constraints": "constraint"},
)  # fmt: skip
_PIP_NAME = re.compile(r"^pip(\d+(\.\d+)*)?$")
_PYTHON_NAME = re.compile(r"^python(\d+(\.\d+)*)?$")
VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+", "git://")
PIP_OPERATORS = ("===", "==", ">=", "<=", "!=", "~=", ">", "<")


def pip(command: Command) -> Invocation | None:
    """pip, pip3, pip3.12, `python3 -m pip`, `uv pip` (`tool` is "pip" or "uv pip");
    pipx and pipenv are other tools."""
    command = unwrap(command)
    program = command.program
    words: list[Word] | None = None
    tool = "pip"
    if program.startswith("pip") and _PIP_NAME.match(program):
        words = command.args
    elif program.startswith("python") and _PYTHON_NAME.match(program):
        words = _python_module_args(command.args, "pip")
    elif program == "uv" and command.args and command.args[0].text == "pip":
        words, tool = command.args[1:], "uv pip"
    if words is None:
        return None
    call = read(command, tool, PIP_SPEC, words)
    if call.subcommand == "install":
        call.packages = [_pip_package(word) for word in call.operands]
        call.packages += [
            Package(option.value_word or option.word, option.value or "", kind="path")
            for option in call.options
            if option.name == "editable"
        ]
    return call


def _python_module_args(args: list[Word], module: str) -> list[Word] | None:
    """The arguments after `-m <module>` of a python command line."""
    for index, word in enumerate(args):
        text = word.text
        if text == "-m" and index + 1 < len(args):
            return args[index + 2 :] if args[index + 1].text == module else None
        if text == f"-m{module}":
            return args[index + 1 :]
        if not text.startswith("-"):
            return None  # a script: `python setup.py …`
    return None


def _pip_package(word: Word) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if text.startswith(VCS_PREFIXES):
        return Package(word, text, _vcs_ref(text), "@", "vcs")
    if " @ " in text or re.match(r"^[A-Za-z0-9._-]+(\[[^\]]*\])?@\s*\S+://", text):
        name, _, url = text.partition("@")
        url = url.strip()
        if url.startswith(VCS_PREFIXES):
            return Package(word, name.strip(), _vcs_ref(url), "@", "vcs")
        return Package(word, name.strip(), url, "@", "url")
    if _is_url(text):
        return Package(word, text, kind="url")
    if text.endswith((".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz")):
        return Package(word, text, kind="file")
    if _is_path(text) or "/" in text:
        return Package(word, text, kind="path")
    match = re.search(r"(===|==|>=|<=|!=|~=|>|<)", text)
    if match:
        name = text[: match.start()].strip()
        return Package(word, _strip_extras(name), text[match.end() :].strip(), match.group(1))
    return Package(word, _strip_extras(text.split(";")[0].strip()))


def _strip_extras(name: str) -> str:
    return name.split("[", 1)[0]


def _vcs_ref(url: str) -> str | None:
    """The `@ref` of a VCS URL (`git+https://host/x.git@v1.0#egg=x` -> v1.0), ignoring `user@`."""
    url = url.split("#", 1)[0]
    rest = url.split("://", 1)[1] if "://" in url else url
    path = rest.split("/", 1)[1] if "/" in rest else ""
    if "@" in path:
        return path.rsplit("@", 1)[1] or None
    return None


# -- npm / yarn / pnpm ----------------------------------------------------------------------

NODE_SPEC = _spec(
    "wC",
    {"registry", "loglevel", "prefix", "workspace", "omit", "include", "tag", "cache",
     "userconfig", "globalconfig", "only", "before", "proxy", "https-proxy", "install-strategy",
     "network-timeout", "modules-folder", "cwd", "mutex", "cache-folder", "dir", "filter",
     "reporter", "store-dir", "virtual-store-dir", "lockfile-dir", "mode"},
    {"g": "global", "D": "save-dev", "P": "save-prod", "E": "save-exact", "O": "save-optional",
     "S": "save", "w": "workspace", "C": "cwd"},
)  # fmt: skip
NPM_INSTALLS = frozenset(
    {"install", "i", "add", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
     "isntall"}
)  # fmt: skip
NODE_TOOLS = frozenset({"npm", "yarn", "pnpm"})


def npm(command: Command) -> Invocation | None:
    """npm, yarn, pnpm. Package arguments are read for `npm install/i/add`, `yarn add`,
    `yarn global add`, `pnpm add`/`pnpm install <pkg>`; `subcommand` "install" for `npm i`."""
    command = unwrap(command)
    program = command.program
    if program not in NODE_TOOLS:
        return None
    call = read(command, program, NODE_SPEC)
    if program == "yarn" and call.subcommand == "global" and call.operands:
        call.subcommand = call.operands[0].text
        call.operands = call.operands[1:]
        call.options.append(Option("global", None, call.subcommand_word or command.args[0]))
    if program == "npm" and call.subcommand in NPM_INSTALLS:
        call.subcommand = "install"
    if program == "pnpm" and call.subcommand == "i":
        call.subcommand = "install"
    if call.subcommand in ("install", "add"):
        call.packages = [_node_package(word) for word in call.operands]
    return call


def _node_package(word: Word) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if text.startswith(("git:", "git+", "github:", "gitlab:", "bitbucket:", "gist:")) or (
        re.match(r"^[\w.-]+/[\w.-]+(#.*)?$", text) is not None and not text.startswith("@")
    ):
        ref = text.split("#", 1)[1] if "#" in text else None
        return Package(word, text.split("#", 1)[0], ref, "#", "vcs")
    if text.endswith((".tgz", ".tar.gz", ".tar")):
        return Package(word, text, kind="file")
    if _is_path(text) or text.startswith("file:"):
        return Package(word, text, kind="path")
    if _is_url(text):
        return Package(word, text, kind="url")
    scope = ""
    rest = text
    if text.startswith("@") and "/" in text:
        scope, _, rest = text.partition("/")
        scope += "/"
    name, at, version = rest.partition("@")
    if name.startswith("npm:"):
        name = name[4:]
    return Package(word, scope + name, version if at else None, "@" if at else None)


# -- gem / bundle ---------------------------------------------------------------------------

GEM_SPEC = _spec(
    "vinsPgB",
    {"version", "install-dir", "bindir", "source", "trust-policy", "platform", "file",
     "build-root", "document", "target-rbconfig", "config-file", "env-shebang-path"},
    {"v": "version", "i": "install-dir", "n": "bindir", "s": "source", "P": "trust-policy",
     "g": "file", "N": "no-document", "E": "env-shebang", "f": "force", "w": "wrappers"},
)  # fmt: skip
# `--document` takes its list only with `=`; as a bare word it is a flag.
GEM_SPEC = GEM_SPEC._replace(value_long=GEM_SPEC.value_long - {"document"})


def gem(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "gem":
        return None
    call = read(command, "gem", GEM_SPEC)
    if call.subcommand == "i":
        call.subcommand = "install"
    if call.subcommand == "install":
        version = call.value("version")
        call.packages = [_gem_package(word, version) for word in call.operands]
    return call


def _gem_package(word: Word, version: str | None) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if text.endswith(".gem") or _is_path(text):
        return Package(word, text, kind="file")
    name, colon, pin = text.partition(":")
    if colon:
        return Package(word, name, pin, ":")
    if version is not None:
        return Package(word, text, version, "-v")
    return Package(word, text)


BUNDLE_SPEC = _spec(
    "j",
    {"path", "without", "with", "gemfile", "jobs", "retry", "binstubs", "shebang", "standalone",
     "trust-policy", "target-rbconfig"},
    {"j": "jobs"},
)  # fmt: skip


def bundle(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program not in ("bundle", "bundler"):
        return None
    return read(command, "bundle", BUNDLE_SPEC)


# -- go / cargo / composer / uv -------------------------------------------------------------

GO_SPEC = _spec(
    "",
    {"o", "p", "tags", "ldflags", "gcflags", "asmflags", "mod", "modfile", "C", "pkgdir",
     "toolexec", "buildmode", "compiler", "overlay", "pgo", "gccgoflags", "installsuffix",
     "exec", "coverpkg", "covermode", "run", "bench", "count", "timeout"},
    single_dash_long=True,
)  # fmt: skip
GO_META_PACKAGES = frozenset({"tool", "all", "std", "cmd"})
GO_MOVING = frozenset({"latest", "upgrade", "patch", "master", "main", "HEAD"})


def go(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "go":
        return None
    call = read(command, "go", GO_SPEC)
    if call.subcommand in ("install", "get"):
        call.packages = [_go_package(word) for word in call.operands]
    return call


def _go_package(word: Word) -> Package:
    text = word.text
    if _dynamic(word):
        return Package(word, text, kind="dynamic")
    if _is_path(text) or text.startswith(".") or text in GO_META_PACKAGES:
        return Package(word, text, kind="path")  # local code, or go.mod's own tools
    name, at, version = text.partition("@")
    return Package(word, name, version if at else None, "@" if at else None)


CARGO_SPEC = _spec(
    "jFpZ",
    {"version", "vers", "git", "branch", "tag", "rev", "path", "root", "index", "registry",
     "features", "jobs", "target", "target-dir", "profile", "bin", "example", "config",
     "color", "manifest-path", "package", "lockfile-path", "message-format"},
    {"vers": "version", "F": "features", "j": "jobs", "p": "package", "f": "force",
     "q": "quiet", "v": "verbose"},
)  # fmt: skip


def cargo(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "cargo":
        return None
    call = read(command, "cargo", CARGO_SPEC)
    if call.subcommand == "install":
        version = call.value("version")
        pinned_source = call.has("path") or (call.has("git") and call.has("tag", "rev"))
        packages = []
        for word in call.operands:
            name, at, pin = word.text.partition("@")
            if _dynamic(word):
                packages.append(Package(word, word.text, kind="dynamic"))
            elif pinned_source:
                packages.append(Package(word, name, kind="path"))
            elif at:
                packages.append(Package(word, name, pin, "@"))
            else:
                packages.append(Package(word, name, version, "--version" if version else None))
        call.packages = packages
    return call


COMPOSER_SPEC = _spec("d", {"working-dir"}, {"d": "working-dir", "n": "no-interaction"})


def composer(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program not in ("composer", "composer.phar"):
        return None
    return read(command, "composer", COMPOSER_SPEC)


UV_SPEC = _spec(
    "p",
    {"python", "directory", "project", "extra", "group", "only-group", "index", "index-url",
     "default-index", "extra-index-url", "find-links", "package", "cache-dir", "config-file"},
    {"p": "python"},
)  # fmt: skip


def uv(command: Command) -> Invocation | None:
    """uv itself (`uv sync`, `uv tool install`); `uv pip …` is read by `pip`."""
    command = unwrap(command)
    if command.program != "uv":
        return None
    return read(command, "uv", UV_SPEC)


# -- downloads ------------------------------------------------------------------------------

CURL_SPEC = _spec(
    "oHdubXAeExTwmcKrYyzCUQtFPDbhx",
    {"output", "header", "data", "data-raw", "data-binary", "data-urlencode", "user",
     "request", "user-agent", "referer", "cert", "proxy", "upload-file", "write-out",
     "max-time", "cookie", "cookie-jar", "config", "range", "speed-limit", "speed-time",
     "time-cond", "continue-at", "proxy-user", "quote", "telnet-option", "form",
     "ftp-port", "dump-header", "url", "output-dir", "retry", "retry-delay", "retry-max-time",
     "connect-timeout", "cacert", "capath", "key", "pass", "resolve", "connect-to", "interface",
     "limit-rate", "max-filesize", "netrc-file", "oauth2-bearer", "proto", "proto-redir",
     "tls-max", "ciphers", "pinnedpubkey", "create-file-mode", "variable", "json", "expand-url",
     "trace", "trace-ascii", "stderr", "form-string", "keepalive-time", "dns-servers",
     "hostpubsha256", "aws-sigv4", "unix-socket", "abstract-unix-socket", "preproxy",
     "noproxy", "local-port", "happy-eyeballs-timeout-ms", "expect100-timeout", "mail-from",
     "mail-rcpt", "service-name", "sasl-authzid", "login-options", "engine", "cert-type",
     "key-type", "random-file", "egd-file", "retry-all-errors-max"},
    {"o": "output", "O": "remote-name", "L": "location", "s": "silent", "S": "show-error",
     "f": "fail", "k": "insecure", "H": "header", "d": "data", "u": "user", "X": "request",
     "A": "user-agent", "e": "referer", "E": "cert", "x": "proxy", "T": "upload-file",
     "w": "write-out", "m": "max-time", "b": "cookie", "c": "cookie-jar", "K": "config",
     "r": "range", "Y": "speed-limit", "y": "speed-time", "z": "time-cond",
     "C": "continue-at", "U": "proxy-user", "Q": "quote", "t": "telnet-option", "F": "form",
     "P": "ftp-port", "D": "dump-header", "J": "remote-header-name", "I": "head",
     "v": "verbose", "q": "disable", "g": "globoff", "R": "remote-time", "Z": "parallel",
     "N": "no-buffer", "h": "help", "#": "progress-bar", "4": "ipv4", "6": "ipv6"},
    subcommand=False,
)  # fmt: skip
CURL_SPEC = CURL_SPEC._replace(value_short=CURL_SPEC.value_short.replace("h", ""))

WGET_SPEC = _spec(
    "OoaPiBeTtwAUDRlXIQ",
    {"output-document", "output-file", "append-output", "directory-prefix", "input-file",
     "base", "execute", "timeout", "tries", "wait", "accept", "reject", "user-agent",
     "domains", "exclude-domains", "level", "include-directories", "exclude-directories",
     "quota", "header", "user", "password", "http-user", "http-password", "post-data",
     "post-file", "ca-certificate", "ca-directory", "certificate", "private-key", "progress",
     "limit-rate", "bind-address", "dns-timeout", "connect-timeout", "read-timeout",
     "waitretry", "load-cookies", "save-cookies", "referer", "method", "body-data",
     "body-file", "secure-protocol", "cut-dirs", "default-page", "restrict-file-names",
     "local-encoding", "remote-encoding", "use-askpass", "report-speed", "config",
     "ftp-user", "ftp-password", "proxy-user", "proxy-password", "rejected-log",
     "xattr", "compression", "hsts-file", "ciphers", "pinnedpubkey", "crl-file"},
    {"O": "output-document", "o": "output-file", "a": "append-output", "P": "directory-prefix",
     "i": "input-file", "B": "base", "e": "execute", "T": "timeout", "t": "tries", "w": "wait",
     "A": "accept", "R": "reject", "U": "user-agent", "D": "domains", "l": "level",
     "I": "include-directories", "X": "exclude-directories", "Q": "quota",
     "q": "quiet", "nv": "no-verbose", "v": "verbose", "c": "continue", "N": "timestamping",
     "r": "recursive", "nc": "no-clobber", "nd": "no-directories", "nH": "no-host-directories",
     "np": "no-parent", "k": "convert-links", "x": "force-directories", "S": "server-response",
     "d": "debug", "b": "background", "m": "mirror", "p": "page-requisites", "L": "relative",
     "F": "force-html", "K": "backup-converted", "E": "adjust-extension", "H": "span-hosts",
     "h": "help", "V": "version", "4": "inet4-only", "6": "inet6-only"},
    multi_letter_short=frozenset({"nv", "nc", "nd", "nH", "np"}),
    subcommand=False,
)  # fmt: skip
# wget's --progress value must be inline (`--progress=dot:giga`); keep the rest as is.
WGET_SPEC = WGET_SPEC._replace(value_long=WGET_SPEC.value_long - {"progress"})


def curl(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "curl":
        return None
    return read(command, "curl", CURL_SPEC)


def wget(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program != "wget":
        return None
    return read(command, "wget", WGET_SPEC)


STDOUT_FILES = frozenset({"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
DISCARD_FILES = frozenset({"/dev/null", "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"})


class Download(NamedTuple):
    """What a curl/wget command fetches and where the bytes go.

    `target` is where they are stored: the -o/-O/--output(-document) file, the `> file`
    redirection, or the remote name (under `wget -P dir`); "-" when they go to stdout (`-o -`,
    `-O /dev/stdout`); None when nothing is stored (`wget --spider`, `-o /dev/null`,
    `-o /dev/stderr`)."""

    call: Invocation
    urls: list[Word]
    output: Word | None  # the file named by -o/-O/--output(-document), or the > target
    target: str | None

    @property
    def tool(self) -> str:
        return self.call.tool

    @property
    def url(self) -> Word | None:
        return self.urls[0] if self.urls else None

    @property
    def to_file(self) -> bool:
        """The bytes land in a file (-o/-O/wget default/`> file`), not a stream or nowhere."""
        return self.target is not None and self.target != "-"

    @property
    def to_stdout(self) -> bool:
        """The bytes go to stdout (a pipe can consume them)."""
        return self.target == "-"


def url_name(url: Word | str | None) -> str:
    """The file name at the end of a URL's path (`https://h/a/b.tgz?x=1` -> `b.tgz`)."""
    if url is None:
        return ""
    text = url if isinstance(url, str) else url.text
    return text.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def download(command: Command) -> Download | None:
    command = unwrap(command)
    if command.program not in ("curl", "wget"):
        return None
    call = curl(command) or wget(command)
    if call is None:
        return None
    urls = [word for word in call.operands if _is_url(word.text) or not word.static]
    output = None
    if call.tool == "curl":
        urls += [o.value_word or o.word for o in call.options if o.name == "url"]
        output_option = call.option("output")
        remote = call.has("remote-name", "remote-name-all", "remote-header-name")
        if output_option is not None:
            output = output_option.value_word or output_option.word
            to_file = (output_option.value or "-") != "-"
        else:
            to_file = remote
    else:
        output_option = call.option("output-document")
        if output_option is not None:
            output = output_option.value_word or output_option.word
            to_file = output_option.value != "-"
        else:
            to_file = True  # wget saves under the remote name by default
    file_redirect = next(
        (r for r in command.redirects if r.fd in (None, 1) and r.operator in (">", ">>", ">|")),
        None,
    )
    if not to_file and file_redirect is not None and file_redirect.target is not None:
        output, to_file = file_redirect.target, True  # `> /dev/null` is discarded below
    target: str | None
    if call.has("spider"):
        target = None
    elif not to_file:
        target = "-"
    elif output is not None:
        target = output.text
    else:  # curl -O, or wget's default: the remote name (under wget -P)
        name = url_name(urls[0] if urls else None) or "index.html"
        prefix = call.value("directory-prefix")
        target = posixpath.join(prefix, name) if prefix else name
    if target in STDOUT_FILES:
        target = "-"
    elif target in DISCARD_FILES:
        target = None
    return Download(call, urls, output, target)


# -- verification, extraction, git ----------------------------------------------------------

CHECKSUM_TOOLS = frozenset(
    {"sha256sum", "sha512sum", "sha384sum", "sha224sum", "sha1sum", "md5sum", "b2sum", "cksum"}
)


WEAK_CHECKSUM_TOOLS = frozenset({"md5sum"})  # detects corruption, not tampering


class Verification(NamedTuple):
    """A command that checks a download: `kind` is "checksum" or "signature"; `weak` when the
    check does not resist tampering (MD5)."""

    tool: str
    kind: str
    weak: bool = False


def verification(command: Command) -> Verification | None:
    """What the command verifies, if it is a checksum check (`sha256sum -c`, `shasum -c`,
    `md5sum -c` (weak), `rpm -K`) or a signature verification (`gpg --verify`, `gpgv`,
    `cosign verify*`, `minisign -V`, `signify -C/-V`, `openssl dgst -verify`,
    `slsa-verifier verify-*`, `gh attestation verify`)."""
    command = unwrap(command)
    program = command.program
    argv = [word.text for word in command.args]
    if program in CHECKSUM_TOOLS or program == "shasum":
        if any(
            a in ("-c", "--check")
            or (a.startswith("-") and not a.startswith(("--", "-a")) and "c" in a[1:])
            for a in argv
        ):
            return Verification(program, "checksum", program in WEAK_CHECKSUM_TOOLS)
        return None
    signed = False
    if program in ("gpg", "gpg2"):
        signed = any(a in ("--verify", "--verify-files") for a in argv)
    elif program in ("gpgv", "gpgv2"):
        signed = True
    elif program == "cosign":
        signed = bool(argv) and argv[0].startswith("verify")
    elif program == "minisign":
        signed = any(a.startswith("-") and not a.startswith("--") and "V" in a for a in argv)
    elif program == "signify":
        signed = any(re.fullmatch(r"-[a-zA-Z]*[CV][a-zA-Z]*", a) for a in argv)
    elif program == "openssl":
        signed = bool(argv) and argv[0] == "dgst" and "-verify" in argv
    elif program in ("rpm", "rpmkeys"):
        signed = any(a in ("-K", "--checksig") for a in argv)
    elif program in ("slsa-verifier", "gh"):
        signed = any("verify" in a for a in argv)
    return Verification(program, "signature") if signed else None


def verifies(command: Command, *, weak: bool = True) -> bool:
    """The command verifies a download (see `verification`); with `weak=False` a weak check
    (`md5sum -c`) does not count."""
    found = verification(command)
    return found is not None and (weak or not found.weak)


EXTRACTORS = frozenset({"tar", "bsdtar", "unzip", "gunzip", "xz", "unxz", "cpio", "zcat",
                        "bunzip2", "bzip2", "zstd", "unzstd", "7z", "gzip", "busybox"})  # fmt: skip


def extracts(command: Command) -> bool:
    """The command unpacks an archive (reads data it will install)."""
    command = unwrap(command)
    program = command.program
    argv = [word.text for word in command.args]
    if program == "busybox" and argv:
        inner = dataclasses.replace(command, name=command.args[0], args=command.args[1:])
        return extracts(inner)
    if program in ("tar", "bsdtar"):
        if not argv:
            return False
        first = argv[0]
        if not first.startswith("-") and "x" in first:
            return True  # old style: `tar xzf file`
        return any(
            a in ("--extract", "--get")
            or (a.startswith("-") and not a.startswith("--") and "x" in a[1:])
            for a in argv
        )
    if program in ("unzip", "gunzip", "unxz", "bunzip2", "unzstd", "zcat", "cpio"):
        return program != "cpio" or any(
            a in ("-i", "--extract") or (a.startswith("-") and "i" in a[1:] and a[1] != "-")
            for a in argv
        )
    if program in ("xz", "gzip", "bzip2", "zstd"):
        return any(
            a in ("-d", "--decompress") or (a.startswith("-") and a[1:2] != "-" and "d" in a)
            for a in argv
        )
    if program == "7z":
        return bool(argv) and argv[0] in ("x", "e")
    return False


TAR_SPEC = _spec(
    "fCTXbHKLNV",
    {"file", "directory", "files-from", "exclude-from", "blocking-factor", "format",
     "transform", "exclude", "strip-components", "owner", "group", "mode", "use-compress-program",
     "xform", "newer", "after-date", "label", "volno-file", "index-file"},
    {"f": "file", "C": "directory", "x": "extract", "c": "create", "t": "list", "z": "gzip",
     "j": "bzip2", "J": "xz", "v": "verbose", "T": "files-from", "X": "exclude-from",
     "I": "use-compress-program", "get": "extract"},
    subcommand=False,
)  # fmt: skip


def tar(command: Command) -> Invocation | None:
    command = unwrap(command)
    if command.program not in ("tar", "bsdtar"):
        return None
    args = command.args
    if args and args[0].static and not args[0].text.startswith("-"):
        # old-style bundled letters `tar xzf file`: read them as `-xzf`
        first = args[0]
        bundled = Word(
            "-" + first.text, first.raw, first.span, True, offset=first.offset, origin=first.origin
        )
        return read(command, command.program, TAR_SPEC, [bundled, *args[1:]])
    return read(command, command.program, TAR_SPEC)


GIT_SPEC = _spec(
    "Cbcoj",
    {"branch", "depth", "config", "origin", "reference", "reference-if-able", "filter",
     "jobs", "separate-git-dir", "template", "shallow-since", "shallow-exclude", "upload-pack",
     "git-dir", "work-tree", "namespace", "server-option", "bundle-uri", "revision",
     "exec-path"},
    {"b": "branch", "o": "origin", "j": "jobs", "c": "config", "C": "C", "q": "quiet",
     "n": "no-checkout"},
)  # fmt: skip


def git(command: Command) -> Invocation | None:
    """git with its subcommand; global options (`-C dir`, `-c k=v`) are read as options."""
    command = unwrap(command)
    if command.program != "git":
        return None
    return read(command, "git", GIT_SPEC)


def pip_git_ref(spec: str) -> str | None:
    """The ref of a pip git requirement (`git+https://h/r.git@v1#egg=x` -> "v1", also after
    `name @ `); "" when it names none (the default branch); None when `spec` is not one."""
    index = spec.find("git+")
    if index < 0:
        return None
    return _vcs_ref(spec[index + 4 :]) or ""


_NPM_HOSTED = re.compile(r"(github|gitlab|bitbucket|gist):", re.IGNORECASE)
_NPM_SHORTHAND = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+(#.*)?")


def npm_git_ref(spec: str) -> str | None:
    """The ref of an npm/yarn/pnpm git dependency (`github:o/r#v1`, `o/r#abc123`,
    `git+https://h/r.git#main`); "" when it names none; None when `spec` is not one. A
    `#semver:` range is returned as "semver:<range>" unless it is one exact version."""
    if spec.startswith(("-", ".", "/", "@", "~")) or spec.endswith((".tgz", ".tar.gz")):
        return None
    is_git = (
        _NPM_HOSTED.match(spec) is not None
        or spec.startswith(("git+", "git://"))
        or re.match(r"https?://[^#]*\.git(#|$)", spec) is not None
        or (_NPM_SHORTHAND.fullmatch(spec) is not None and ":" not in spec)
    )
    if not is_git:
        return None
    ref = spec.partition("#")[2]
    if ref.startswith("semver:"):
        version = ref[len("semver:") :]
        return version if re.fullmatch(r"v?\d+(\.\d+)*", version) else f"semver:{version}"
    return ref


# ------------------------------------------------------------------------------ other tools


@dataclass
class ParsedArgs:
    """Arguments read by `parse_args`: options under the name they are written with (`o` for
    `-o`, `output` for `--output`), and operands."""

    options: list[Option]
    operands: list[Word]

    def has(self, *names: str) -> bool:
        return any(option.name in names for option in self.options)

    def get(self, *names: str) -> list[Option]:
        return [option for option in self.options if option.name in names]

    def value(self, *names: str) -> str | None:
        found = self.get(*names)
        return found[-1].value if found else None


def parse_args(
    words: Sequence[Word],
    short_with_value: str = "",
    long_with_value: Iterable[str] = (),
    stop_at_operand: bool = False,
) -> ParsedArgs:
    """GNU-style option reading for tools without an option table of their own (chmod, ln,
    useradd, tail, cp/mv/install, `sed -i`, unzip …): `-abc` clusters, `-ofile`, `-o file`,
    `--opt=v`, `--opt v`; `--` ends the options. Options are not renamed; `value_word` is the
    separate value word (None when the value is inline). With `stop_at_operand` the first
    operand ends the options (wrappers, interpreters)."""
    long_values = set(long_with_value)
    options: list[Option] = []
    operands: list[Word] = []
    index = 0
    while index < len(words):
        word = words[index]
        text = word.text
        index += 1
        if text == "--":
            operands.extend(words[index:])
            break
        if text.startswith("--"):
            name, eq, value = text[2:].partition("=")
            if eq:
                options.append(Option(name, value, word))
            elif name in long_values and index < len(words):
                options.append(Option(name, words[index].text, word, words[index]))
                index += 1
            else:
                options.append(Option(name, None, word))
        elif text.startswith("-") and len(text) > 1 and word.static:
            position = 1
            while position < len(text):
                char = text[position]
                position += 1
                if char not in short_with_value:
                    options.append(Option(char, None, word))
                    continue
                if position < len(text):
                    options.append(Option(char, text[position:], word))
                elif index < len(words):
                    options.append(Option(char, words[index].text, word, words[index]))
                    index += 1
                else:
                    options.append(Option(char, None, word))
                break
        else:
            operands.append(word)
            if stop_at_operand:
                operands.extend(words[index:])
                break
    return ParsedArgs(options, operands)


# Options that take a value, for the tools `arguments` reads with `parse_args`.
SHORT_VALUES: dict[str, str] = {
    "truncate": "sr",
    "install": "gmoStT",
    "cp": "St",
    "mv": "St",
    "ln": "St",
    "mkdir": "mZ",
    "rsync": "eB",
    "sed": "efl",
    "tar": "CfbTXIH",
    "unzip": "dxP",
    "chattr": "vpR",
    "useradd": "bcdefgGkKpsuZ",
    "tail": "cns",
}
LONG_VALUES: dict[str, frozenset[str]] = {
    "useradd": frozenset(
        {
            *("base-dir", "comment", "home-dir", "expiredate", "inactive", "gid", "groups"),
            *("skel", "key", "password", "shell", "uid", "selinux-user", "root", "prefix"),
        }
    ),
    "ln": frozenset({"suffix", "target-directory"}),
    "install": frozenset({"mode", "target-directory"}),
    "mkdir": frozenset({"mode"}),
}


def arguments(command: Command, long_with_value: Iterable[str] = ()) -> ParsedArgs:
    """The command's arguments read by `parse_args` with its tool's value options from
    SHORT_VALUES/LONG_VALUES, plus `long_with_value`."""
    program = command.program
    longs = LONG_VALUES.get(program, frozenset()) | frozenset(long_with_value)
    return parse_args(command.args, SHORT_VALUES.get(program, ""), longs)


def removed_paths(command: Command) -> list[Word]:
    """The paths `rm` deletes (its operands; options such as `-rf` skipped). The command is
    read as given (unwrap it first); [] for another program."""
    if command.program != "rm":
        return []
    return [word for word in parse_args(command.args).operands if not word.text.startswith("-")]


class ModeSetting(NamedTuple):
    """The permission mode a command sets: `chmod 0777 /x`, `mkdir -m 777 /x`,
    `install -m o+w f /x`."""

    word: Word  # the word the mode is written in (the option word when inline: `--mode=777`)
    mode: str  # as written: "0777", "o+w"
    paths: list[Word]  # the operands it applies to


def mode_setting(command: Command) -> ModeSetting | None:
    """The mode set by `chmod MODE …`, `mkdir -m MODE …` or `install -m MODE …`; None for
    another program, `chmod --reference`, or no mode. A chmod mode may start with `-` (`-w`):
    only `-R/-v/-c/-f/-H` clusters and long options are read as options. Read as given."""
    program = command.program
    if program == "chmod":
        words = [w for w in command.args if not re.fullmatch(r"-[RvcfH]+|--\S+", w.text)]
        if not words or any(w.text.startswith("--reference") for w in command.args):
            return None
        return ModeSetting(words[0], words[0].text, words[1:])
    if program in ("mkdir", "install"):
        parsed = arguments(command)
        found = parsed.get("m", "mode")
        holder = found[-1].value_holder if found else None
        if not found or found[-1].value is None or holder is None:
            return None
        return ModeSetting(holder, found[-1].value or "", parsed.operands)
    return None


def sed_in_place(command: Command) -> bool:
    """`sed -i`, `sed -i.bak`, `sed --in-place[=SUFFIX]`: sed edits its files (unwrapped first)."""
    command = unwrap(command)
    return command.program == "sed" and arguments(command).has("i", "in-place")


# Commands whose operands (all, or all but the first, or the last) are files they write.
WRITES_ALL = frozenset({"mkdir", "touch", "rm", "rmdir", "truncate", "tee", "chattr", "shred"})
WRITES_AFTER_FIRST = frozenset({"chmod", "chown", "chgrp", "setfacl"})
WRITES_LAST = frozenset({"cp", "mv", "install", "ln", "rsync"})
# Every program whose arguments written_paths reads.
WRITERS = (
    WRITES_ALL | WRITES_AFTER_FIRST | WRITES_LAST | {"sed", "curl", "wget", "tar", "unzip", "git"}
)


def written_paths(command: Command) -> list[Word]:
    """The files and directories a command writes, as far as it can be read statically: its
    output redirections, and the paths of mkdir/touch/rm/tee/…, chmod/chown …, cp/mv/install/ln
    (the destination, or -t), `sed -i`, curl/wget output, `tar x -C`, `unzip -d`, `git clone`'s
    directory. The command is read as given (unwrap it first)."""
    paths: list[Word | None] = [
        redirect.target
        for redirect in command.redirects
        if redirect.writes
        and redirect.target is not None
        and not (redirect.operator == ">&" and redirect.target.text.isdigit())
    ]
    program = command.program
    if program not in WRITERS:
        return [path for path in paths if path is not None]
    parsed = arguments(command, {"target-directory"})
    operands = parsed.operands
    if program in WRITES_ALL:
        if program == "chattr":
            operands = operands[1:]
        paths.extend(operands)
    elif program in WRITES_AFTER_FIRST:
        paths.extend(operands[1:] if not parsed.has("reference") else operands)
    elif program in WRITES_LAST:
        targets = [o.value_holder for o in parsed.get("t", "target-directory")]
        if targets:
            paths.extend(targets)
        elif len(operands) > 1:
            paths.append(operands[-1])  # the destination
    elif program == "sed" and sed_in_place(command):
        paths.extend(operands if parsed.has("e", "f", "expression", "file") else operands[1:])
    elif program in ("curl", "wget"):
        call = curl(command) or wget(command)
        names = ("output", "output-document", "directory-prefix")
        options = call.options if call is not None else []
        paths.extend(option.value_word or option.word for option in options if option.name in names)
    elif program == "tar":
        first = command.args[0].text if command.args else ""
        if "x" in first.lstrip("-") or parsed.has("x", "extract", "get"):
            paths.extend(o.value_holder for o in parsed.get("C", "directory"))
    elif program == "unzip":
        paths.extend(o.value_holder for o in parsed.get("d"))
    elif program == "git":
        call = git(command)
        if call is not None and call.subcommand == "clone":
            paths.extend(call.operands[1:2])
    return [path for path in paths if path is not None]


# Init and privilege-drop wrappers of CMD/ENTRYPOINT: name -> (short options with a value,
# operands to skip: the user of `gosu app cmd`).
START_WRAPPERS: dict[str, tuple[str, int]] = {
    "tini": ("ep", 0),
    "dumb-init": ("r", 0),
    "gosu": ("", 1),
    "su-exec": ("", 1),
    "chpst": ("ugUe/n", 0),
}


def unwrap_start(command: Command) -> Command:
    """`unwrap`, and also the init and privilege-drop wrappers of a container's start command
    (`tini -- app`, `dumb-init app`, `gosu app cmd`, `su-exec app cmd`, `chpst -u app cmd`)."""
    for _ in range(4):
        command = unwrap(command)
        spec = START_WRAPPERS.get(command.program)
        if spec is None:
            return command
        rest = parse_args(command.args, spec[0], stop_at_operand=True).operands[spec[1] :]
        if not rest:
            return command
        command = dataclasses.replace(command, name=rest[0], args=rest[1:])
    return command


INTERPRETERS = re.compile(
    r"(sh|bash|dash|ash|zsh|ksh|mksh|python(\d+(\.\d+)*)?|perl|ruby|node|nodejs|php)"
)
SHELL_NAMES = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
STDIN_NAMES = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
# Interpreter options that take a value (what `sh -o x`, `python -W x`, `perl -I x` skip).
INTERPRETER_VALUES = "oOWXQ"


def reads_program_from_stdin(command: Command) -> bool:
    """The command is an interpreter that reads its program from stdin: `sh`, `bash -s --`,
    `busybox sh`, `python3 -`, `perl`, `node`, `php` (not with `-c`, `-m`, `-e`, a script)."""
    program = command.program
    if program == "busybox" and command.args and command.args[0].text in SHELL_NAMES:
        command = dataclasses.replace(command, name=command.args[0], args=command.args[1:])
        program = command.program
    if not INTERPRETERS.fullmatch(program):
        return False
    if program in SHELL_NAMES:
        parsed = parse_args(command.args, "oO", stop_at_operand=True)
        if parsed.has("c"):
            return False
        if parsed.has("s"):
            return True
    elif program.startswith("python"):
        parsed = parse_args(command.args, "WXQ", stop_at_operand=True)
        if parsed.has("c", "m"):
            return False
    elif program in ("perl", "ruby"):
        parsed = parse_args(command.args, "eEIrx", stop_at_operand=True)
        if parsed.has("e", "E"):
            return False
    elif program in ("node", "nodejs"):
        parsed = parse_args(command.args, "erp", {"eval", "print", "require"}, stop_at_operand=True)
        if parsed.has("e", "eval", "p", "print"):
            return False
    else:  # php
        parsed = parse_args(command.args, "rfdc", stop_at_operand=True)
        if parsed.has("r", "f"):
            return False
    return not parsed.operands or parsed.operands[0].text in STDIN_NAMES


# ------------------------------------------------------------------------------ services


class ServiceControl(NamedTuple):
    """A service manager call: `systemctl restart nginx`, `service nginx reload`,
    `/etc/init.d/nginx start`, `invoke-rc.d nginx start`, `rc-service nginx start`,
    `initctl start job`. Which actions matter is the rule's business."""

    manager: str  # systemctl | service | invoke-rc.d | rc-service | initctl | init.d
    action: str | None  # the verb (`restart`, `daemon-reload`), None when none is given
    service: str | None  # the unit, service or job, None when none is given
    command: Command  # the unwrapped command; its name is the init script's path for init.d


# Manager: (short options with a value, long options with a value, action comes first).
SERVICE_MANAGERS: dict[str, tuple[str, frozenset[str], bool]] = {
    "systemctl": ("tpHMnos", frozenset(
        {"type", "property", "host", "machine", "lines", "output", "signal", "state", "root",
         "kill-whom", "kill-value", "job-mode", "what", "boot-loader-entry", "reboot-argument",
         "timestamp", "message", "image", "drop-in", "when", "preset-mode",
         "check-inhibitors"}), True),
    "service": ("", frozenset(), False),
    "invoke-rc.d": ("", frozenset(), False),
    "rc-service": ("", frozenset(), False),
    "initctl": ("", frozenset(), True),
}  # fmt: skip
INIT_SCRIPT_DIRS = ("/etc/init.d/", "/etc/rc.d/init.d/")


def service_control(command: Command) -> ServiceControl | None:
    """The command read as a service manager call (unwrapped first), else None. Options and
    their values are skipped: `systemctl -t service restart x` restarts `x`."""
    command = unwrap(command)
    name = command.name.text if command.name is not None else ""
    if name.startswith(INIT_SCRIPT_DIRS):
        verbs = parse_args(command.args).operands
        return ServiceControl("init.d", verbs[0].text if verbs else None, command.program, command)
    spec = SERVICE_MANAGERS.get(command.program)
    if spec is None:
        return None
    short, long, action_first = spec
    operands = [word.text for word in parse_args(command.args, short, long).operands]
    first = operands[0] if operands else None
    second = operands[1] if len(operands) > 1 else None
    action, service = (first, second) if action_first else (second, first)
    return ServiceControl(command.program, action, service, command)


# ------------------------------------------------------------------------------ keep-alive


def keeps_alive(command: Command) -> Word | None:
    """`tail -f …`/`tail --follow` or `sleep infinity`: a dummy process that only keeps a
    container running. Returns the word that makes it endless (the follow option or the
    `infinity` duration). The command is read as given (unwrap or unwrap_start it first)."""
    program = command.program
    if program == "tail":
        for option in parse_args(command.args, SHORT_VALUES["tail"]).options:
            # `-5f` (the obsolete line count) is not read as following
            if option.name in ("f", "F", "follow") and not option.word.text[1:2].isdigit():
                return option.word
    elif program == "sleep":
        for word in command.args:
            if word.text.lower() in ("infinity", "inf"):
                return word
    return None


# ------------------------------------------------------------------------------ variables

_PACKAGE_READERS: dict[str, Callable[[Word], Package]] = {
    **dict.fromkeys(APT_TOOLS, _apt_package),
    "apk": _apk_package,
    **dict.fromkeys(RPM_FAMILY, _rpm_package),
    "zypper": _zypper_package,
    "pip": _pip_package,
    "uv pip": _pip_package,
    **dict.fromkeys(NODE_TOOLS, _node_package),
    "go": _go_package,
}
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def expand_packages(call: Invocation, variables: Mapping[str, str]) -> list[Package]:
    """`call.packages` with each `$VAR` package replaced by the packages its known value lists
    (`PKGS="curl git" && apt-get install $PKGS`). The new packages keep the `$VAR` word (its
    span) and name the variable in `via`; unknown variables stay "dynamic"."""
    reader = _PACKAGE_READERS.get(call.tool)
    if reader is None or call.subcommand == "module install":
        return list(call.packages)
    expanded: list[Package] = []
    room = MAX_EXPANSION  # `$PKGS $PKGS …` must not multiply a long value
    for package in call.packages:
        match = _VARIABLE.fullmatch(package.word.text) if package.kind == "dynamic" else None
        name = (match.group(1) or match.group(2)) if match else None
        value = variables.get(name) if name else None
        if value is None or "$" in value or "`" in value or len(value) > room:
            expanded.append(package)
            continue
        room -= len(value)
        for piece in value.split():
            word = package.word
            alias = Word(piece, word.raw, word.span, True, offset=word.offset, origin=word.origin)
            found = reader(alias)
            expanded.append(found._replace(word=word, via=name))
    return expanded


# ------------------------------------------------------------------------------ dispatch

_BY_PROGRAM: dict[str, Callable[[Command], Invocation | None]] = {
    **dict.fromkeys(APT_TOOLS, apt_get),
    "apk": apk,
    **dict.fromkeys(RPM_FAMILY, yum),
    "zypper": zypper,
    "rpm": rpm,
    **dict.fromkeys(NODE_TOOLS, npm),
    "gem": gem,
    "bundle": bundle,
    "bundler": bundle,
    "go": go,
    "cargo": cargo,
    "composer": composer,
    "composer.phar": composer,
    "curl": curl,
    "wget": wget,
    "git": git,
    "tar": tar,
    "bsdtar": tar,
}


def invocation(command: Command) -> Invocation | None:
    """The command read by whichever tool reader knows its program, else None."""
    command = unwrap(command)
    program = command.program
    if program == "uv":
        return pip(command) or uv(command)
    reader = _BY_PROGRAM.get(program)
    if reader is not None:
        return reader(command)
    if program.startswith(("pip", "python")):
        return pip(command)
    return None
