"""DF106 (rpm-package-unpinned): yum, dnf, microdnf or zypper install a package without a
version.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._packages import package_calls, runs, unpinned, via
from infralint.model import Violation
from infralint.parsers import commands as tools
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

# hadolint splits these rules by tool; the finding names the code of its tool.
RPM_PEERS = {"yum": "DL3033", "dnf": "DL3041", "microdnf": "DL3041", "zypper": "DL3037"}


@check("DF106")
def rpm_package_unpinned(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for run in runs(document):
        found = [*package_calls(run, tools.yum), *package_calls(run, tools.zypper)]
        for call, packages in found:
            modules = call.subcommand == "module install"
            for package in unpinned(packages):
                if modules:
                    hint = f"{call.tool} module install {package.name}:<stream>"
                    message = f"module '{package.name}' has no stream ({hint})"
                elif call.tool == "zypper":
                    hint = f"zypper install {package.name}=<version>{via(package)}"
                    message = f"package '{package.name}' is not pinned ({hint})"
                else:
                    hint = f"{call.tool} install {package.name}-<version>{via(package)}"
                    message = f"package '{package.name}' is not pinned ({hint})"
                yield Violation(package.span, message, peer=RPM_PEERS.get(call.tool))
