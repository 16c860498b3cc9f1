"""DF106 (rpm-package-unpinned): yum, dnf, microdnf or zypper install a package without a
version.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import package_calls, runs, unpinned, unpinned_finding
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

# hadolint splits these rules by tool; the finding names the code of its tool.
RPM_PEERS = {"yum": "DL3033", "dnf": "DL3041", "microdnf": "DL3041", "zypper": "DL3037"}


@check("DF106")
def rpm_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        calls = [*package_calls(run, tools.yum), *package_calls(run, tools.zypper)]
        for call, packages in calls:
            if call.subcommand == "module install":
                items = [(package, "has no stream") for package in unpinned(packages)]
                found = unpinned_finding(
                    call, items, "module", f"{call.tool} module install {{name}}:<stream>"
                )
            else:
                separator = "=" if call.tool == "zypper" else "-"
                items = [(package, "is not pinned") for package in unpinned(packages)]
                found = unpinned_finding(
                    call,
                    items,
                    "package",
                    f"{call.tool} install {{name}}{separator}<version>",
                    peer=RPM_PEERS.get(call.tool),
                )
            if found is not None:
                yield found
