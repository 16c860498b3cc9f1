"""Ruby values: literals evaluated, strings with interpolation kept as placeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from infralint.model import Span
from infralint.parsers.ruby import RubyNode
from infralint.parsers.shell import PositionMap

MAX_EVAL_DEPTH = 40  # literal values nested deeper than this are treated as dynamic


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class RubyText:
    """The text of a Ruby string (interpolations replaced by `${RUBY}`) and where each part of
    it sits in the .rb file, ready for the shell model."""

    text: str
    origin: PositionMap
    static: bool


PLACEHOLDER = "${RUBY}"


class _TextBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.anchors: list[tuple[int, int, int]] = []
        self.length = 0
        self.static = True

    def verbatim(self, text: str, line: int, column: int) -> None:
        """Text copied from the file starting at (line, column), possibly over several lines."""
        for index, piece in enumerate(text.split("\n")):
            if index:
                self._add("\n", None)
                line, column = line + 1, 1
            if piece:
                self._add(piece, (line, column))

    def mapped(self, text: str, line: int, column: int) -> None:
        """Text that stands for source at (line, column) but is not a copy of it."""
        if text:
            self._add(text, (line, column))

    def _add(self, text: str, position: tuple[int, int] | None) -> None:
        if position is not None:
            self.anchors.append((self.length, position[0], position[1]))
        self.parts.append(text)
        self.length += len(text)

    def build(self) -> RubyText:
        anchors = tuple(self.anchors) or ((0, 1, 1),)
        if anchors[0][0] != 0:
            anchors = ((0, anchors[0][1], anchors[0][2]), *anchors)
        return RubyText("".join(self.parts), PositionMap(anchors), self.static)


@dataclass(frozen=True)
class Value:
    """A Ruby expression as far as it can be known without running Ruby.

    `kind`: string, symbol, integer, float, boolean, nil, array, hash or dynamic. `literal` holds
    the Python value when static (str, int, float, bool, None, list[Value], dict[str, Value]).
    """

    kind: str
    source: str
    span: Span
    literal: Any = None
    text: RubyText | None = None  # strings: their text and position map

    @property
    def is_static(self) -> bool:
        if self.kind == "dynamic":
            return False
        if self.kind == "string":
            return self.text is None or self.text.static
        if self.kind == "array":
            return all(item.is_static for item in self.literal)
        if self.kind == "hash":
            return all(item.is_static for item in self.literal.values())
        return True

    @property
    def string(self) -> str | None:
        """The value as a static string or symbol name, else None."""
        if self.kind in ("string", "symbol") and self.is_static:
            return str(self.literal)
        return None

    def strings(self) -> list[str] | None:
        """A static string, or a static array of strings, as a list; else None."""
        if self.kind == "array":
            items = [item.string for item in self.literal]
            return None if any(item is None for item in items) else [str(i) for i in items]
        single = self.string
        return None if single is None else [single]

    def display(self) -> str:
        if self.kind == "array" and (items := self.strings()) is not None:
            return ", ".join(f"'{item}'" for item in items)
        return f"'{self.string}'" if self.string is not None else self.source


def _dynamic(node: RubyNode) -> Value:
    return Value("dynamic", node.text, node.span)


LITERAL_SCALARS = ("string", "symbol", "integer", "float")
STRING_IDENTITY_METHODS = {"strip", "chomp", "freeze", "dup", "to_s", "lstrip", "rstrip", "squish"}
SINGLE_QUOTED_ESCAPE = re.compile(r"\\[\\']")
DOUBLE_QUOTED_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "s": " ",
    "e": "\x1b",
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "r": "\r",
    "f": "\f",
    "v": "\v",
}


def _string_parts(
    node: RubyNode, env: dict[str, Value], single_quoted: bool, builder: _TextBuilder, depth: int
) -> None:
    """Append the text of a string/heredoc/bare_string node's children to `builder`."""
    for child in node.children:
        if child.type in ("string_content", "heredoc_content"):
            text = child.text
            if not single_quoted:
                builder.verbatim(text, child.line, child.column)
                continue
            # '\'' and '\\' are the only escapes of a single-quoted string.
            last = 0
            line, column = child.line, child.column
            for match in SINGLE_QUOTED_ESCAPE.finditer(text):
                builder.verbatim(text[last : match.start()], line, column)
                line, column = _advance(text[: match.start()], child.line, child.column)
                builder.mapped(match.group()[1], line, column)
                last = match.end()
                line, column = _advance(text[:last], child.line, child.column)
            builder.verbatim(text[last:], line, column)
        elif child.type == "escape_sequence":
            raw = child.text[1:]
            decoded = DOUBLE_QUOTED_ESCAPES.get(raw, raw if len(raw) == 1 else "")
            if raw.startswith("\n"):
                decoded = ""  # a line continuation inside the string
            builder.mapped(decoded or "", child.line, child.column)
        elif child.type == "interpolation":
            inner = child.named_children()
            bound = _evaluate(inner[0], env, depth + 1) if len(inner) == 1 else None
            if bound is not None and bound.is_static and bound.kind in LITERAL_SCALARS:
                builder.mapped(str(bound.literal), child.line, child.column)
            else:
                builder.static = False
                builder.mapped(PLACEHOLDER, child.line, child.column)
            if child.end_line == child.line:
                builder.anchors.append((builder.length, child.end_line, child.end_column))


def _advance(text: str, line: int, column: int) -> tuple[int, int]:
    """The position reached after `text` that starts at (line, column)."""
    newlines = text.count("\n")
    if newlines:
        return line + newlines, len(text) - text.rfind("\n")
    return line, column + len(text)


def _string_value(node: RubyNode, env: dict[str, Value], depth: int = 0) -> Value:
    opener = node.children[0].text if node.children else ""
    single = opener == "'" or opener.startswith("%q")
    builder = _TextBuilder()
    _string_parts(node, env, single, builder, depth)
    if not builder.anchors:
        builder.anchors.append((0, node.line, node.column + len(opener)))
    text = builder.build()
    return Value("string", node.text, node.span, text.text if text.static else None, text)


def _heredoc_value(node: RubyNode, env: dict[str, Value], depth: int = 0) -> Value:
    body = node.heredoc_body
    if body is None:
        return _dynamic(node)
    builder = _TextBuilder()
    # A quoted heredoc (<<-'EOH') is verbatim; tree-sitter gives it no escapes to decode.
    _string_parts(body, env, False, builder, depth)
    text = builder.build()
    span = Span(node.line, node.column, body.end_line, body.end_column)
    return Value("string", node.text, span, text.text if text.static else None, text)


def _concat(values: list[Value], separator: str, node: RubyNode) -> Value:
    builder = _TextBuilder()
    for index, value in enumerate(values):
        if index and separator:
            builder.mapped(separator, value.span.line, value.span.column)
        if value.text is not None:
            offset = builder.length
            for start, line, column in value.text.origin.anchors:
                builder.anchors.append((offset + start, line, column))
            builder.parts.append(value.text.text)
            builder.length += len(value.text.text)
            builder.static = builder.static and value.text.static
        else:
            builder.static = builder.static and value.is_static
            builder.mapped(
                str(value.literal) if value.is_static else PLACEHOLDER,
                value.span.line,
                value.span.column,
            )
    text = builder.build()
    return Value("string", node.text, node.span, text.text if text.static else None, text)


def _evaluate(node: RubyNode, env: dict[str, Value], depth: int = 0) -> Value:
    """What a Ruby expression is, as far as it is literal. Bounded recursion."""
    if depth > MAX_EVAL_DEPTH:
        return _dynamic(node)
    kind = node.type
    if kind in ("string", "bare_string"):
        return _string_value(node, env, depth)
    if kind == "heredoc_beginning":
        return _heredoc_value(node, env, depth)
    if kind == "chained_string":
        parts = [_evaluate(child, env, depth + 1) for child in node.named_children()]
        return _concat(parts, "", node)
    if kind == "simple_symbol":
        return Value("symbol", node.text, node.span, node.text[1:])
    if kind in ("hash_key_symbol", "bare_symbol"):
        return Value("symbol", node.text, node.span, node.text.rstrip(":"))
    if kind == "delimited_symbol":
        inner = _string_value(node, env, depth)
        return Value("symbol", node.text, node.span, inner.literal) if inner.is_static else inner
    if kind == "integer":
        try:
            return Value("integer", node.text, node.span, int(node.text.replace("_", ""), 0))
        except ValueError:
            return Value("integer", node.text, node.span, node.text)
    if kind == "float":
        return Value("float", node.text, node.span, node.text)
    if kind in ("true", "false"):
        return Value("boolean", node.text, node.span, kind == "true")
    if kind == "nil":
        return Value("nil", node.text, node.span, None)
    if kind in ("array", "string_array", "symbol_array"):
        items = [
            _evaluate(child, env, depth + 1)
            for child in node.named_children()
            if child.type not in ("splat_argument",)
        ]
        if any(child.type == "splat_argument" for child in node.children):
            return _dynamic(node)
        return Value("array", node.text, node.span, items)
    if kind == "hash":
        return _hash_value(node, node.named_children(), env, depth)
    if kind == "identifier" and node.text in env:
        bound = env[node.text]
        return replace(bound, span=node.span, source=node.text) if bound.is_static else bound
    if kind == "unary" and node.children and node.children[0].text == "-":
        operand = node.child("operand")
        if operand is not None and operand.type in ("integer", "float"):
            value = _evaluate(operand, env, depth + 1)
            return Value(value.kind, node.text, node.span, f"-{value.literal}")
    if kind == "parenthesized_statements":
        statements = node.named_children()
        if len(statements) == 1:
            return _evaluate(statements[0], env, depth + 1)
    if kind == "call":
        return _call_value(node, env, depth)
    if kind == "binary":
        operator = next((c.text for c in node.children if c.field == "operator"), "")
        left, right = node.child("left"), node.child("right")
        if operator == "+" and left is not None and right is not None:
            lhs, rhs = _evaluate(left, env, depth + 1), _evaluate(right, env, depth + 1)
            if lhs.kind == "string" and rhs.kind == "string":
                return _concat([lhs, rhs], "", node)
    return _dynamic(node)


def _call_value(node: RubyNode, env: dict[str, Value], depth: int) -> Value:
    receiver = node.child("receiver")
    method = node.child("method")
    if receiver is None or method is None or node.child("block") is not None:
        return _dynamic(node)
    args = node.child("arguments")
    arg_nodes = args.named_children() if args is not None else []
    base = _evaluate(receiver, env, depth + 1)
    if method.text in STRING_IDENTITY_METHODS and not arg_nodes and base.kind == "string":
        return replace(base, source=node.text, span=_merge(base.span, node.span))
    if method.text == "join" and base.kind == "array" and len(arg_nodes) <= 1:
        separator = _evaluate(arg_nodes[0], env, depth + 1) if arg_nodes else None
        sep = separator.string if separator is not None else ""
        if sep is not None:
            return _concat(list(base.literal), sep, node)
    return _dynamic(node)


def _merge(first: Span, second: Span) -> Span:
    end = max((first.end_line, first.end_column), (second.end_line, second.end_column))
    return Span(first.line, first.column, end[0], end[1])


def _hash_value(node: RubyNode, pairs: list[RubyNode], env: dict[str, Value], depth: int) -> Value:
    items: dict[str, Value] = {}
    for pair in pairs:
        key, value = pair.child("key"), pair.child("value")
        if pair.type != "pair" or key is None:
            return _dynamic(node)
        key_value = _evaluate(key, env, depth + 1)
        name = key_value.string
        if name is None:
            return _dynamic(node)
        items[name] = _evaluate(value, env, depth + 1) if value is not None else _dynamic(pair)
    return Value("hash", node.text, node.span, items)
