"""Helpers shared by several PY rules: logging destinations in application code (PY301, and its
fix in fixes_python.py), and imperative deploy scripts (PY101, PY201).

PY3xx judge code that ships in an image (the file is in a build context or `python.paths`);
PY1xx/PY2xx judge pyinfra deploys and Fabric/invoke task files, wherever they are. Names are
matched by their qualified name through imports and aliases, so `RFH(...)` after
`from logging.handlers import RotatingFileHandler as RFH` is a RotatingFileHandler.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import libcst as cst

from infralint.parsers.python import PythonDocument

STREAM_PATHS = frozenset(
    {"/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2", "/dev/fd/1", "/dev/fd/2"}
)
STREAM_NAMES = frozenset({"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"})
ENV_LOOKUPS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
PATH_BUILDERS = frozenset(
    {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "os.path.join", "builtins.str"}
)
_MAX_DEPTH = 4


def positional(call: cst.Call, index: int) -> cst.BaseExpression | None:
    args = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return args[index].value if index < len(args) else None


def keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def argument(call: cst.Call, index: int, name: str) -> cst.BaseExpression | None:
    """An argument given by keyword or at its position."""
    found = keyword(call, name)
    return found if found is not None else positional(call, index)


def resolve(doc: PythonDocument, node: cst.BaseExpression, depth: int = 0) -> cst.BaseExpression:
    """Follow a bare name to the single value assigned to it in the file, if there is one."""
    while isinstance(node, cst.Name) and depth < _MAX_DEPTH:
        bound = doc.bindings.get(node.value)
        if bound is None:
            break
        node, depth = bound, depth + 1
    return node


def string_value(doc: PythonDocument, node: cst.BaseExpression | None) -> str | None:
    """The value of a string literal (or a name bound to one); None when it is not static."""
    if node is None:
        return None
    node = resolve(doc, node)
    if isinstance(node, cst.SimpleString):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # `"C:\data"`: an invalid escape, still a path
                value = node.evaluated_value
        except Exception:  # evaluated with ast.literal_eval: never executes anything
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(doc, node.left), string_value(doc, node.right)
        return left + right if left is not None and right is not None else None
    return None


@dataclass(frozen=True)
class Destination:
    """Where a log sink writes. kind: "stream" (stdout/stderr), "file", or "unknown"."""

    kind: str
    shown: str  # how a message names it

    @property
    def is_stream(self) -> bool:
        return self.kind == "stream"


def destination(
    doc: PythonDocument,
    node: cst.BaseExpression,
    depth: int = 0,
    streams: frozenset[str] = STREAM_PATHS,
) -> Destination:
    """What a path or stream expression points at, as far as the file alone tells. `streams`
    are the path strings that mean stdout/stderr to the consumer."""
    if depth > _MAX_DEPTH:
        return Destination("unknown", f"the file named by {doc.code(node)}")
    names = doc.names(node)
    if names & STREAM_NAMES:
        return Destination("stream", doc.code(node))
    literal = string_value(doc, node)
    if literal is not None:
        return Destination("stream" if literal in streams else "file", repr(literal))
    target = resolve(doc, node)
    if target is not node:
        found = destination(doc, target, depth + 1, streams)
        if found.kind == "unknown":
            return Destination("unknown", f"the file named by {doc.code(node)}")
        return found
    if isinstance(node, cst.Call):
        return _call_destination(doc, node, depth, streams)
    if isinstance(node, cst.Subscript) and doc.names(node.value) & {"os.environ"}:
        variable = _subscript_key(doc, node)
        return Destination("file", f"the file named by ${variable}")
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
        # `os.environ.get("LOG") or "/dev/stdout"`: the fallback decides the default
        fallback = destination(doc, node.right, depth + 1, streams)
        first = destination(doc, node.left, depth + 1, streams)
        left = resolve(doc, node.left)
        bare_lookup = (
            isinstance(left, cst.Call)
            and bool(doc.names(left.func) & ENV_LOOKUPS)
            and argument(left, 1, "default") is None
        )
        if fallback.is_stream and (bare_lookup or first.kind != "file"):
            return fallback
        return first if first.kind == "file" else fallback
    if isinstance(node, cst.IfExp):
        branches = [
            destination(doc, node.body, depth + 1, streams),
            destination(doc, node.orelse, depth + 1, streams),
        ]
        files = [branch for branch in branches if branch.kind == "file"]
        if files:
            return files[0]
        if all(branch.is_stream for branch in branches):
            return branches[0]
    if isinstance(node, cst.FormattedString | cst.BinaryOperation):
        return Destination("file", doc.code(node))
    return Destination("unknown", f"the file named by {doc.code(node)}")


def _call_destination(
    doc: PythonDocument, node: cst.Call, depth: int, streams: frozenset[str]
) -> Destination:
    names = doc.names(node.func)
    if names & ENV_LOOKUPS:
        variable = string_value(doc, positional(node, 0)) or "?"
        default = argument(node, 1, "default")
        if default is None:
            return Destination("file", f"the file named by ${variable}")
        fallback = destination(doc, default, depth + 1, streams)
        if fallback.is_stream:
            return fallback
        return Destination("file", f"the file named by ${variable} (default {fallback.shown})")
    if names & PATH_BUILDERS:
        parts = [arg.value for arg in node.args if arg.keyword is None]
        if len(parts) == 1:
            single = destination(doc, parts[0], depth + 1, streams)
            if single.kind != "unknown":
                return single
        return Destination("file", doc.code(node))
    return Destination("unknown", f"the file named by {doc.code(node)}")


def _subscript_key(doc: PythonDocument, node: cst.Subscript) -> str:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return string_value(doc, node.slice[0].slice.value) or "?"
    return "?"


FILE_HANDLERS = frozenset(
    {
        "logging.FileHandler",
        "logging.handlers.RotatingFileHandler",
        "logging.handlers.TimedRotatingFileHandler",
        "logging.handlers.WatchedFileHandler",
        "concurrent_log_handler.ConcurrentRotatingFileHandler",
        "concurrent_log_handler.ConcurrentTimedRotatingFileHandler",
    }
)


def is_file_handler_to_file(doc: PythonDocument, call: cst.Call) -> bool:
    """A standard file handler that PY301 reports (the calls the PY301 fix rewrites)."""
    if not doc.names(call.func) & FILE_HANDLERS:
        return False
    path = argument(call, 0, "filename")
    return path is None or not destination(doc, path).is_stream
