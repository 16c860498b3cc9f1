"""PY101 deploy-package-latest: A pyinfra package operation installs the latest version or names
no version."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from infralint.checks.python._common import argument, keyword, resolve, string_value
from infralint.model import Violation
from infralint.parsers.python import PythonDocument
from infralint.registry import CheckContext, check

# pyinfra operation module -> how a version is appended to a package name.
PACKAGE_OPERATIONS: dict[str, str] = {
    **dict.fromkeys(
        ("apt", "apk", "yum", "dnf", "zypper", "pacman", "xbps", "opkg", "pkg", "pkgin", "choco",
         "server"),
        "=<version>",
    ),
    "brew": "@<version>",
    "npm": "@<version>",
    "pip": "==<version>",
    "pipx": "==<version>",
    "gem": ":<version>",
}  # fmt: skip
RPM_MODULES = frozenset({"yum", "dnf", "zypper"})


@check("PY101")
def deploy_package_latest(doc: PythonDocument, context: CheckContext) -> Iterator[Violation]:
    if doc.deploy_kind != "pyinfra":
        return
    for call in doc.calls:
        module = _package_operation(doc, call)
        if module is None:
            continue
        operation = f"{module}.packages"
        present = keyword(call, "present")
        if isinstance(present, cst.Name) and present.value == "False":
            continue  # removing packages pins nothing
        latest = keyword(call, "latest")
        if isinstance(latest, cst.Name) and latest.value == "True":
            yield Violation(
                doc.span(call),
                f"{operation}(latest=True) upgrades the packages to whatever is newest on every "
                "run",
            )
            continue
        yield from _unpinned_packages(doc, call, module, operation)


def _package_operation(doc: PythonDocument, call: cst.Call) -> str | None:
    for name in doc.names(call.func):
        parts = name.split(".")
        if (
            len(parts) == 4
            and parts[:2] == ["pyinfra", "operations"]
            and parts[3] == "packages"
            and parts[2] in PACKAGE_OPERATIONS
        ):
            return parts[2]
    return None


def _unpinned_packages(
    doc: PythonDocument, call: cst.Call, module: str, operation: str
) -> Iterator[Violation]:
    packages = argument(call, 0, "packages")
    if packages is None:
        return
    packages = resolve(doc, packages)
    elements = (
        [element.value for element in packages.elements]
        if isinstance(packages, cst.List | cst.Tuple)
        else [packages]
    )
    for element in elements:
        name = string_value(doc, element)
        if name is None or not name.strip() or _has_version(name.strip(), module):
            continue
        package, pin = name.strip(), PACKAGE_OPERATIONS[module]
        yield Violation(
            doc.span(element),
            f"package {package!r} is not pinned ({operation}: '{package}{pin}')",
        )


def _has_version(spec: str, module: str) -> bool:
    if spec.startswith(("/", "./", "http://", "https://", "git+", "file:")) or spec.endswith(
        (".deb", ".rpm", ".whl", ".tar.gz", ".apk")
    ):
        return True  # a file or URL names one exact artefact
    if module in ("npm", "brew"):
        return "@" in spec[1:]
    if module == "gem":
        return ":" in spec
    if any(mark in spec for mark in "=<>~@"):
        return True
    if module in RPM_MODULES and "-" in spec:
        last = spec.rsplit("-", 1)[1]
        return last[:1].isdigit()  # rpm style `nginx-1.20.1`
    return False
