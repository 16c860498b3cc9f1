"""Python source -> a libcst module with the metadata the PY checks need.

The checks ask three things of a document: where a node is (positions), what a name refers to
through imports and aliases (qualified names: `RFH` after `from logging.handlers import
RotatingFileHandler as RFH` is `logging.handlers.RotatingFileHandler`), and which statement a line
belongs to (for suppression comments). The user's code is never imported or run.

libcst's native parser overflows its stack on pathological nesting (a segfault, not an
exception), so every file first goes through the standard library's `ast.parse`, whose parser has
recursion guards and rejects such input cleanly. `ast.parse` only builds a tree; it executes
nothing. Its statement positions also give `construct_end`.

libcst is slow next to the rest of infralint, so the CST is built only for files that can matter
to a PY check: deploy scripts, and files that mention one of the logging names the checks look
for (`FileHandler`, `StreamHandler`, `basicConfig`, `dictConfig`, `fileConfig`, `loguru`,
`structlog`, a Django `LOGGING` setting, gunicorn's `accesslog`/`errorlog`). Any other file gets
an empty module: it still reports syntax errors (IL001) and honours suppressions, and no check can
find anything in it. Qualified names come from the file's import table, built in the same single
walk that collects calls and bindings: libcst's QualifiedNameProvider runs a full scope analysis
that costs several times the parse itself. Imports count for the whole file (a function-local
import is seen everywhere), which errs towards finding things. Positions are computed on the
first finding only.
"""

from __future__ import annotations

import ast
import builtins
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from infralint.model import ParseError, ParseProblem, Span
from infralint.pyscope import deploy_script_kind
from infralint.source import SourceFile

# Reasons (SourceFile.reason) that put a file in scope only as a deploy script: PY3xx skip it.
DEPLOY_REASON_PREFIX = "deploy script"


@dataclass
class PythonDocument:
    source: SourceFile
    module: cst.Module
    # "pyinfra", "fabric" or None: set for deploy scripts wherever they are.
    deploy_kind: str | None = None
    problems: list[ParseProblem] = field(default_factory=list)
    # Every call in source order.
    calls: list[cst.Call] = field(default_factory=list)
    # Name -> the expression assigned to it (`x = …`, `with … as x`) anywhere in the file; None
    # when the name is bound more than once (the value is then unknown).
    bindings: dict[str, cst.BaseExpression | None] = field(default_factory=dict)
    classes: list[cst.ClassDef] = field(default_factory=list)
    # Local name -> the qualified names an import binds it to (`RFH` ->
    # {"logging.handlers.RotatingFileHandler"}); a name imported in two places may have two.
    imports: dict[str, set[str]] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)  # modules of `from m import *`
    # False when the file mentions nothing a PY check looks for (module is then empty).
    analysed: bool = True
    _statement_ends: dict[int, int] = field(default_factory=dict)
    _positions: Mapping[cst.CSTNode, CodeRange] | None = None

    @property
    def in_build_context(self) -> bool:
        """False when discovery put the file in scope only because it is a deploy script."""
        return not self.source.reason.startswith(DEPLOY_REASON_PREFIX)

    def construct_end(self, line: int) -> int:
        return self._statement_ends.get(line, line)

    def span(self, node: cst.CSTNode) -> Span:
        """The node's position: libcst columns are 0-based, ours 1-based with an exclusive end."""
        if self._positions is None:
            # Computed on the first finding only: most files have none, and it is costly.
            try:
                wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
                self._positions = wrapper.resolve(PositionProvider)
            except Exception:  # RecursionError on a file libcst barely handled
                self._positions = {}
        where = self._positions.get(node)
        if where is None:
            return Span(1)
        start, end = where.start, where.end
        return Span(start.line, start.column + 1, end.line, end.column + 1)

    def names(self, node: cst.CSTNode) -> set[str]:
        """The qualified names `node` may refer to: `lh.RotatingFileHandler` after `import
        logging.handlers as lh` is `logging.handlers.RotatingFileHandler`; `open` is
        `builtins.open`; a name that is not imported is itself (`c.run`)."""
        return self._resolve(node)[0]

    def imported_names(self, node: cst.CSTNode) -> set[str]:
        """The qualified names of `node` when its first name comes from an import."""
        found, imported = self._resolve(node)
        return found if imported else set()

    def _resolve(self, node: cst.CSTNode, depth: int = 0) -> tuple[set[str], bool]:
        if depth > 50:
            return set(), False
        if isinstance(node, cst.Name):
            if node.value in self.imports:
                return set(self.imports[node.value]), True
            if node.value in _BUILTINS and node.value not in self.bindings:
                return {f"builtins.{node.value}"}, False
            if self.star_imports and node.value not in self.bindings:
                starred = {f"{module}.{node.value}" for module in self.star_imports}
                return {node.value, *starred}, True
            return {node.value}, False
        if isinstance(node, cst.Attribute):
            bases, imported = self._resolve(node.value, depth + 1)
            return {f"{base}.{node.attr.value}" for base in bases}, imported
        if isinstance(node, cst.Call):  # `Connection(host).run`: a method of what is built
            return self._resolve(node.func, depth + 1)
        return set(), False

    def code(self, node: cst.CSTNode, limit: int = 60) -> str:
        """The node's source text on one line, shortened for messages."""
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= limit else text[: limit - 1] + "…"


_BUILTINS = frozenset(dir(builtins))


# Words without which no PY301 check can match (keep in step with checks/python/py301.py).
_LOGGING_WORDS = re.compile(
    r"FileHandler|StreamHandler|basicConfig|dictConfig|fileConfig|loguru|structlog"
    r"|\baccesslog\b|\berrorlog\b"
    r"|\bLOG(?:GING|GING_CONFIG|_CONFIG|GING_DICT)\b"
)


def parse(source: SourceFile) -> PythonDocument:
    """Parse one file. Raises ParseError (IL001) for anything that is not valid Python 3."""
    text = source.text
    tree = _precheck(text)
    ends = _statement_ends(tree)
    deploy_kind = deploy_script_kind(source.path, text)
    if deploy_kind is None and not _LOGGING_WORDS.search(text):
        empty = PythonDocument(source, cst.Module(body=[]), analysed=False)
        empty._statement_ends = ends
        return empty
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise ParseError(_libcst_message(error), _libcst_span(error)) from None
    except RecursionError:
        raise ParseError("Python code is nested too deeply to be analysed") from None
    except Exception as error:  # the native parser reports odd input in several ways
        raise ParseError(f"libcst could not parse the file: {error}") from None
    document = PythonDocument(source=source, module=module, deploy_kind=deploy_kind)
    document._statement_ends = ends
    try:
        module.visit(_Index(document))
    except RecursionError:
        raise ParseError("Python code is nested too deeply to be analysed") from None
    return document


class _Index(cst.CSTVisitor):
    """One walk collecting what the checks look up: calls, name bindings, class definitions."""

    def __init__(self, document: PythonDocument) -> None:
        super().__init__()
        self.document = document

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            found = self.document.bindings
            found[target.value] = None if target.value in found else value

    def visit_Call(self, node: cst.Call) -> None:
        self.document.calls.append(node)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = _dotted(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._import(alias.asname.name.value, full)
            else:  # `import logging.handlers` binds `logging`
                top = full.split(".")[0]
                self._import(top, top)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return  # the app's own modules
        module = _dotted(node.module)
        if isinstance(node.names, cst.ImportStar):
            if module is not None:  # `from fabric.api import *`: any free name may come from it
                self.document.star_imports.append(module)
            return
        for alias in node.names:
            name = _dotted(alias.name)
            if module is None or name is None:
                continue
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self._import(local, f"{module}.{name}")

    def _import(self, local: str, qualified: str) -> None:
        self.document.imports.setdefault(local, set()).add(qualified)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.document.classes.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, node.item)


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base is not None else None
    return None


def _precheck(text: str) -> ast.Module:
    """Reject what would crash libcst, and report Python 2 with CPython's clearer message."""
    try:
        with warnings.catch_warnings():
            # Invalid escapes in the user's strings are their business, not our output's.
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except SyntaxError as error:
        line = error.lineno or 1
        column = max(error.offset or 1, 1)
        message = error.msg or "invalid syntax"
        raise ParseError(f"invalid Python 3 syntax: {message}", Span(line, column)) from None
    except (RecursionError, MemoryError):
        raise ParseError("Python code is nested too deeply to be analysed") from None
    except ValueError as error:  # null bytes
        raise ParseError(f"not Python source: {error}") from None


_LIBCST_AT = re.compile(r"error at (\d+):(\d+)")


def _libcst_span(error: cst.ParserSyntaxError) -> Span:
    match = _LIBCST_AT.search(str(error))
    if match:
        return Span(int(match.group(1)), int(match.group(2)) + 1)
    return Span(max(error.raw_line, 1), error.raw_column + 1)


def _libcst_message(error: cst.ParserSyntaxError) -> str:
    first = str(error).splitlines()
    detail = next((line for line in first if "error" in line and "@" not in line), "")
    return f"invalid Python syntax ({detail.strip() or error.message})"


def _statement_ends(tree: ast.Module) -> dict[int, int]:
    """First line -> last line of every simple statement, and of every compound statement's
    header (decorators to the colon): suppression comments cover the construct."""
    ends: dict[int, int] = {}
    for node in ast.walk(tree):  # breadth first: outer statements claim their lines first
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        if not (isinstance(body, list) and body and isinstance(body[0], ast.stmt)):
            ends.setdefault(node.lineno, node.end_lineno or node.lineno)
            continue
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if body[0].lineno > node.lineno:
            last = body[0].lineno - 1
        else:  # `if ready: return x` is one construct
            last = body[0].end_lineno or body[0].lineno
        for line in range(first, node.lineno + 1):
            ends.setdefault(line, max(last, node.lineno))
    return ends
