"""The one place that talks to tree-sitter: language loading and unit conversion.

Generic on purpose (bash today, Ruby for Chef): nothing here knows a grammar's node types.
tree-sitter reports UTF-8 byte offsets; infralint counts code points, so every caller converts
through `OffsetConverter`. Walks are iterative (`preorder`) so deep nesting cannot exhaust the
Python stack.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from tree_sitter import Language, Node, Parser, Tree

_GRAMMARS: dict[str, Callable[[], Any]] = {}


def _binding_language(package: str) -> Any:
    """`package._binding.language()`, without running the package's `__init__`.

    The grammar packages' `__init__` imports importlib.resources for highlight queries we never
    use, which pulls in tempfile, shutil, bz2, lzma and random: ~10 ms of a one-file run.
    Anything unexpected about the package's layout falls back to the normal import.
    """
    import importlib.machinery
    import importlib.util
    import os

    spec = importlib.util.find_spec(package)  # locates the package without importing it
    folders = spec.submodule_search_locations if spec else None
    for folder in folders or ():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "_binding" + suffix)
            binding = importlib.util.spec_from_file_location(f"{package}._binding", path)
            if not os.path.isfile(path) or binding is None or binding.loader is None:
                continue
            module = importlib.util.module_from_spec(binding)
            binding.loader.exec_module(module)
            return module.language()
    return importlib.import_module(package).language()


def _bash() -> Any:
    return _binding_language("tree_sitter_bash")


def _ruby() -> Any:
    return _binding_language("tree_sitter_ruby")


_GRAMMARS["bash"] = _bash
_GRAMMARS["ruby"] = _ruby


@cache
def language(name: str) -> Language:
    """The tree-sitter Language for `name` ("bash", "ruby"), loaded once per process."""
    return Language(_GRAMMARS[name]())


_LOCAL = threading.local()


def parser(name: str) -> Parser:
    """One reusable parser per language and thread (a Parser is not safe to share between
    threads, and creating one per parse would be the expensive part)."""
    parsers: dict[str, Parser] | None = getattr(_LOCAL, "parsers", None)
    if parsers is None:
        parsers = _LOCAL.parsers = {}
    found = parsers.get(name)
    if found is None:
        found = parsers[name] = Parser(language(name))
    return found


# tree-sitter-bash 0.25's scanner crashes the process (SIGSEGV) on some characters beyond the
# Basic Multilingual Plane (`Q{` followed by U+DBAE3, U+E0000 or U+10FFFD). A shell reads any
# such character as part of a word, as it reads a letter: the grammar gets four ASCII letters in
# place of its four UTF-8 bytes, so every byte offset stays the same and callers slice the text
# from their own copy of the bytes.
_ASTRAL = re.compile(rb"[\xf0-\xf4][\x80-\xbf]{3}")
_SANITISED = frozenset({"bash"})


def parse(name: str, data: bytes) -> Tree:
    if name in _SANITISED and _ASTRAL.search(data):
        data = _ASTRAL.sub(b"AAAA", data)
    return parser(name).parse(data)


class OffsetConverter:
    """Converts UTF-8 byte offsets of `text.encode()` into code-point offsets of `text`."""

    __slots__ = ("_starts", "data")

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8", "surrogatepass")
        # Pure ASCII (the common case): bytes and code points coincide, no table needed.
        self._starts: list[int] | None = None
        if len(self.data) != len(text):
            starts: list[int] = []
            position = 0
            for char in text:
                starts.append(position)
                position += len(char.encode("utf-8", "surrogatepass"))
            starts.append(position)  # the end of the text maps to len(text)
            self._starts = starts

    def char(self, byte_offset: int) -> int:
        if self._starts is None:
            return byte_offset
        # A byte offset inside a multi-byte character maps to that character.
        return bisect.bisect_right(self._starts, byte_offset) - 1 if byte_offset else 0

    def text(self, start_byte: int, end_byte: int) -> str:
        return self.data[start_byte:end_byte].decode("utf-8", "replace")

    def node_text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def preorder(root: Node, descend: Callable[[Node], bool] | None = None) -> Iterator[Node]:
    """Every node under `root` (itself included) in source order, without recursion.
    `descend(node)` False skips the node's children."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node.child_count and (descend is None or descend(node)):
            stack.extend(reversed(node.children))


def syntax_errors(root: Node) -> list[Node]:
    """ERROR and MISSING nodes, outermost first, visiting only subtrees that contain errors."""
    found: list[Node] = []
    if not root.has_error:
        return found
    walk = preorder(root, lambda n: n.has_error and not n.is_error)
    found.extend(node for node in walk if node.is_error or node.is_missing)
    return found
