"""DF115 (in-image-upgrade): RUN upgrades all packages of the base image."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import name_span, runs
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.commands import Invocation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

APT_UPGRADES = frozenset({"upgrade", "dist-upgrade", "full-upgrade"})


@check("DF115")
def in_image_upgrade(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        for call in run.calls:
            if call is None:
                continue
            label = _upgrade(call)
            if label:
                yield Violation(
                    name_span(call),
                    f"'{label}' upgrades whatever is newest at build time; "
                    "rebuild on a newer base image instead",
                )


def _upgrade(call: Invocation) -> str | None:
    tool, sub = call.tool, call.subcommand
    if tool in ("apt-get", "apt", "aptitude") and sub in APT_UPGRADES:
        return f"{tool} {sub}"
    if tool == "apk" and sub == "upgrade" and not call.operands:
        return "apk upgrade"
    if tool in tools.RPM_FAMILY and sub in ("update", "upgrade", "up", "distro-sync"):
        return None if call.operands else f"{tool} {sub}"
    if tool == "zypper" and (
        sub in ("dist-upgrade", "patch") or (sub == "update" and not call.operands)
    ):
        return f"zypper {call.subcommand_word.text if call.subcommand_word else sub}"
    return None
