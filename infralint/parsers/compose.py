"""Docker compose files: services, their keys and values with exact positions.

    parse(source) -> ComposeDocument

The YAML is composed by infralint.parsers.yaml_model (iterative, alias budget, depth limit,
merge keys applied, duplicate keys recorded). Values are interpolated as compose does, with the
`.env` beside the file (infralint.parsers.interpolation). Schema validation against the
compose-spec lives in infralint.parsers.compose_schema and runs only when DC501 asks for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from infralint.model import ParseProblem, Span
from infralint.parsers.interpolation import (
    ExpansionBudget,
    Interpolated,
    interpolate,
    load_dotenv,
)
from infralint.parsers.shell import PositionMap
from infralint.parsers.yaml_model import (
    Duplicate,
    Entry,
    Mapping,
    Node,
    Scalar,
    Sequence,
    compose,
    empty_mapping,
)
from infralint.source import SourceFile

# Keys that only make sense on a service: a top-level mapping of such mappings is a v1 file.
_SERVICE_KEYS = frozenset({"image", "build", "command", "ports", "volumes", "environment"})
_TOP_LEVEL_KEYS = frozenset(
    {"version", "name", "include", "services", "models", "networks", "volumes", "secrets",
     "configs", "jobs"}
)  # fmt: skip


@dataclass(eq=False)
class Service:
    name: str
    entry: Entry  # the `name:` entry under `services:` (or at the top level of a v1 file)
    node: Mapping  # the service's mapping (an empty one when the value is not a mapping)

    @property
    def span(self) -> Span:
        return self.entry.key_node.span

    def get(self, key: str) -> Node | None:
        entry = self.node.index.get(key)
        return entry.value if entry is not None else None

    def entry_of(self, key: str) -> Entry | None:
        return self.node.index.get(key)

    def has(self, key: str) -> bool:
        return key in self.node


@dataclass
class ComposeDocument:
    source: SourceFile
    problems: list[ParseProblem] = field(default_factory=list)
    roots: list[Node | None] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    entry_ends: dict[int, int] = field(default_factory=dict)
    # Derived values several checks share (parsed scripts of a service), keyed by the reader.
    cache: dict[tuple[str, int], Any] = field(default_factory=dict, repr=False, compare=False)
    # Shared by every interpolation in the file, so many references to a large value stay bounded.
    expansion_budget: ExpansionBudget = field(
        default_factory=ExpansionBudget, repr=False, compare=False
    )

    def construct_end(self, line: int) -> int:
        return max(self.entry_ends.get(line, line), line)

    @property
    def directory(self) -> Path:
        return self.source.path.parent

    @cached_property
    def mappings(self) -> list[Mapping]:
        """The top-level mapping of every YAML document of the file."""
        return [root for root in self.roots if isinstance(root, Mapping)]

    @cached_property
    def legacy_v1(self) -> bool:
        """A v1 file: services at the top level and no `services:` key."""
        for root in self.mappings:
            if "services" in root:
                return False
            if any(_looks_like_v1_service(entry) for entry in root.entries):
                return True
        return False

    def top(self, key: str) -> list[Entry]:
        """The top-level entries named `key`, one per YAML document that has it."""
        return [entry for root in self.mappings if (entry := root.entry(key)) is not None]

    def declared(self, section: str) -> set[str]:
        """Names declared under a top-level section (`networks`, `volumes`, `secrets`...)."""
        names: set[str] = set()
        for entry in self.top(section):
            if isinstance(entry.value, Mapping):
                names.update(item.key for item in entry.value.entries)
        return names

    @cached_property
    def services(self) -> list[Service]:
        found: list[Service] = []
        if self.legacy_v1:
            for root in self.mappings:
                found.extend(
                    _service(entry)
                    for entry in root.entries
                    if entry.key not in _TOP_LEVEL_KEYS and not entry.key.startswith("x-")
                )
            return found
        for entry in self.top("services"):
            if isinstance(entry.value, Mapping):
                found.extend(_service(item) for item in entry.value.entries)
        return found

    def service(self, name: str) -> Service | None:
        return next((service for service in self.services if service.name == name), None)

    def interpolate(self, text: str) -> Interpolated:
        return interpolate(text, self.env, self.expansion_budget)

    def value(self, node: Node | None) -> str | None:
        """The interpolated text of a scalar (unresolved variables empty), None otherwise."""
        if not isinstance(node, Scalar) or node.value is None:
            return None
        return self.interpolate(node.text).value

    def origin(self, node: Scalar) -> PositionMap:
        """Maps offsets in the scalar's value to file positions (exact for single lines and
        literal blocks; folded lines are located by their text)."""
        return scalar_origin(self.source, node)


def _looks_like_v1_service(entry: Entry) -> bool:
    if entry.key in _TOP_LEVEL_KEYS or entry.key.startswith("x-"):
        return False
    return isinstance(entry.value, Mapping) and any(
        key in entry.value for key in ("image", "build")
    )


def _service(entry: Entry) -> Service:
    node = entry.value
    if not isinstance(node, Mapping):
        node = empty_mapping(entry.value.span)
    return Service(entry.key, entry, node)


def scalar_origin(source: SourceFile, node: Scalar) -> PositionMap:
    span = node.span
    text = node.text
    quoted = 1 if node.style in ("'", '"') else 0
    if span.line == span.end_line and "\n" not in text:
        raw = source.line(span.line)[span.column - 1 + quoted : span.end_column - 1 - quoted]
        if quoted and raw != text:
            return _quoted_origin(raw, node.style == '"', span.line, span.column + 1)
        return PositionMap.for_text(text, span.line, span.column + quoted)
    anchors: list[tuple[int, int, int]] = []
    offset = 0
    first = span.line + 1 if node.style in ("|", ">") else span.line
    for line_number in range(first, span.end_line + 1):
        line = source.line(line_number)
        start = span.column - 1 + quoted if line_number == span.line else 0
        segment = line[start:]
        content = segment.lstrip()
        if line_number == span.end_line and quoted and content.endswith(node.style or ""):
            content = content[:-1]
        if not content:
            continue
        found = text.find(content, offset)
        if found < 0:
            continue
        anchors.append((found, line_number, start + len(segment) - len(content) + 1))
        offset = found + len(content)
    if not anchors or anchors[0][0] != 0:
        anchors.insert(0, (0, span.line, span.column + quoted))
    return PositionMap(tuple(anchors))


_ESCAPE_LENGTHS = {"x": 4, "u": 6, "U": 10}


def _quoted_origin(raw: str, double: bool, line: int, column: int) -> PositionMap:
    """Positions inside a one-line quoted scalar whose escapes (`\\"`, `\\t`, `''`) make its
    value shorter than its source: an anchor after each escape keeps columns exact."""
    anchors = [(0, line, column)]
    value_offset = raw_offset = 0
    while raw_offset < len(raw):
        char = raw[raw_offset]
        if double and char == "\\" and raw_offset + 1 < len(raw):
            width = _ESCAPE_LENGTHS.get(raw[raw_offset + 1], 2)
        elif not double and raw.startswith("''", raw_offset):
            width = 2
        else:
            value_offset += 1
            raw_offset += 1
            continue
        value_offset += 1
        raw_offset += width
        anchors.append((value_offset, line, column + raw_offset))
    return PositionMap(tuple(anchors))


def iter_scalars(node: Node | None) -> Iterator[Scalar]:
    """The scalar items of a scalar or a sequence (compose's "string or list" fields)."""
    if isinstance(node, Scalar):
        yield node
    elif isinstance(node, Sequence):
        yield from (item for item in node.items if isinstance(item, Scalar))


def parse(source: SourceFile) -> ComposeDocument:
    stream = compose(source.text)
    document = ComposeDocument(
        source,
        problems=list(stream.problems),
        roots=stream.documents,
        duplicates=stream.duplicates,
        entry_ends=stream.entry_ends,
    )
    if source.path.is_absolute():
        document.env = load_dotenv(source.path.parent)
    return document
