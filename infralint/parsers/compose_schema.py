"""Validation against the compose-spec JSON schema bundled in infralint/schemas/ (its source,
version and licence are noted there; tools/update_compose_schema.py refreshes it).

A schema that cannot be loaded is an error (SchemaUnavailable), never an empty result: DC501
would otherwise pass every file. Errors are turned into one readable issue each, placed at the
offending key: for an unknown key, the key itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from infralint.model import Span
from infralint.parsers.yaml_model import Entry, Mapping, Node, Sequence, to_data

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schemas" / "compose-spec.json"


@dataclass(frozen=True)
class SchemaIssue:
    span: Span
    message: str


class SchemaUnavailable(Exception):
    """The bundled schema is missing or unreadable: the installation is broken."""


def schema_path() -> Path:
    return SCHEMA_FILE


@cache
def _validators() -> tuple[Any, Any, list[str]]:
    """Validators for a whole file and for one service, and the allowed service-name patterns."""
    import jsonschema  # type: ignore[import-untyped]

    try:
        schema = json.loads(schema_path().read_bytes())
        validator_class = jsonschema.validators.validator_for(schema)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise SchemaUnavailable(
            f"the bundled compose schema {schema_path()} cannot be loaded ({reason});"
            " reinstall infralint"
        ) from None
    if not isinstance(schema, dict):
        raise SchemaUnavailable(f"the bundled compose schema {schema_path()} is not a JSON object")
    service_schema = {key: value for key, value in schema.items() if key.startswith("$")}
    service_schema.pop("$id", None)
    service_schema["$ref"] = "#/$defs/service"
    names = list(schema.get("properties", {}).get("services", {}).get("patternProperties", {}))
    return validator_class(schema), validator_class(service_schema), names


def validate(root: Node) -> list[SchemaIssue]:
    """Schema issues of one YAML document's root node, in file order.

    Services are validated one by one, and identical services (aliases, merges, generated
    files) once: validating a file with thousands of services as one instance is slow.
    """
    validator, service_validator, name_patterns = _validators()  # SchemaUnavailable: loud
    data = to_data(root)
    # One issue per position: a node shared through an alias is reported once, for the first
    # service that uses it.
    issues: dict[Span, SchemaIssue] = {}

    def collect(errors: Iterable[Any], prefix: list[Any], schema_validator: Any) -> None:
        for error in errors:
            for issue in _issues(error, root, schema_validator, prefix):
                issues.setdefault(issue.span, issue)

    try:
        services = data.get("services") if isinstance(data, dict) else None
        if isinstance(services, dict):
            collect(validator.iter_errors({**data, "services": {}}), [], validator)
            _check_service_names(services, root, name_patterns, issues)
            seen: dict[str, list[Any]] = {}
            for name, service in services.items():
                fingerprint = json.dumps(service, sort_keys=True, default=str)
                if fingerprint not in seen:
                    seen[fingerprint] = list(service_validator.iter_errors(service))
                collect(seen[fingerprint], ["services", name], service_validator)
        else:
            collect(validator.iter_errors(data), [], validator)
    except RecursionError:
        return [SchemaIssue(root.span, "document too deeply nested to validate")]
    return sorted(issues.values(), key=lambda issue: (issue.span, issue.message))


def _check_service_names(
    services: dict[str, Any],
    root: Node,
    patterns: list[str],
    issues: dict[Span, SchemaIssue],
) -> None:
    for name in services:
        if patterns and not any(re.search(pattern, name) for pattern in patterns):
            span, _ = _locate(root, ["services", name])
            message = f"service name '{name}' may only use letters, digits, '.', '_' and '-'"
            issues.setdefault(span, SchemaIssue(span, message))


# --------------------------------------------------------------------------- error -> issue


def _issues(error: Any, root: Node, validator: Any, prefix: list[Any]) -> Iterator[SchemaIssue]:
    path = prefix + list(error.absolute_path)
    kind = error.validator
    if kind in ("additionalProperties", "unevaluatedProperties"):
        yield from _unknown_keys(error, root, path, validator)
        return
    if kind in ("oneOf", "anyOf"):
        branch = _matching_branch(error)
        if branch is not None:
            for sub in branch:
                yield from _issues(sub, root, validator, prefix)
            return
    span, merged = _locate(root, path)
    where = _where(path)
    yield SchemaIssue(span, _describe(error, where) + (" (via <<)" if merged else ""))


def _matching_branch(error: Any) -> list[Any] | None:
    """The errors of the one alternative whose type fits the value, if exactly one does."""
    branches: dict[int, list[Any]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [
        errors
        for errors in branches.values()
        if not any(
            sub.validator == "type" and list(sub.absolute_path) == list(error.absolute_path)
            for sub in errors
        )
    ]
    return fitting[0] if len(fitting) == 1 else None


def _unknown_keys(error: Any, root: Node, path: list[Any], validator: Any) -> Iterator[SchemaIssue]:
    instance = error.instance
    if not isinstance(instance, dict):
        return
    known, patterns = _known_properties(error.schema, validator)
    node, _ = _node_at(root, path)
    where = f"in {_where(path)}" if path else "at the top level"
    for key in instance:
        if key in known or any(re.search(pattern, key) for pattern in patterns):
            continue
        entry = node.entry(key) if isinstance(node, Mapping) else None
        span = entry.key_node.span if entry else (node.span if node else Span.whole_file())
        suffix = " (via <<)" if entry is not None and entry.merged else ""
        yield SchemaIssue(span, f"unknown key '{key}' {where}{suffix}")


def _known_properties(schema: Any, validator: Any) -> tuple[set[str], list[str]]:
    """Property names and patterns a schema (with its allOf/$ref parts) accepts."""
    known: set[str] = set()
    patterns: list[str] = []
    pending = [schema]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if not isinstance(current, dict) or id(current) in seen:
            continue
        seen.add(id(current))
        known.update(current.get("properties", {}))
        patterns.extend(current.get("patternProperties", {}))
        ref = current.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            pending.append(_resolve_pointer(validator.schema, ref))
        for key in ("allOf", "anyOf", "oneOf"):
            pending.extend(current.get(key, []))
    return known, patterns


def _resolve_pointer(schema: Any, ref: str) -> Any:
    current = schema
    for raw_part in ref[2:].split("/"):
        part = raw_part.replace("~1", "/").replace("~0", "~")
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


def _node_at(root: Node, path: list[Any]) -> tuple[Node | None, Entry | None]:
    node: Node | None = root
    entry: Entry | None = None
    for part in path:
        if isinstance(node, Mapping) and isinstance(part, str):
            entry = node.entry(part)
            node = entry.value if entry else None
        elif isinstance(node, Sequence) and isinstance(part, int) and part < len(node.items):
            entry = None
            node = node.items[part]
        else:
            return None, None
    return node, entry


def _locate(root: Node, path: list[Any]) -> tuple[Span, bool]:
    """The key of the offending entry (or the item), and whether it came in through `<<`."""
    node, entry = _node_at(root, path)
    if entry is not None:
        return entry.key_node.span, entry.merged
    if node is not None:
        return node.span, False
    return root.span, False


def _where(path: list[Any]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if value is None:
        return "null"
    return "a string"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe(error: Any, where: str) -> str:
    kind = error.validator
    subject = f"'{where}'" if where else "the file"
    value = error.instance
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in names)
        return f"{subject} must be {wanted}, not {_type_name(value)}"
    if kind == "required":
        missing = [name for name in error.validator_value if name not in (value or {})]
        return f"{subject} is missing the required key '{missing[0] if missing else '?'}'"
    if kind == "enum":
        allowed = ", ".join(str(choice) for choice in error.validator_value)
        return f"{subject} is {_short(value)}, expected one of: {allowed}"
    if kind == "const":
        return f"{subject} must be {error.validator_value!r}"
    if kind == "pattern":
        return f"{subject} value {_short(value)} does not match the pattern {error.validator_value}"
    if kind == "uniqueItems":
        return f"{subject} lists the same item more than once"
    if kind in ("minItems", "maxItems", "minProperties", "maxProperties", "minimum", "maximum"):
        return f"{subject}: {error.message}"
    if kind in ("oneOf", "anyOf"):
        return f"{subject} {_short(value)} matches none of the allowed forms"
    if kind == "not":
        return f"{subject} uses a form that is not allowed here"
    return f"{subject}: {error.message}"
