"""The PY301 fix: a libcst codemod sending file handlers to stdout.

`logging.FileHandler(path)` and its rotating/watched variants become
`logging.StreamHandler(sys.stdout)`; `import sys` (and `import logging`, when the handler was
imported by name) are added when missing, and handler imports left unused are removed. Only the
calls PY301 reports are rewritten: a handler on `/dev/stdout` or on an environment variable that
defaults to a stream stays as it is, and so do classes derived from file handlers (they may add
behaviour). The fix is unsafe: it changes where logs go, and rotation arguments are dropped.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from infralint.checks.python import FILE_HANDLERS, is_file_handler_to_file
from infralint.model import ParseError
from infralint.parsers.python import PythonDocument, parse
from infralint.source import SourceFile

FIX_SAFE = False  # PY301's fix changes behaviour: applied only with --unsafe-fixes


def fix_file_handlers(text: str, path: Path | None = None) -> str:
    """`text` with every reported file handler rewritten; unchanged when there is none or the
    file does not parse."""
    where = path or Path("fix.py")
    try:
        document = parse(SourceFile(where, str(where), text, "python", reason="python.paths"))
    except ParseError:
        return text
    targets = {id(call) for call in document.calls if is_file_handler_to_file(document, call)}
    if not targets:
        return text
    try:
        module = document.module.visit(_ToStdout(targets))
        context = CodemodContext()
        AddImportsVisitor.add_needed_import(context, "logging")
        AddImportsVisitor.add_needed_import(context, "sys")
        for module_name, name, alias in _handler_imports(document):
            RemoveImportsVisitor.remove_unused_import(context, module_name, name, alias)
        module = AddImportsVisitor(context).transform_module(module)
        module = RemoveImportsVisitor(context).transform_module(module)
    except (RecursionError, cst.CSTValidationError):
        return text
    return module.code


class _ToStdout(cst.CSTTransformer):
    def __init__(self, targets: set[int]) -> None:
        super().__init__()
        self.targets = targets

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) not in self.targets:
            return updated_node
        return updated_node.with_changes(
            func=cst.parse_expression("logging.StreamHandler"),
            args=[cst.Arg(cst.parse_expression("sys.stdout"))],
        )


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
