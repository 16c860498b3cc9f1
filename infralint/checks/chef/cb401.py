"""CB401 sensitive-not-marked: A resource passes a password, secret or token without sensitive
true."""

from __future__ import annotations

import re
from collections.abc import Iterator

from infralint.checks.chef._common import _name, _resources, _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument, Value
from infralint.registry import CheckContext, check

SECRET_NAME = re.compile(
    r"(^|_)(password|passwd|passphrase|secret|token|api_?key|private_?key|credentials?)($|_)",
    re.I,
)


# Core resources whose secret properties Chef already masks (declared `sensitive: true`).
MASKED = {
    ("user", "password"),
    ("linux_user", "password"),
    ("mac_user", "password"),
    ("windows_user", "password"),
    ("windows_service", "password"),
    ("windows_task", "password"),
    ("execute", "password"),
    ("mount", "password"),
}


def _carries_value(value: Value | None) -> bool:
    if value is None:
        return False
    if value.kind in ("nil", "boolean"):
        return False
    return not (value.kind == "string" and value.string == "")


def _secret_keys(value: Value, depth: int = 0) -> list[str]:
    if value.kind != "hash" or depth > 2:
        return []
    keys = []
    for key, item in value.literal.items():
        if SECRET_NAME.search(key) and _carries_value(item):
            keys.append(key)
        keys.extend(_secret_keys(item, depth + 1))
    return keys


@check("CB401")
def sensitive_not_marked(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    # Properties the run's custom resources declare `sensitive: true`: Chef masks them.
    declared = ctx.project.sensitive_properties if ctx.project is not None else {}
    for resource in _resources(doc):
        sensitive = resource.setting("sensitive")
        if sensitive is not None and not (
            sensitive.value is not None
            and sensitive.value.kind == "boolean"
            and not sensitive.value.literal
        ):
            continue
        names: list[str] = []
        for prop in resource.properties:
            if prop.name == "variables":
                for arg in prop.args:
                    names.extend(f"template variable '{key}'" for key in _secret_keys(arg))
            elif (
                SECRET_NAME.search(prop.name)
                and (resource.type, prop.name) not in MASKED
                and prop.name not in declared.get(resource.type, ())
                and _carries_value(prop.value)
            ):
                names.append(f"property '{prop.name}'")
        if names:
            listed = ", ".join(dict.fromkeys(names))
            yield _violation(
                resource.head,
                f"{_name(resource)} sets {listed} without `sensitive true` (it can appear in "
                "logs and reports)",
            )
