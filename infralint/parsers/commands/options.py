"""The records a command line is read into, and the option reading every tool shares."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from infralint.model import Span
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


def _is_path(text: str) -> bool:
    return text.startswith(("/", "./", "../", "~/")) or text in (".", "..")


def _is_url(text: str) -> bool:
    return "://" in text and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text) is not None


def _dynamic(word: Word) -> bool:
    """A word made of expansions with no version separator of its own (`$PKGS`, `${DEPS}`,
    `$(cat list)`): nothing to judge. `curl=${V}` is not dynamic: its pin is visible."""
    return not word.static and re.search(r"[=<>~@:]", word.text) is None


# ------------------------------------------------------------------- other tools: generic arguments


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
