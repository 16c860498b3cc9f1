"""Reading a Ruby call: its method name, arguments, block and literal argument values."""

from __future__ import annotations

from dataclasses import replace

from infralint.model import Span
from infralint.parsers.chef.values import Value, _evaluate, _hash_value
from infralint.parsers.ruby import RubyNode


def _method_name(node: RubyNode) -> str:
    method = node.child("method")
    return method.text if method is not None else ""


def _arguments(node: RubyNode) -> list[RubyNode]:
    args = node.child("arguments")
    if args is None:
        return []
    return [
        child
        for child in args.named_children()
        if child.type not in ("block_argument", "heredoc_body")
    ]


def _block_of(node: RubyNode) -> RubyNode | None:
    return node.child("block")


def _block_statements(block: RubyNode) -> list[RubyNode]:
    body = block.child("body")
    return body.children if body is not None else []


def _block_params(block: RubyNode) -> list[str]:
    params = block.child("parameters")
    if params is None:
        return []
    names = []
    for child in params.named_children():
        if child.type == "identifier":
            names.append(child.text)
        elif child.type == "destructured_parameter":
            names.extend(c.text for c in child.named_children() if c.type == "identifier")
        else:
            names.append("")
    return names


def _args_values(call: RubyNode, env: dict[str, Value]) -> list[Value]:
    """A call's arguments as values; trailing `key: value` pairs form one hash."""
    values: list[Value] = []
    pairs: list[RubyNode] = []
    for arg in _arguments(call):
        if arg.type == "pair":
            pairs.append(arg)
        else:
            values.append(_evaluate(arg, env))
    if pairs:
        first, last = pairs[0], pairs[-1]
        span = Span(first.line, first.column, last.end_line, last.end_column)
        value = _hash_value(first, pairs, env, 0)
        values.append(
            replace(value, span=span, source=first.tree.slice(first.start_byte, last.end_byte))
        )
    return values
