"""The one adapter around tree-sitter-ruby: every tree-sitter call for Ruby lives here.

py-tree-sitter changed its API at 0.22, 0.25 and 0.26; keeping the calls in one module means an
upgrade touches one file. The tree is copied into plain `RubyNode` objects (iteratively, so deeply
nested input cannot exhaust the Python stack), with 1-based lines and code-point columns, and each
heredoc start linked to its body (tree-sitter puts the body in a sibling node after the statement).
Nothing here runs Ruby.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from infralint.model import Span


class RubyNode:
    """One syntax node. `field` is the node's field name in its parent (`method`, `receiver`…).

    Lines are 1-based and columns 1-based code points (computed on demand from tree-sitter's
    UTF-8 byte columns)."""

    __slots__ = (
        "_end",
        "_start",
        "children",
        "end_byte",
        "field",
        "heredoc_body",
        "missing",
        "named",
        "parent",
        "start_byte",
        "tree",
        "type",
    )

    def __init__(
        self,
        node_type: str,
        field_name: str | None,
        named: bool,
        start: tuple[int, int],
        end: tuple[int, int],
        byte_range: tuple[int, int],
        tree: RubyTree,
        parent: RubyNode | None,
        missing: bool,
    ) -> None:
        self.type = node_type
        self.field = field_name
        self.named = named
        self._start = start  # (row, byte column), 0-based
        self._end = end
        self.start_byte, self.end_byte = byte_range
        self.tree = tree
        self.parent = parent
        self.children: list[RubyNode] = []
        self.missing = missing
        # For a `heredoc_beginning`: the `heredoc_body` holding its text (None if unterminated).
        self.heredoc_body: RubyNode | None = None

    def __repr__(self) -> str:
        return f"RubyNode({self.type} {self.line}:{self.column})"

    @property
    def line(self) -> int:
        return self._start[0] + 1

    @property
    def column(self) -> int:
        return self.tree.column(*self._start)

    @property
    def end_line(self) -> int:
        return self._end[0] + 1

    @property
    def end_column(self) -> int:
        return self.tree.column(*self._end)

    @property
    def text(self) -> str:
        return self.tree.slice(self.start_byte, self.end_byte)

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.end_line, self.end_column)

    def child(self, field_name: str) -> RubyNode | None:
        for child in self.children:
            if child.field == field_name:
                return child
        return None

    def named_children(self) -> list[RubyNode]:
        return [child for child in self.children if child.named and child.type != "comment"]


@dataclass(eq=False)
class RubyTree:
    data: bytes = field(repr=False)
    root: RubyNode | None = None
    errors: list[Span] = field(default_factory=list)  # ERROR and MISSING nodes, outermost only
    heredocs: list[RubyNode] = field(default_factory=list)  # every heredoc_beginning, in order

    def __post_init__(self) -> None:
        self._lines = self.data.split(b"\n")
        self._ascii = [line.isascii() for line in self._lines]

    def release(self) -> None:
        """Break the parent/child and node/tree cycles once the tree has been read.

        Reference counting then frees the copy at once; otherwise every file leaves about a
        thousand cyclic nodes for the garbage collector, whose full passes slow large runs."""
        if self.root is None:
            return
        nodes = walk(self.root)
        self.root = None
        self.heredocs.clear()
        for node in nodes:
            node.children.clear()

    def slice(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", errors="replace")

    def column(self, row: int, byte_column: int) -> int:
        """A 0-based UTF-8 byte column -> a 1-based code-point column."""
        if row >= len(self._lines) or self._ascii[row]:
            return byte_column + 1
        return len(self._lines[row][:byte_column].decode("utf-8", errors="replace")) + 1


def _parser() -> Any:
    # Language loading is shared with the shell model (one cached parser per process).
    from infralint.parsers import _treesitter

    return _treesitter.parser("ruby")


def parse_ruby(text: str) -> RubyTree:
    """Parse Ruby source. Never raises for bad input: syntax errors land in `RubyTree.errors`.

    The copy is made in document order, which is also the order in which heredoc bodies follow
    their starts: each body is linked to the oldest start still waiting for one."""
    data = text.encode("utf-8", errors="replace")
    tree = RubyTree(data)
    cursor = _parser().parse(data).walk()
    stack: list[RubyNode] = []
    pending: deque[RubyNode] = deque()
    error_depth = 0
    while True:
        ts_node = cursor.node
        parent = stack[-1] if stack else None
        node = RubyNode(
            ts_node.type,
            cursor.field_name,
            ts_node.is_named,
            ts_node.start_point,
            ts_node.end_point,
            ts_node.byte_range,
            tree,
            parent,
            ts_node.is_missing,
        )
        if parent is not None:
            parent.children.append(node)
        else:
            tree.root = node
        node_type = node.type
        if node_type == "heredoc_beginning":
            pending.append(node)
            tree.heredocs.append(node)
        elif node_type == "heredoc_body" and pending:
            pending.popleft().heredoc_body = node
        is_error = node_type == "ERROR" or node.missing
        if is_error and error_depth == 0:
            tree.errors.append(node.span)
        # Descend, else move to the next sibling, else climb until a sibling exists.
        if cursor.goto_first_child():
            stack.append(node)
            error_depth += is_error
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return tree
            closed = stack.pop()
            error_depth -= closed.type == "ERROR" or closed.missing


def walk(root: RubyNode) -> list[RubyNode]:
    """Every node under `root` (itself included) in document order, without recursion."""
    result = []
    stack = [root]
    while stack:
        node = stack.pop()
        result.append(node)
        stack.extend(reversed(node.children))
    return result
