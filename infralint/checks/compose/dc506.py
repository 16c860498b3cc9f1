"""DC506 yaml11-boolean: yes/no/on/off in a boolean field, or a 0755-style octal mode."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks import once_per_position
from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.parsers.compose_values import FALSE_WORDS, TRUE_WORDS
from infralint.parsers.yaml_model import Mapping, Node, Scalar, Sequence, walk
from infralint.registry import CheckContext, check

# Keys the compose-spec schema types as boolean (`restart` only inside depends_on entries).
BOOLEAN_KEYS = frozenset(
    {"attach", "attachable", "create_host_path", "disable", "enable_ipv4", "enable_ipv6",
     "external", "init", "initial_sync", "internal", "manual", "no_cache", "nocopy",
     "oom_kill_disable", "per_replica", "privileged", "provenance", "pull", "read_only",
     "required", "restart", "sbom", "stdin_open", "tty", "use_api_socket",
     "use_service_name_alias"}
)  # fmt: skip
_YAML11_BOOLEANS = (TRUE_WORDS | FALSE_WORDS) - {"true", "false"}
_OCTAL = re.compile(r"^[-+]?0[0-7]+$")
# YAML 1.1's base-60 integers: `22:22` is 1342 to a YAML 1.1 reader (PyYAML, older tools).
_SEXAGESIMAL = re.compile(r"^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$")


@check("DC506")
@once_per_position
def yaml11_boolean(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    roots: list[Node | None] = []
    for section in ("services", "networks", "volumes", "secrets", "configs"):
        roots.extend(entry.value for entry in document.top(section))
    if document.legacy_v1:
        roots.extend(service.node for service in document.services)
    yield from _base60_ports(document)
    for node in walk(roots):
        if not isinstance(node, Mapping):
            continue
        for entry in node.entries:
            if not isinstance(entry.value, Scalar) or not entry.value.plain:
                continue
            text = entry.value.text
            if entry.key in BOOLEAN_KEYS and text.lower() in _YAML11_BOOLEANS:
                if entry.key == "restart" and "condition" not in node:
                    continue  # a service's restart policy is a string (`restart: "no"`)
                meaning = "true" if text.lower() in TRUE_WORDS else "false"
                yield Violation(
                    entry.value.span,
                    f"'{entry.key}: {text}' is a YAML 1.1 boolean; write {meaning}",
                )
            elif entry.key in ("mode", "umask") and _OCTAL.match(text):
                yield Violation(
                    entry.value.span,
                    f"'{entry.key}: {text}' is octal in YAML 1.1 but decimal {int(text)} in YAML"
                    f" 1.2; write 0o{text.lstrip('+-0') or '0'} or quote it",
                )


def _base60_ports(document: ComposeDocument) -> Iterator[Violation]:
    for service in document.services:
        for key in ("ports", "expose"):
            node = service.get(key)
            if not isinstance(node, Sequence):
                continue
            for item in node.items:
                if isinstance(item, Scalar) and item.plain and _SEXAGESIMAL.match(item.text):
                    yield Violation(
                        item.span,
                        f"'{item.text}' unquoted is the base-60 number {_base60(item.text)} in "
                        f'YAML 1.1; quote it ("{item.text}") so every YAML reader sees a string',
                    )


def _base60(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    value = 0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        value = value * 60 + int(part)
    return sign * value
