"""Unwrapping `sudo`, `env`, `nice` and the like to the command they run."""

from __future__ import annotations

import dataclasses

from infralint.parsers.shell import Command, Word

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
