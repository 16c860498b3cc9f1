"""What a command runs: init wrappers, interpreters fed on stdin, services, keep-alives."""

from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple

from infralint.parsers.commands.options import SHORT_VALUES, parse_args
from infralint.parsers.commands.wrappers import unwrap
from infralint.parsers.shell import Command, Word

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
