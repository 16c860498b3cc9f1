"""System package managers: apt, apk, yum/dnf/microdnf, zypper and rpm."""

from __future__ import annotations

import re

from infralint.parsers.commands.options import (
    Invocation,
    Package,
    _dynamic,
    _is_path,
    _is_url,
    _spec,
    read,
)
from infralint.parsers.commands.wrappers import unwrap
from infralint.parsers.shell import Command, Word

# ------------------------------------------------------------------------------ tools

APT_SPEC = _spec(
    "octaPS",
    {"option", "config-file", "target-release", "default-release", "host-architecture",
     "build-profiles", "solver", "planner", "arch", "comment", "snapshot"},
    {"y": "yes", "assume-yes": "yes", "q": "quiet", "t": "target-release",
     "default-release": "target-release", "o": "option", "c": "config-file",
     "a": "host-architecture", "P": "build-profiles", "d": "download-only",
     "f": "fix-broken", "m": "ignore-missing", "s": "simulate", "V": "verbose-versions",
     "u": "show-upgraded", "b": "compile", "just-print": "simulate", "dry-run": "simulate",
     "recon": "simulate", "no-act": "simulate", "S": "snapshot"},
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
    # name-version[-release]: the version is the trailing segments that start with a digit
    # (`httpd-2.4.62`, `nginx-1.20.1-1.el8`). Digits inside the name are no pin:
    # `java-17-openjdk-devel` ends in `devel`, `java-1.8.0-openjdk-1.8.0.292-1.el7` in a version.
    parts = text.split("-")
    start = len(parts)
    while start > 1 and len(parts) - start < 2:
        segment = parts[start - 1]
        if not (segment[:1].isdigit() and _RPM_VERSION_PART.match(segment)):
            break
        start -= 1
    if start < len(parts):
        return Package(word, "-".join(parts[:start]), "-".join(parts[start:]), "-")
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
