"""What a command does to files: modes it sets, files it edits, writes or removes."""

from __future__ import annotations

import re
from typing import NamedTuple

from infralint.parsers.commands.downloads import curl, git, wget
from infralint.parsers.commands.options import arguments, parse_args
from infralint.parsers.commands.wrappers import unwrap
from infralint.parsers.shell import Command, Word


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
