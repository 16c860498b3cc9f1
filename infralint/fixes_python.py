"""The PY301 fix: a libcst codemod sending file handlers to stdout.

`logging.FileHandler(path)` and its rotating/watched variants become
`logging.StreamHandler(sys.stdout)`; `import sys` (and `import logging`, when the handler was
imported by name) are added when missing, and handler imports left unused are removed. Only the
calls PY301 reports are rewritten: a handler on `/dev/stdout` or on an environment variable that
defaults to a stream stays as it is, and so do classes derived from file handlers (they may add
behaviour). The fix is unsafe: it changes where logs go, and rotation arguments are dropped.

`sys` and `logging` are written as names that refer to those modules where each call is: libcst's
scope analysis says what a name means there, so a parameter, a local or an enclosing function's
variable named `sys` is never taken for the module. An earlier top-level import is used when
nothing else binds its name; else the module is imported as itself when that name is free where
the calls are, or under a name used nowhere in the file. A file with a star import (which may
bind anything) is not fixed.
"""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import NamedTuple

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, MetadataWrapper, Scope, ScopeProvider

from infralint.checks.python._common import FILE_HANDLERS, is_file_handler_to_file
from infralint.model import ParseError
from infralint.parsers.python import PythonDocument, parse
from infralint.source import SourceFile

FIX_SAFE = False  # PY301's fix changes behaviour: applied only with --unsafe-fixes


def fix_file_handlers(text: str, path: Path | None = None) -> str:
    """`text` with every reported file handler rewritten; unchanged when there is none, the
    file does not parse, or no name can be found for a module the new code needs."""
    where = path or Path("fix.py")
    try:
        document = parse(SourceFile(where, str(where), text, "python", reason="python.paths"))
    except ParseError:
        return text
    calls = [call for call in document.calls if is_file_handler_to_file(document, call)]
    if not calls:
        return text
    try:
        names = _module_names(document.module, calls)
        if names is None:
            return text
        targets = {id(call) for call in calls}
        module = document.module.visit(
            _ToStdout(targets, names["logging"].local, names["sys"].local)
        )
        context = CodemodContext()
        for module_name, name in names.items():
            if name.needs_import:
                asname = None if name.local == module_name else name.local
                AddImportsVisitor.add_needed_import(context, module_name, asname=asname)
        for module_name, handler, alias in _handler_imports(document):
            RemoveImportsVisitor.remove_unused_import(context, module_name, handler, alias)
        module = AddImportsVisitor(context).transform_module(module)
        module = RemoveImportsVisitor(context).transform_module(module)
    except (RecursionError, cst.CSTValidationError):
        return text
    return module.code


class ModuleName(NamedTuple):
    """How the fixed code names a module: `local`, imported by the fix when `needs_import`."""

    local: str
    needs_import: bool


def _module_names(module: cst.Module, calls: list[cst.Call]) -> dict[str, ModuleName] | None:
    """A name for `logging` and for `sys` that means the module at every call, or None."""
    if _has_star_import(module):
        return None
    scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    call_scopes = [scopes.get(call) for call in calls]
    if any(scope is None for scope in call_scopes):
        return None
    statement_of = _top_level_statements(module, {id(call) for call in calls})
    at_calls = [
        (scope, statement_of[id(call)])
        for scope, call in zip(call_scopes, calls, strict=True)
        if scope is not None
    ]
    used = _names_used(module)
    return {
        module_name: _name_for(module, module_name, at_calls, used)
        for module_name in ("logging", "sys")
    }


def _name_for(
    module: cst.Module, module_name: str, at_calls: list[tuple[Scope, int]], used: set[str]
) -> ModuleName:
    imports = _top_level_imports(module, module_name)  # local name -> [(statement, Import)]
    for local, bound in imports.items():
        nodes = {id(node) for _, node in bound}
        first = min(index for index, _ in bound)
        if all(
            first < statement and _bound_only_by(scope, local, nodes)
            for scope, statement in at_calls
        ):
            return ModuleName(local, needs_import=False)
    if all(not scope[module_name] for scope, _ in at_calls):
        return ModuleName(module_name, needs_import=True)
    return ModuleName(_free_name(module_name, used), needs_import=True)


def _bound_only_by(scope: Scope, local: str, imports: set[int]) -> bool:
    """`local` seen from `scope` is bound by these top-level imports and nothing else."""
    assignments = scope[local]
    return bool(assignments) and all(
        isinstance(assignment, Assignment) and id(assignment.node) in imports
        for assignment in assignments
    )


def _top_level_imports(
    module: cst.Module, module_name: str
) -> dict[str, list[tuple[int, cst.Import]]]:
    """Top-level `import M`, `import M.sub` and `import M as N`: local name -> where."""
    found: dict[str, list[tuple[int, cst.Import]]] = {}
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Import):
                continue
            for alias in small.names:
                dotted = get_full_name_for_node(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value if dotted == module_name else ""
                else:
                    local = module_name if dotted.split(".")[0] == module_name else ""
                if local:
                    found.setdefault(local, []).append((index, small))
    return found


def _top_level_statements(module: cst.Module, targets: set[int]) -> dict[int, int]:
    """id of each target call -> the index of the top-level statement it is in."""
    found: dict[int, int] = {}
    for index, statement in enumerate(module.body):
        collector = _CallCollector(targets)
        statement.visit(collector)
        found.update(dict.fromkeys(collector.found, index))
    return found


class _CallCollector(cst.CSTVisitor):
    def __init__(self, targets: set[int]) -> None:
        super().__init__()
        self.targets = targets
        self.found: list[int] = []

    def visit_Call(self, node: cst.Call) -> None:
        if id(node) in self.targets:
            self.found.append(id(node))


def _has_star_import(module: cst.Module) -> bool:
    return bool(m.findall(module, m.ImportFrom(names=m.ImportStar())))


def _names_used(module: cst.Module) -> set[str]:
    return {node.value for node in m.findall(module, m.Name()) if isinstance(node, cst.Name)}


def _free_name(module_name: str, used: set[str]) -> str:
    """`_sys`, `_sys2`, …: the first that the file uses nowhere and that is not a builtin."""
    candidate, number = f"_{module_name}", 1
    while candidate in used or hasattr(builtins, candidate):
        number += 1
        candidate = f"_{module_name}{number}"
    return candidate


class _ToStdout(cst.CSTTransformer):
    def __init__(self, targets: set[int], logging_name: str, sys_name: str) -> None:
        super().__init__()
        self.targets = targets
        self.handler = cst.parse_expression(f"{logging_name}.StreamHandler")
        self.stream = cst.parse_expression(f"{sys_name}.stdout")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) not in self.targets:
            return updated_node
        return updated_node.with_changes(func=self.handler, args=[cst.Arg(self.stream)])


def _handler_imports(document: PythonDocument) -> list[tuple[str, str, str | None]]:
    """(module, name, alias) of every `from logging… import <file handler>` in the file."""
    found: list[tuple[str, str, str | None]] = []
    for statement in document.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or small.module is None:
                continue
            if isinstance(small.names, cst.ImportStar):
                continue
            module_name = document.module.code_for_node(small.module)
            for alias in small.names:
                name = document.module.code_for_node(alias.name)
                if f"{module_name}.{name}" not in FILE_HANDLERS:
                    continue
                asname = None
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    asname = alias.asname.name.value
                found.append((module_name, name, asname))
    return found
