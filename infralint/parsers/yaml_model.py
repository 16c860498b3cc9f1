"""A YAML node tree with exact positions, built without recursion and within hard limits.

ruamel.yaml's parser (round-trip mode) produces the events; this module composes them into nodes
itself, iteratively, so that a deep document cannot exhaust the Python stack, and counts what
aliases expand to *while* composing, so that an alias bomb is refused before anything walks it.

- Every node keeps its Span (1-based lines and columns, end exclusive).
- Aliases share the node object of their anchor: walk with an identity (`id()`) memo.
- Merge keys (`<<: *base`, `<<: [*a, *b]`) are applied: `Mapping.entries` holds the effective
  keys; merged entries keep the key node of the anchored mapping and are marked `merged`.
- Duplicate keys are recorded (the last value wins) instead of failing the document.
- Plain scalars are typed by YAML 1.2 core rules (`yes` stays a string, `0755` is decimal).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from infralint.model import ParseError, ParseProblem, Span

MAX_DEPTH = 100  # nesting levels of collections
# Aliases may add at most this many nodes to the document (or four times its own size, for big
# files): what a walker visits once every alias is expanded stays bounded.
MAX_NODES = 250_000
ALIAS_RATIO = 4
MAX_BYTES = 5_000_000
# Files larger than this are scanned by libyaml when it is installed (see _libyaml_events):
# all of them, since ruamel.yaml's round-trip scanner costs ~30 ms for a typical compose file.
LIBYAML_ABOVE = 0

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
STR_TAG = "tag:yaml.org,2002:str"


Position = tuple[int, int, int, int]  # line, column, end line, end column (Span's fields)
_UNSET: Any = object()


@dataclass(eq=False, slots=True)
class Node:
    pos: Position
    tag: str | None  # an explicit tag as written (`!reset`, `!override`), else None
    anchor: str | None
    _span: Span | None = field(default=None, init=False, repr=False)

    @property
    def span(self) -> Span:
        # Built on first use: most nodes are never reported.
        span = self._span
        if span is None:
            span = self._span = Span(*self.pos)
        return span


@dataclass(eq=False, slots=True)
class Scalar(Node):
    text: str
    style: str | None  # None for plain; "'", '"', "|", ">" otherwise
    _value: Any = field(default=_UNSET, init=False, repr=False)

    @property
    def plain(self) -> bool:
        return self.style is None and self.tag is None

    @property
    def value(self) -> Any:
        """The YAML 1.2 (core schema) value of the scalar."""
        value = self._value
        if value is _UNSET:
            value = self._value = resolve_plain(self.text) if self.plain else self.text
        return value


@dataclass(eq=False, slots=True)
class Sequence(Node):
    items: list[Node] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class Entry:
    key: str
    key_node: Node
    value: Node
    merged: bool = False  # came in through a `<<` merge key (positions are the anchor's)


@dataclass(eq=False, slots=True)
class Mapping(Node):
    pairs: list[tuple[Node, Node]] = field(default_factory=list)  # as written, `<<` included
    entries: list[Entry] = field(default_factory=list)  # effective keys, merges applied
    index: dict[str, Entry] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        entry = self.index.get(key)
        return entry.value if entry else None

    def entry(self, key: str) -> Entry | None:
        return self.index.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.index


def empty_mapping(span: Span) -> Mapping:
    """A mapping with no entries at `span` (stands in for a value of the wrong type)."""
    return Mapping((span.line, span.column, span.end_line, span.end_column), None, None)


@dataclass(frozen=True)
class Duplicate:
    key: str
    span: Span  # the repeated key
    first: Span  # where the key was first given


@dataclass
class YamlStream:
    documents: list[Node | None]
    duplicates: list[Duplicate]
    problems: list[ParseProblem]
    entry_ends: dict[int, int]  # line of a key -> last line of its value


def resolve_plain(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text) and any(ch.isdigit() for ch in text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


def key_text(node: Node) -> str:
    if isinstance(node, Scalar):
        return node.text
    return "<complex key>"


def _pos(start: Any, end: Any) -> Position:
    return (start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def flow_depth(text: str) -> int:
    """The deepest nesting of `[`/`{` in the text (a cheap over-estimate; quotes ignored).

    ruamel's scanner is quadratic in flow nesting, so this runs before it sees the text.
    """
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}" and depth:
            depth -= 1
    return deepest


@dataclass(eq=False, slots=True)
class _Frame:
    node: Mapping | Sequence
    size: int = 1
    key: Node | None = None
    end: Position | None = None


class _Composer:
    def __init__(self, max_depth: int, max_nodes: int) -> None:
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.anchors: dict[str, Node] = {}
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()
        self.stack: list[_Frame] = []
        self.documents: list[Node | None] = []
        self.root: Node | None = None
        self.real = 0  # nodes written in the file
        self.extra = 0  # nodes that aliases add when expanded
        self.duplicates: list[Duplicate] = []
        self.problems: list[ParseProblem] = []
        self.entry_ends: dict[int, int] = {}

    def feed(self, events: Iterator[Any]) -> None:
        """Compose ruamel.yaml or PyYAML events (both libraries name their classes alike)."""
        handlers = {
            "DocumentStartEvent": self._document_start,
            "DocumentEndEvent": self._document_end,
            "AliasEvent": self._alias,
            "ScalarEvent": self._scalar,
            "MappingStartEvent": self._mapping_start,
            "SequenceStartEvent": self._sequence_start,
            "MappingEndEvent": self._end,
            "SequenceEndEvent": self._end,
        }
        for event in events:
            handler = handlers.get(type(event).__name__)
            if handler is not None:
                handler(event)

    def _document_start(self, event: Any) -> None:
        self.root = None
        self.anchors = {}

    def _document_end(self, event: Any) -> None:
        self.documents.append(self.root)

    def _scalar(self, event: Any) -> None:
        start, end = event.start_mark, event.end_mark
        node = Scalar(
            (start.line + 1, start.column + 1, end.line + 1, end.column + 1),
            _tag(event.tag) if event.tag else None,
            event.anchor,
            _without_surrogates(event.value),
            event.style or None,  # PyYAML writes "" for plain
        )
        if node.anchor:
            self.anchors[node.anchor] = node
            self.sizes[id(node)] = 1
        self.real += 1
        self._add(node, 1, node.pos)

    def _mapping_start(self, event: Any) -> None:
        self._start(event, True)

    def _sequence_start(self, event: Any) -> None:
        self._start(event, False)

    def _alias(self, event: Any) -> None:
        node = self.anchors.get(event.anchor)
        pos = _pos(event.start_mark, event.end_mark)
        if node is None:
            raise ParseError(
                f"alias '*{event.anchor}' names no anchor defined before it", Span(*pos)
            )
        if id(node) in self.open:
            raise ParseError(
                f"alias '*{event.anchor}' refers to itself (recursive YAML)", Span(*pos)
            )
        size = self.sizes.get(id(node), 1)
        self.extra += size
        limit = max(self.max_nodes, ALIAS_RATIO * self.real)
        if self.extra > limit:
            raise ParseError(
                f"YAML aliases expand the document by more than the limit of {limit:,} nodes"
                " (an alias bomb?)",
                Span(*pos),
            )
        self._add(node, size, pos)

    def _start(self, event: Any, is_mapping: bool) -> None:
        pos = _pos(event.start_mark, event.end_mark)
        tag = _tag(event.tag) if event.tag else None
        node: Mapping | Sequence = (
            Mapping(pos, tag, event.anchor) if is_mapping else Sequence(pos, tag, event.anchor)
        )
        if len(self.stack) >= self.max_depth:
            raise ParseError(
                f"YAML nesting deeper than the limit of {self.max_depth} levels", Span(*pos)
            )
        if node.anchor:
            self.anchors[node.anchor] = node
            self.open.add(id(node))
        self.stack.append(_Frame(node))

    def _end(self, event: Any = None) -> None:
        frame = self.stack.pop()
        node = frame.node
        if node.anchor:
            self.open.discard(id(node))
            self.sizes[id(node)] = frame.size
        end = frame.end or node.pos
        node.pos = (node.pos[0], node.pos[1], end[2], end[3])
        if isinstance(node, Mapping):
            self._apply_merges(node)
        self.real += 1
        self._add(node, frame.size, node.pos)

    def _add(self, node: Node, size: int, pos: Position) -> None:
        """Attach a node (or an alias of one, at `pos`) to the collection being built."""
        if not self.stack:
            self.root = node
            return
        frame = self.stack[-1]
        frame.size += size
        frame.end = pos
        parent = frame.node
        if isinstance(parent, Sequence):
            parent.items.append(node)
        elif frame.key is None:
            frame.key = node
        else:
            line = frame.key.pos[0]
            parent.pairs.append((frame.key, node))
            if pos[2] > self.entry_ends.get(line, 0):
                self.entry_ends[line] = pos[2]
            frame.key = None

    def _apply_merges(self, node: Mapping) -> None:
        sources: list[Mapping] = []
        for key, value in node.pairs:
            if isinstance(key, Scalar) and key.plain and key.text == "<<":
                if isinstance(value, Mapping):
                    sources.append(value)
                elif isinstance(value, Sequence) and all(
                    isinstance(item, Mapping) for item in value.items
                ):
                    sources.extend(item for item in value.items if isinstance(item, Mapping))
                else:
                    self.problems.append(
                        ParseProblem(
                            "merge key '<<' must be followed by a mapping or a list of mappings",
                            key.span,
                        )
                    )
                continue
            name = key_text(key)
            entry = Entry(name, key, value)
            previous = node.index.get(name)
            if previous is not None:
                self.duplicates.append(Duplicate(name, key.span, previous.key_node.span))
                node.entries[node.entries.index(previous)] = entry
            else:
                node.entries.append(entry)
            node.index[name] = entry
        for source in sources:  # the first source listed wins
            for inherited in source.entries:
                if inherited.key not in node.index:
                    entry = Entry(inherited.key, inherited.key_node, inherited.value, merged=True)
                    node.entries.append(entry)
                    node.index[inherited.key] = entry


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    """`"\\ud83d\\ude00"` escapes decode to surrogate halves: join pairs, replace lone ones
    (they cannot be printed or used in paths)."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _tag(tag: Any) -> str | None:
    if tag is None:
        return None
    text = str(getattr(tag, "value", tag))
    return text or None


def _libyaml_events(text: str) -> Iterator[Any] | None:
    """Events from libyaml (PyYAML's C parser) when it is available.

    ruamel.yaml's round-trip scanner is pure Python: on the corpus's 763 compose files it took
    23 s, nearly all of it scanning and gathering comments that this model never uses
    (suppressions are read from the text). libyaml produces the same events with the same marks
    (0-based lines, code-point columns; tests/test_compose_parser.py compares the two), so it
    reads every file first, and ruamel.yaml parses whatever libyaml rejects: YAML 1.2-only syntax
    and the wording of syntax errors stay ruamel's.
    """
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:
        return None
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    events: Iterator[Any] = iter(yaml.parse(text, Loader=yaml.CSafeLoader))
    return events


def compose(text: str, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> YamlStream:
    """Every document of a YAML stream as nodes. Raises only ParseError."""
    if len(text) > MAX_BYTES:
        raise ParseError(f"file larger than the limit of {MAX_BYTES:,} characters")
    # Stray brackets in strings and comments count too, hence the margin; real nesting is
    # measured exactly while composing.
    if flow_depth(text) > 5 * max_depth:
        raise ParseError(f"YAML nesting deeper than the limit of {max_depth} levels")
    fast = _libyaml_events(text) if len(text) > LIBYAML_ABOVE else None
    if fast is not None:
        composer = _Composer(max_depth, max_nodes)
        try:
            composer.feed(fast)
            return YamlStream(
                composer.documents, composer.duplicates, composer.problems, composer.entry_ends
            )
        except ParseError:
            raise  # a limit, not a syntax question
        except Exception:  # libyaml rejects it: ruamel.yaml decides and words the error
            pass
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    composer = _Composer(max_depth, max_nodes)
    yaml = YAML(typ="rt")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            composer.feed(iter(yaml.parse(text)))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        span = Span(mark.line + 1, mark.column + 1) if mark else Span.whole_file()
        problem = " ".join(part for part in (error.context, error.problem) if part)
        raise ParseError(f"invalid YAML: {problem or error}", span) from None
    except YAMLError as error:
        raise ParseError(f"invalid YAML: {error}") from None
    except RecursionError:
        raise ParseError(f"YAML nesting deeper than the limit of {max_depth} levels") from None
    return YamlStream(
        composer.documents, composer.duplicates, composer.problems, composer.entry_ends
    )


def walk(roots: list[Node | None]) -> Iterator[Node]:
    """Every node reachable from `roots`, each once (aliases are visited at their anchor)."""
    seen: set[int] = set()
    stack: list[Node] = [root for root in reversed(roots) if root is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, Mapping):
            stack.extend(entry.value for entry in reversed(node.entries))
        elif isinstance(node, Sequence):
            stack.extend(reversed(node.items))


def to_data(root: Node) -> Any:
    """Plain Python data (dict/list/scalars) for schema validation; `!reset` entries dropped.

    Recursive: compose() caps nesting at MAX_DEPTH levels, well inside Python's stack. Shared
    nodes (aliases) become shared objects.
    """
    done: dict[int, Any] = {}

    def convert(node: Node) -> Any:
        known = done.get(id(node), _UNSET)
        if known is not _UNSET:
            return known
        result: Any
        if isinstance(node, Scalar):
            result = node.text if node.tag == STR_TAG else node.value
        elif isinstance(node, Mapping):
            result = {
                entry.key: convert(entry.value)
                for entry in node.entries
                if entry.value.tag != "!reset"
            }
        elif isinstance(node, Sequence):
            result = [convert(item) for item in node.items]
        else:
            result = None
        done[id(node)] = result
        return result

    return convert(root)
