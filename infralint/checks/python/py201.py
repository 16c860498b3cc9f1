"""PY201 imperative-shell-in-deploy: A deploy script runs package installs, service control or
downloads as shell commands."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from infralint.checks.python._common import (
    _MAX_DEPTH,
    argument,
    resolve,
    string_value,
)
from infralint.model import Violation
from infralint.parsers import commands
from infralint.parsers.python import PythonDocument
from infralint.parsers.shell import Command, parse_shell
from infralint.project import Project
from infralint.registry import CheckContext, check

# Stands for a Python expression inside a command string: an expansion the shell model treats as
# unknown (a package word it cannot judge, a URL it cannot see).
PLACEHOLDER = "${PYEXPR}"
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")


# Possessive: flags and width both take `0`, and trying every split was quadratic. A mapping
# key stops at `%`, so a run of `%(` is not rescanned from each one.
_PERCENT_FIELD = re.compile(r"%(?:\([^)%]*\))?[-#0 +]*+\d*+(?:\.\d+)?[sdirfx]")


def shell_text(doc: PythonDocument, node: cst.BaseExpression, depth: int = 0) -> str | None:
    """A command string as the shell will see it; Python expressions inside f-strings or `+`
    `+`, `%` or `.format()` become a placeholder expansion, so the command's shape is still
    readable."""
    node = resolve(doc, node)
    literal = string_value(doc, node)
    if literal is not None:
        return literal
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, cst.FormattedString):
        pieces = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(part.value)
            else:
                pieces.append(PLACEHOLDER)
        return "".join(pieces)
    if isinstance(node, cst.ConcatenatedString) or (
        isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)
    ):
        left = shell_text(doc, node.left, depth + 1)
        right = shell_text(doc, node.right, depth + 1)
        if left is None and right is None:
            return None
        return (left or PLACEHOLDER) + (right or PLACEHOLDER)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        template = shell_text(doc, node.left, depth + 1)
        return _PERCENT_FIELD.sub(PLACEHOLDER, template) if template is not None else None
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
    ):
        template = shell_text(doc, node.func.value, depth + 1)
        return _FORMAT_FIELD.sub(PLACEHOLDER, template) if template is not None else None
    return None


PACKAGE_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "apt-get": frozenset(
        {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge",
         "autoremove", "update"}
    ),
    "apk": frozenset({"add", "del", "upgrade", "update"}),
    "yum": frozenset(
        {"install", "reinstall", "update", "upgrade", "remove", "erase", "groupinstall",
         "localinstall", "makecache"}
    ),
    "zypper": frozenset({"install", "update", "remove", "dist-upgrade", "patch", "refresh"}),
    "pip": frozenset({"install", "uninstall"}),
    "npm": frozenset({"install", "ci", "uninstall", "update"}),
    "gem": frozenset({"install", "uninstall", "update"}),
}  # fmt: skip
TOOL_FAMILY = {"apt": "apt-get", "aptitude": "apt-get", "dnf": "yum", "microdnf": "yum"}
PYINFRA_PACKAGE_OPERATION = {
    "apt-get": "apt.packages",
    "apt": "apt.packages",
    "aptitude": "apt.packages",
    "apk": "apk.packages",
    "yum": "yum.packages",
    "dnf": "dnf.packages",
    "microdnf": "dnf.packages",
    "zypper": "zypper.packages",
    "rpm": "yum.rpm or dnf.rpm",
    "pip": "pip.packages",
    "npm": "npm.packages",
    "gem": "gem.packages",
}
SERVICE_ACTIONS = frozenset(
    {"start", "stop", "restart", "reload", "try-restart", "reload-or-restart", "condrestart",
     "force-reload", "enable", "disable", "mask", "unmask", "daemon-reload"}
)  # fmt: skip
PYINFRA_SHELL = frozenset(
    {
        "pyinfra.operations.server.shell",
        "pyinfra.operations.server.script",
        "pyinfra.operations.server.script_template",
    }
)
FABRIC_FUNCTIONS = frozenset(
    {"fabric.api.run", "fabric.api.sudo", "fabric.operations.run", "fabric.operations.sudo"}
)
REMOTE_LIBRARIES = ("fabric", "invoke", "patchwork")


@dataclass(frozen=True)
class Imperative:
    kind: str  # "package" | "service" | "download"
    command: str  # shown in the message: "apt-get install", "systemctl restart", "curl <url>"
    tool: str


def imperative(command: Command) -> Imperative | None:
    """What a shell command changes imperatively, if it is a package, service or download step."""
    call = commands.invocation(command)
    if call is not None:
        family = TOOL_FAMILY.get(call.tool, call.tool)
        subcommand = call.subcommand or ""
        if subcommand in PACKAGE_SUBCOMMANDS.get(family, ()):
            return Imperative("package", f"{call.tool} {subcommand}", call.tool)
        if call.tool == "rpm" and any(
            o.name in ("install", "upgrade", "i", "U") for o in call.options
        ):
            return Imperative("package", "rpm install", "rpm")
    control = commands.service_control(command)
    if control is not None and control.action in SERVICE_ACTIONS:
        if control.manager == "systemctl":
            return Imperative("service", f"systemctl {control.action}", "systemctl")
        if control.manager == "service":
            shown = f"service {control.service} {control.action}"
            return Imperative("service", shown, "service")
        if control.manager == "init.d" and control.command.name is not None:
            shown = f"{control.command.name.text} {control.action}"
            return Imperative("service", shown, "init.d")
    fetched = commands.download(command)
    if fetched is not None and fetched.urls:
        return Imperative("download", f"{fetched.tool} {fetched.urls[0].text}", fetched.tool)
    return None


def imperatives_in(script: str) -> list[Imperative]:
    found = []
    for command in parse_shell(script).commands:
        step = imperative(command)
        if step is not None and step not in found:
            found.append(step)
    return found


def _advice(kind: str, step: Imperative) -> str:
    if kind == "pyinfra":
        if step.kind == "package":
            return f"use {PYINFRA_PACKAGE_OPERATION.get(step.tool, 'a package operation')}"
        if step.kind == "service":
            return "use systemd.service or server.service"
        return "use files.download with sha256sum"
    if step.kind == "package":
        return "install packages in the image build or with a declarative tool"
    if step.kind == "service":
        return "let a declarative tool or the orchestrator manage services"
    return "fetch artefacts with a pinned checksum in the image build"


_KIND_WORDS = {
    "package": "package management",
    "service": "service control",
    "download": "a download",
}


@check("PY201")
def imperative_shell_in_deploy(doc: PythonDocument, context: CheckContext) -> Iterator[Violation]:
    if doc.deploy_kind is None:
        return
    for call in doc.calls:
        names = doc.names(call.func)
        if doc.deploy_kind == "pyinfra" and names & PYINFRA_SHELL:
            operation = sorted(names & PYINFRA_SHELL)[0].removeprefix("pyinfra.operations.")
            if operation == "server.shell":
                yield from _shell_strings(doc, call, operation, argument(call, 0, "commands"))
            else:
                yield from _script_file(doc, call, operation, context.project)
        elif doc.deploy_kind == "fabric" and _is_remote_run(doc, call, names):
            label = f"{doc.code(call.func, 30)}()"
            yield from _shell_strings(doc, call, label, argument(call, 0, "command"))


def _is_remote_run(doc: PythonDocument, call: cst.Call, names: set[str]) -> bool:
    if names & FABRIC_FUNCTIONS:
        return True
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value not in ("run", "sudo"):
        return False
    imported = doc.imported_names(call.func)
    # `subprocess.run(...)` is no remote run; `c.run`, `conn.sudo`, `Connection(h).run` are.
    return not imported or any(name.startswith(REMOTE_LIBRARIES) for name in imported)


def _shell_strings(
    doc: PythonDocument, call: cst.Call, label: str, value: cst.BaseExpression | None
) -> Iterator[Violation]:
    if value is None:
        return
    value = resolve(doc, value)
    parts = (
        [element.value for element in value.elements]
        if isinstance(value, cst.List | cst.Tuple)
        else [value]
    )
    for part in parts:
        script = shell_text(doc, part)
        if script is None:
            continue
        steps = imperatives_in(script)
        if steps:
            yield _imperative_violation(doc, part, label, steps)


def _script_file(
    doc: PythonDocument, call: cst.Call, operation: str, project: Project | None
) -> Iterator[Violation]:
    """server.script uploads and runs a local script: the link stage read it (never ran it)
    beside the deploy, only inside the scanned tree (its commands are quoted in the finding)."""
    source = argument(call, 0, "src")
    relative = string_value(doc, source)
    if source is None or relative is None or not doc.source.path.is_absolute():
        return
    script = project.scripts.get(str(doc.source.path.parent / relative)) if project else None
    if script is None:
        return
    steps = [Imperative(*step) for step in script]
    if steps:
        yield _imperative_violation(doc, source, f"{operation}({relative!r})", steps)


def uploaded_scripts(doc: PythonDocument) -> list[str]:
    """The local scripts `_script_file` quotes, as written (beside the deploy): the link stage
    reads them."""
    found: list[str] = []
    if doc.deploy_kind != "pyinfra":
        return found
    for call in doc.calls:
        names = doc.names(call.func) & PYINFRA_SHELL
        if names and sorted(names)[0] != "pyinfra.operations.server.shell":
            relative = string_value(doc, argument(call, 0, "src"))
            if relative is not None:
                found.append(relative)
    return found


def _imperative_violation(
    doc: PythonDocument, node: cst.CSTNode, label: str, steps: list[Imperative]
) -> Violation:
    first = steps[0]
    shown = ", ".join(f"'{step.command}'" for step in steps[:3]).replace(PLACEHOLDER, "{…}")
    kinds = []
    for step in steps:
        if _KIND_WORDS[step.kind] not in kinds:
            kinds.append(_KIND_WORDS[step.kind])
    advice = _advice(doc.deploy_kind or "", first)
    return Violation(doc.span(node), f"{label} runs {shown} ({' and '.join(kinds)}): {advice}")
