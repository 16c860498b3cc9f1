"""The rule catalogue: one `rules/<CODE>.md` per rule, the single source of its metadata and docs.

A rule document starts with YAML front matter between `---` lines. Only a small, strict subset of
YAML is used there (block mappings, scalars, flow lists), so it is read here without a YAML
library: start-up stays fast and ruamel.yaml is imported only by runs that lint compose files.
tests/test_catalog.py checks this reader against ruamel.yaml on every rule document.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from infralint.languages import LANGUAGES as LANGUAGE_TABLE
from infralint.model import Severity

LANGUAGES = tuple(language.name for language in LANGUAGE_TABLE)
CODE_PREFIX = {language.code_prefix: language.name for language in LANGUAGE_TABLE}
_CODE = re.compile(rf"({'|'.join(CODE_PREFIX)})\d{{3}}")
CONCERNS = {
    "0": "engine",
    "1": "reproducibility",
    "2": "imperative-drift",
    "3": "logging-process",
    "4": "security",
    "5": "correctness",
}
PEER_TOOLS = ("hadolint", "checkov", "kics", "cookstyle", "shellcheck", "dclint", "buildkit")
FIX_KINDS = ("none", "safe", "unsafe")
PRECISIONS = ("very-high", "high", "medium", "low")
OPTION_TYPES = ("string", "list", "bool", "int")
SECTIONS = ("Why is this bad?", "Examples", "How to fix", "References")


class CatalogError(Exception):
    """A rule document that breaks the format (a bug in the repo, not in user input)."""


class RuleOption(NamedTuple):
    """A rule's configurable option, declared in its document's front matter."""

    name: str
    type: str
    default: Any
    description: str


class Rule(NamedTuple):
    """One rule's metadata, from the front matter of rules/<CODE>.md."""

    code: str
    name: str
    language: str
    severity: Severity
    enabled: bool
    summary: str
    tags: tuple[str, ...]
    fix: str
    precision: str
    since: str
    peers: dict[str, tuple[str, ...]]
    options: dict[str, RuleOption]
    presets: tuple[str, ...]
    path: Path

    @property
    def concern(self) -> str:
        if self.code.startswith("SC"):  # ShellCheck's numbers say nothing about our concerns
            return "correctness"
        return CONCERNS[self.code[2]]

    @property
    def document(self) -> str:
        """The Markdown after the front matter."""
        return split_front_matter(self.path.read_text(encoding="utf-8"))[1]

    @property
    def user_document(self) -> str:
        """The document as users read it: without the examples' `# expect:` test markers."""
        from infralint.expect_markers import strip_expect_markers

        return strip_expect_markers(self.document)

    def section(self, title: str) -> str:
        return markdown_section(self.document, title)


# --------------------------------------------------------------------------- front matter


def split_front_matter(text: str) -> tuple[str, str]:
    if not text.startswith("---\n"):
        raise CatalogError("a rule document starts with '---' front matter")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise CatalogError("front matter is not closed by '---'")
    return text[4 : end + 1], text[end + 5 :]


_PLAIN_INT = re.compile(r"-?\d+")


def _scalar(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("[") and raw.endswith("]"):
        inner = raw[1:-1].strip()
        return [_scalar(part) for part in _split_flow(inner)] if inner else []
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    if raw in ("true", "false"):
        return raw == "true"
    if raw in ("null", "~", ""):
        return None
    if _PLAIN_INT.fullmatch(raw):
        return int(raw)
    return raw


def _split_flow(inner: str) -> Iterator[str]:
    """Split a flow list on commas outside quotes."""
    quote = ""
    start = 0
    for i, char in enumerate(inner):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == ",":
            yield inner[start:i]
            start = i + 1
    yield inner[start:]


def parse_front_matter(text: str) -> dict[str, Any]:
    """Read block mappings (nested by indentation), scalars and flow lists."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, dict[str, Any]]] = [(-1, root)]
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        key, sep, value = line.strip().partition(":")
        if not sep or not key or " #" in value:
            raise CatalogError(f"front matter line {number}: expected 'key: value'")
        while indent <= stack[-1][0]:
            stack.pop()
        parent = stack[-1][1]
        if key in parent:
            raise CatalogError(f"front matter line {number}: duplicate key {key!r}")
        if value.strip():
            parent[key] = _scalar(value)
        else:
            parent[key] = {}
            stack.append((indent, parent[key]))
    return root


# --------------------------------------------------------------------------- validation


def _require(condition: bool, path: Path, message: str) -> None:
    if not condition:
        raise CatalogError(f"{path.name}: {message}")


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


REQUIRED_KEYS = ("code", "name", "language", "severity", "enabled", "summary", "tags", "fix")
KNOWN_KEYS = {
    *REQUIRED_KEYS,
    "precision",
    "since",
    "status",
    "options",
    "presets",
    *PEER_TOOLS,
}


def rule_from_document(path: Path, text: str) -> Rule:
    front, body = split_front_matter(text)
    data = parse_front_matter(front)
    for key in REQUIRED_KEYS:
        _require(key in data, path, f"missing front matter key {key!r}")
    unknown = set(data) - KNOWN_KEYS
    _require(not unknown, path, f"unknown front matter keys {sorted(unknown)}")
    code = data["code"]
    _require(
        isinstance(code, str) and _CODE.fullmatch(code) is not None,
        path,
        "code must look like DF101",
    )
    _require(path.stem == code, path, f"file name must be {code}.md")
    name = data["name"]
    _require(
        isinstance(name, str) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) is not None,
        path,
        "name must be kebab-case",
    )
    _require(data["language"] == CODE_PREFIX[code[:2]], path, "language does not match the code")
    _require(data["severity"] in ("error", "warning", "note"), path, "bad severity")
    _require(isinstance(data["enabled"], bool), path, "enabled must be true or false")
    _require(
        isinstance(data["summary"], str) and bool(data["summary"]), path, "summary is required"
    )
    _require(_string_list(data["tags"]), path, "tags must be a list of words")
    _require(data["fix"] in FIX_KINDS, path, f"fix must be one of {FIX_KINDS}")
    precision = data.get("precision", "high")
    _require(precision in PRECISIONS, path, f"precision must be one of {PRECISIONS}")
    presets = data.get("presets", [])
    _require(_string_list(presets), path, "presets must be a list")
    peers: dict[str, tuple[str, ...]] = {}
    for tool in PEER_TOOLS:
        if tool in data:
            _require(_string_list(data[tool]), path, f"{tool} must be a list of codes")
            peers[tool] = tuple(data[tool])
    options: dict[str, RuleOption] = {}
    for opt_name, spec in (data.get("options") or {}).items():
        _require(isinstance(spec, dict), path, f"option {opt_name} needs type/default/description")
        _require(spec.get("type") in OPTION_TYPES, path, f"option {opt_name}: bad type")
        _require("default" in spec, path, f"option {opt_name}: missing default")
        default = spec["default"]
        _require(option_value_ok(spec["type"], default), path, f"option {opt_name}: bad default")
        options[opt_name] = RuleOption(
            opt_name, spec["type"], default, str(spec.get("description", ""))
        )
    for title in SECTIONS:
        _require(
            re.search(rf"^## {re.escape(title)}\s*$", body, re.M) is not None,
            path,
            f"missing section '## {title}'",
        )
    return Rule(
        code=code,
        name=name,
        language=data["language"],
        severity=Severity(data["severity"]),
        enabled=data["enabled"],
        summary=data["summary"],
        tags=tuple(data["tags"]),
        fix=data["fix"],
        precision=precision,
        since=str(data.get("since", "0.1.0")),
        peers=peers,
        options=options,
        presets=tuple(presets),
        path=path,
    )


def option_value_ok(kind: str, value: Any) -> bool:
    if kind == "list":
        return _string_list(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def markdown_section(document: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", document, re.M | re.S)
    return match.group(1).strip() if match else ""


# --------------------------------------------------------------------------- loading


def rules_dir() -> Path:
    """Packaged copy in the wheel, else the repository's rules/ (editable installs, tests)."""
    here = Path(__file__).resolve().parent
    packaged = here / "rules"
    return packaged if packaged.is_dir() else here.parent / "rules"


class _RuleTable(dict[str, Rule]):
    """Code -> rule. A ShellCheck code is a rule too, made on first use (infralint/peer_codes.py):
    it is found by `[]` but neither listed nor counted, as it has no document of its own."""

    def __missing__(self, code: str) -> Rule:
        from infralint import peer_codes

        if peer_codes.is_shellcheck_code(code):
            return _shellcheck_rule(code)
        raise KeyError(code)


@cache
def _shellcheck_rule(code: str) -> Rule:
    """One ShellCheck code's rule: one document (infralint/shellcheck/RULE.md) serves all."""
    return Rule(
        code=code,
        name=f"shellcheck-{code.lower()}",
        language="dockerfile",
        severity=Severity.WARNING,  # each finding carries ShellCheck's own level
        enabled=True,
        summary=f"ShellCheck {code} in a RUN script (https://www.shellcheck.net/wiki/{code})",
        tags=("shellcheck", "correctness"),
        fix="none",
        precision="high",
        since="0.1.0",
        peers={"shellcheck": (code,)},
        options={},
        presets=(),
        path=Path(__file__).resolve().parent / "shellcheck" / "RULE.md",
    )


class Catalog:
    def __init__(self, rules: Iterable[Rule]) -> None:
        # Names are unique within a language; the same concern may share a name across languages
        # (DF301 and DC303 are both log-to-file), and then the name selects both.
        self.rules: dict[str, Rule] = _RuleTable()
        self.by_name: dict[str, list[Rule]] = {}
        self._peer_maps: dict[str, dict[str, list[str]]] = {}
        for rule in sorted(rules, key=lambda r: r.code):
            same_name = self.by_name.setdefault(rule.name, [])
            if rule.code in self.rules or any(r.language == rule.language for r in same_name):
                raise CatalogError(f"{rule.code} {rule.name}: code or name used twice")
            self.rules[rule.code] = rule
            same_name.append(rule)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, code_or_name: str) -> Rule | None:
        """The rule with this code, or the first rule (by code) with this name."""
        found = self.lookup(code_or_name)
        return found[0] if found else None

    def lookup(self, code_or_name: str) -> list[Rule]:
        """Every rule a code or name denotes: ours, or those a hadolint or ShellCheck code stands
        for (infralint/peer_codes.py)."""
        key = code_or_name.strip()
        rule = self.rules.get(key.upper())
        if rule:
            return [rule]
        named = self.by_name.get(key.lower())
        if named:
            return list(named)
        if key[:2].upper() in ("DL", "SC"):
            from infralint import peer_codes

            return peer_codes.lookup(key, self)
        return []

    def peer_map(self, tool: str) -> dict[str, list[str]]:
        """Peer code (e.g. DL3008) -> our codes (a fresh copy: callers may extend it)."""
        if tool not in self._peer_maps:
            mapping: dict[str, list[str]] = {}
            for rule in self:
                for peer in rule.peers.get(tool, ()):
                    mapping.setdefault(peer, []).append(rule.code)
            self._peer_maps[tool] = mapping
        return {peer: list(codes) for peer, codes in self._peer_maps[tool].items()}


INDEX_NAME = "index.json"


def parse_catalog(folder: Path) -> Catalog:
    """Read and validate every rule document (the slow, authoritative path)."""
    documents = sorted(folder.glob("*.md"))
    return Catalog(rule_from_document(path, path.read_text(encoding="utf-8")) for path in documents)


def load_catalog(directory: Path | None = None) -> Catalog:
    return _load_catalog(directory or rules_dir())


@cache
def _load_catalog(folder: Path) -> Catalog:
    """The catalogue from rules/index.json when it matches the documents, else from them.

    Reading 125 documents costs more than everything else in a one-file run, so
    tools/gen_docs.py writes their validated front matter to one index. A document whose size
    no longer matches the index (edited without regenerating) sends us back to the documents.
    """
    index = _read_index(folder)
    if index is None:
        return parse_catalog(folder)
    return Catalog(rule_from_record(record, folder) for record in index["rules"])


def _read_index(folder: Path) -> dict[str, Any] | None:
    import json

    try:
        index = json.loads((folder / INDEX_NAME).read_text(encoding="utf-8"))
        sizes = {
            entry.name: entry.stat().st_size
            for entry in os.scandir(folder)
            if entry.name.endswith(".md")
        }
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or index.get("documents") != sizes:
        return None
    return index


def index_text(catalog: Catalog) -> str:
    """rules/index.json for this catalogue: the front matter of every rule, and document sizes."""
    import json

    rules = list(catalog)
    index = {
        "documents": {rule.path.name: rule.path.stat().st_size for rule in rules},
        "rules": [rule_record(rule) for rule in rules],
    }
    return json.dumps(index, indent=1, sort_keys=True) + "\n"


def rule_record(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "language": rule.language,
        "severity": rule.severity.value,
        "enabled": rule.enabled,
        "summary": rule.summary,
        "tags": list(rule.tags),
        "fix": rule.fix,
        "precision": rule.precision,
        "since": rule.since,
        "peers": {tool: list(codes) for tool, codes in rule.peers.items()},
        "options": {
            name: {"type": opt.type, "default": opt.default, "description": opt.description}
            for name, opt in rule.options.items()
        },
        "presets": list(rule.presets),
    }


def rule_from_record(record: dict[str, Any], folder: Path) -> Rule:
    return Rule(
        code=record["code"],
        name=record["name"],
        language=record["language"],
        severity=Severity(record["severity"]),
        enabled=record["enabled"],
        summary=record["summary"],
        tags=tuple(record["tags"]),
        fix=record["fix"],
        precision=record["precision"],
        since=record["since"],
        peers={tool: tuple(codes) for tool, codes in record["peers"].items()},
        options={
            name: RuleOption(name, spec["type"], spec["default"], spec["description"])
            for name, spec in record["options"].items()
        },
        presets=tuple(record["presets"]),
        path=folder / f"{record['code']}.md",
    )
