"""DF204 (interactive-install): A package install that asks for confirmation, which a build
cannot give.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.dockerfile._packages import Run, editable_word, name_span, runs
from infralint.model import Fix, Violation
from infralint.parsers.commands import Invocation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.parsers.shell import Word
from infralint.registry import CheckContext, check


def extend_word(run: Run, word: Word | None, text: str) -> Fix | None:
    """Replace `word` with itself followed by `text`."""
    target = editable_word(run, word)
    return None if target is None else Fix(target.span, target.raw + text)


INTERACTIVE_PEERS = {
    "apt-get": "DL3014",
    "apt": "DL3014",
    "yum": "DL3030",
    "zypper": "DL3034",
    "dnf": "DL3038",
}


@check("DF204")
def interactive_install(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call in run.calls:
            if call is None:
                continue
            hint = _interactive(call)
            if hint:
                if call.tool == "zypper":  # -n is global: it goes before the subcommand
                    fix = extend_word(run, call.command.name, " -n")
                else:
                    fix = extend_word(run, call.subcommand_word, " -y")
                yield Violation(
                    name_span(call),
                    f"'{call.tool} {call.subcommand}' without {hint} waits for a confirmation "
                    "the build cannot give",
                    fix=fix,
                    peer=INTERACTIVE_PEERS.get(call.tool),
                )


ZYPPER_PROMPTING = frozenset({"install", "remove", "source-install", "patch"})
RPM_PROMPTING = frozenset({"install", "groupinstall", "localinstall"})
_ASSUME_YES = re.compile(r"APT::Get::Assume-Yes\W*(true|1|yes)", re.IGNORECASE)


def _interactive(call: Invocation) -> str | None:
    tool = call.tool
    if tool in ("apt-get", "apt") and call.subcommand in ("install",):
        quiet_words = [o.word.text for o in call.options if o.name in ("quiet", "=")]
        if (
            call.has("yes", "simulate")  # `-s` only prints what would happen
            or call.count("quiet") >= 2
            or any(text in ("-q=2", "--quiet=2") for text in quiet_words)
            or any(_ASSUME_YES.search(v) for v in call.values("option"))
        ):
            return None
        return "-y"
    # microdnf never asks: it has no confirmation prompt at all.
    if tool in ("yum", "dnf") and call.subcommand in RPM_PROMPTING:
        return None if call.has("assumeyes") else "-y"
    if tool == "zypper" and call.subcommand in ZYPPER_PROMPTING:
        return None if call.has("non-interactive", "no-confirm") else "-n (--non-interactive)"
    return None
