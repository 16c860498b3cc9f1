"""CB202 shell-package-management: A script resource installs, upgrades or updates packages with
the package manager."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from infralint.checks import unique
from infralint.checks.chef._common import _name, _shell_findings, _verb, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, Resource
from infralint.registry import CheckContext, check

if TYPE_CHECKING:  # the shell model is imported only when a script is analysed
    from infralint.parsers.shell import Command, Script


PACKAGE_VERBS = {
    "apt-get": {"install", "upgrade", "update", "dist-upgrade", "full-upgrade", "reinstall"},
    "apt": {"install", "upgrade", "update", "dist-upgrade", "full-upgrade", "reinstall"},
    "aptitude": {"install", "upgrade", "update", "safe-upgrade", "full-upgrade", "reinstall"},
    "yum": {
        "install",
        "upgrade",
        "update",
        "reinstall",
        "groupinstall",
        "localinstall",
        "makecache",
        "distro-sync",
    },
    "dnf": {
        "install",
        "upgrade",
        "update",
        "reinstall",
        "groupinstall",
        "makecache",
        "distro-sync",
    },
    "microdnf": {"install", "upgrade", "update", "reinstall", "makecache"},
    "zypper": {"install", "in", "update", "up", "dist-upgrade", "dup", "refresh", "ref", "patch"},
    "apk": {"add", "upgrade", "update"},
}


@check("CB202")
def shell_package_management(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        verbs = PACKAGE_VERBS.get(argv[0])
        verb = _verb(command) if verbs is not None else None
        if verbs is None or verb not in verbs:
            return
        if verb in ("update", "refresh", "ref", "makecache") and argv[0] in ("apt-get", "apt"):
            hint = "use the apt_update resource"
        elif verb in ("update", "refresh", "ref", "makecache"):
            hint = "the package resource refreshes the index itself"
        else:
            hint = "use the package resource"
        yield _violation(command.span, f"{_name(resource)} runs `{argv[0]} {verb}` ({hint})")

    yield from unique(_shell_findings(doc, judge), per_position=True)
