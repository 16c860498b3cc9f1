"""PY301 logging-to-file: Application code in an image sends its logs to a file instead of
stdout/stderr."""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterator

import libcst as cst

from infralint.checks.python._common import (
    FILE_HANDLERS,
    STREAM_PATHS,
    argument,
    destination,
    keyword,
    resolve,
    string_value,
)
from infralint.model import Fix, Severity, Span, Violation
from infralint.parsers.python import PythonDocument
from infralint.project import Project
from infralint.registry import CheckContext, check

STRUCTLOG_OUTPUTS = frozenset(
    {
        f"structlog.{name}"
        for name in (
            "PrintLoggerFactory",
            "WriteLoggerFactory",
            "BytesLoggerFactory",
            "PrintLogger",
            "WriteLogger",
            "BytesLogger",
        )
    }
)
OPENERS = frozenset({"builtins.open", "io.open", "codecs.open", "gzip.open", "bz2.open"})


# Keep in step with parsers/python.py's _LOGGING_WORDS, which decides which files get a CST.
DJANGO_SETTINGS_NAMES = frozenset({"LOGGING", "LOGGING_CONFIG", "LOG_CONFIG", "LOGGING_DICT"})
INSTEAD = "instead of stdout/stderr"


@check("PY301")
def logging_to_file(doc: PythonDocument, context: CheckContext) -> Iterator[Violation]:
    violations = list(_logging_to_file(doc, context.project))
    if violations and context.want_fixes:
        violations[0] = _with_codemod(doc, violations[0])
    yield from violations


def _with_codemod(doc: PythonDocument, violation: Violation) -> Violation:
    """Attach the (unsafe) codemod that sends file handlers to stdout, as one whole-file edit."""
    from infralint.fixes_python import FIX_SAFE, fix_file_handlers

    text = doc.source.text
    fixed = fix_file_handlers(text, doc.source.path)
    if fixed == text:
        return violation
    whole = Span(1, 1, text.count("\n") + 2, 1)
    return violation._replace(fix=Fix(whole, fixed, safe=FIX_SAFE))


def _logging_to_file(doc: PythonDocument, project: Project | None) -> Iterator[Violation]:
    if not doc.in_build_context:
        return
    subclasses = _file_handler_subclasses(doc)
    checked_dicts: set[int] = set()
    for call in doc.calls:
        names = doc.names(call.func)
        handler = _file_handler_name(doc, call, names, subclasses)
        if handler is not None:
            yield from _file_handler(doc, call, handler)
        elif "logging.StreamHandler" in names:
            yield from _opened_stream(
                doc, call, "logging.StreamHandler", argument(call, 0, "stream")
            )
        elif "logging.basicConfig" in names:
            yield from _basic_config(doc, call)
        elif "logging.config.dictConfig" in names:
            config = argument(call, 0, "config")
            if config is not None:
                yield from _logging_dict(doc, resolve(doc, config), checked_dicts)
        elif "logging.config.fileConfig" in names:
            yield from _file_config(doc, call, project)
        elif "loguru.logger.add" in names:
            yield from _loguru_add(doc, call)
        elif names & STRUCTLOG_OUTPUTS:
            yield from _structlog_output(doc, call, names)
    for name, value in doc.bindings.items():
        # Django reads `LOGGING` from settings and hands it to dictConfig itself.
        if name in DJANGO_SETTINGS_NAMES and value is not None:
            yield from _logging_dict(doc, value, checked_dicts)
    if _GUNICORN_CONFIG.fullmatch(doc.source.path.name):
        yield from _gunicorn_logs(doc)


# gunicorn reads its settings from a Python file: gunicorn.conf.py, gunicorn_config.py, …
_GUNICORN_CONFIG = re.compile(r"gunicorn[\w.-]*\.py")
GUNICORN_LOG_SETTINGS = ("accesslog", "errorlog")
GUNICORN_STREAMS = STREAM_PATHS | {"-"}  # gunicorn's word for stdout/stderr


def _gunicorn_logs(doc: PythonDocument) -> Iterator[Violation]:
    for setting in GUNICORN_LOG_SETTINGS:
        value = doc.bindings.get(setting)
        if value is None or (isinstance(value, cst.Name) and value.value == "None"):
            continue
        where = destination(doc, value, streams=GUNICORN_STREAMS)
        if where.kind != "stream":
            yield Violation(
                doc.span(value), f"gunicorn {setting} writes logs to {where.shown} {INSTEAD}"
            )


def _opened_stream(
    doc: PythonDocument, call: cst.Call, label: str, stream: cst.BaseExpression | None
) -> Iterator[Violation]:
    """A stream argument that is a file opened here (`StreamHandler(open("app.log", "a"))`)."""
    if stream is None:
        return
    opened = _opened_path(doc, resolve(doc, stream))
    if opened is None:
        return
    where = destination(doc, opened)
    if not where.is_stream:
        yield Violation(
            doc.span(call), f"{label} writes logs to a file opened from {where.shown} {INSTEAD}"
        )


def _file_handler_subclasses(doc: PythonDocument) -> dict[str, str]:
    """Classes defined in the file that derive from a file handler -> the handler they extend."""
    found: dict[str, str] = {}
    classes = doc.classes
    changed = True
    while changed:  # a subclass of a subclass is a file handler too
        changed = False
        for klass in classes:
            if klass.name.value in found:
                continue
            for base in klass.bases:
                known = doc.names(base.value) & FILE_HANDLERS
                local = base.value.value if isinstance(base.value, cst.Name) else ""
                if known or local in found:
                    found[klass.name.value] = sorted(known)[0] if known else found[local]
                    changed = True
                    break
    return found


def _file_handler_name(
    doc: PythonDocument, call: cst.Call, names: set[str], subclasses: dict[str, str]
) -> str | None:
    known = names & FILE_HANDLERS
    if known:
        return sorted(known)[0]
    func = call.func
    if isinstance(func, cst.Name) and func.value in subclasses and not doc.imported_names(func):
        return f"{func.value} (a {subclasses[func.value]})"
    return None


def _file_handler(doc: PythonDocument, call: cst.Call, handler: str) -> Iterator[Violation]:
    path = argument(call, 0, "filename")
    if path is None:
        yield Violation(doc.span(call), f"{handler} writes logs to a file {INSTEAD}")
        return
    where = destination(doc, path)
    if not where.is_stream:
        yield Violation(doc.span(call), f"{handler} writes logs to {where.shown} {INSTEAD}")


def _basic_config(doc: PythonDocument, call: cst.Call) -> Iterator[Violation]:
    path = keyword(call, "filename")
    if path is None:
        yield from _opened_stream(doc, call, "logging.basicConfig", keyword(call, "stream"))
        return
    where = destination(doc, path)
    if not where.is_stream:
        yield Violation(
            doc.span(call),
            f"logging.basicConfig(filename=…) writes logs to {where.shown} {INSTEAD}",
        )


def _file_config(
    doc: PythonDocument, call: cst.Call, project: Project | None
) -> Iterator[Violation]:
    source = argument(call, 0, "fname")
    shown = f"logging.config.fileConfig({doc.code(source)})" if source else "fileConfig()"
    handlers = _ini_file_handlers(doc, string_value(doc, source), project)
    if handlers is None:
        # A note, not a warning: the handlers may well be streams.
        yield Violation(
            doc.span(call),
            f"{shown} takes its handlers from a file infralint cannot read here; note: make sure "
            "none of them writes to a file (a StreamHandler on sys.stdout)",
            severity=Severity.NOTE,
        )
    elif handlers:
        listed = ", ".join(f"{name!r} ({klass})" for name, klass in handlers[:3])
        yield Violation(doc.span(call), f"{shown} configures file handlers {listed} {INSTEAD}")


def _ini_file_handlers(
    doc: PythonDocument, relative: str | None, project: Project | None
) -> tuple[tuple[str, str], ...] | None:
    """The file handlers of a fileConfig INI file beside the module, as the link stage read them
    (as data, never evaluated, only inside the scanned tree), or None when the file cannot be
    found or read."""
    if relative is None or not doc.source.path.is_absolute() or project is None:
        return None
    return project.ini_handlers.get(str(doc.source.path.parent / relative))


def config_files(doc: PythonDocument) -> list[str]:
    """The INI files `_file_config` quotes, as written (beside the module): the link stage reads
    them."""
    found: list[str] = []
    if not doc.in_build_context:
        return found
    for call in doc.calls:
        if "logging.config.fileConfig" in doc.names(call.func):
            relative = string_value(doc, argument(call, 0, "fname"))
            if relative is not None:
                found.append(relative)
    return found


def file_handlers_in(text: str) -> tuple[tuple[str, str], ...] | None:
    """The file handlers of a fileConfig INI text, or None when it does not parse."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    found = []
    for section in parser.sections():
        if not section.startswith("handler_"):
            continue
        klass = parser.get(section, "class", fallback="").strip()
        if klass.endswith("FileHandler"):
            found.append((section.removeprefix("handler_"), klass))
    return tuple(found)


def mapping_items(
    doc: PythonDocument, node: cst.BaseExpression
) -> list[tuple[str, cst.CSTNode, cst.BaseExpression]] | None:
    """(key, element node, value) of a dict literal or `dict(k=v)` call with static keys."""
    node = resolve(doc, node)
    if isinstance(node, cst.Dict):
        items: list[tuple[str, cst.CSTNode, cst.BaseExpression]] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = string_value(doc, element.key)
                if key is not None:
                    items.append((key, element, element.value))
        return items
    if isinstance(node, cst.Call) and "builtins.dict" in doc.names(node.func):
        return [(arg.keyword.value, arg, arg.value) for arg in node.args if arg.keyword]
    return None


def _logging_dict(
    doc: PythonDocument, config: cst.BaseExpression, checked: set[int]
) -> Iterator[Violation]:
    if id(config) in checked:
        return
    checked.add(id(config))
    top = mapping_items(doc, config)
    if top is None:
        return
    handlers = next((value for key, _, value in top if key == "handlers"), None)
    if handlers is None:
        return
    for name, element, value in mapping_items(doc, handlers) or []:
        settings = {key: item for key, _, item in mapping_items(doc, value) or []}
        handler_class = string_value(doc, settings.get("class")) or ""
        is_file_class = handler_class in FILE_HANDLERS or handler_class.endswith("FileHandler")
        label = f"dictConfig handler {name!r}" + (f" ({handler_class})" if handler_class else "")
        filename = settings.get("filename")
        if filename is not None:
            where = destination(doc, filename)
            if not where.is_stream:
                yield Violation(
                    doc.span(element), f"{label} writes logs to {where.shown} {INSTEAD}"
                )
        elif is_file_class:
            yield Violation(doc.span(element), f"{label} writes logs to a file {INSTEAD}")


def _loguru_add(doc: PythonDocument, call: cst.Call) -> Iterator[Violation]:
    sink = argument(call, 0, "sink")
    if sink is None:
        return
    if _opened_path(doc, resolve(doc, sink)) is not None:
        yield from _opened_stream(doc, call, "loguru logger.add()", sink)
        return
    where = destination(doc, sink)
    # A sink that is not a path (a stream, a callable, a handler object) is fine.
    if where.kind == "file":
        yield Violation(
            doc.span(call), f"loguru logger.add() writes logs to {where.shown} {INSTEAD}"
        )


def _structlog_output(doc: PythonDocument, call: cst.Call, names: set[str]) -> Iterator[Violation]:
    factory = sorted(names & STRUCTLOG_OUTPUTS)[0]
    yield from _opened_stream(doc, call, factory, argument(call, 0, "file"))


def _opened_path(doc: PythonDocument, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """The path of `open(path)`, `io.open(path)` or `Path(path).open()`; None if no file is
    opened here."""
    if not isinstance(node, cst.Call):
        return None
    if doc.names(node.func) & OPENERS:
        return argument(node, 0, "file") or argument(node, 0, "filename")
    if isinstance(node.func, cst.Attribute) and node.func.attr.value == "open":
        receiver = resolve(doc, node.func.value)
        return receiver if isinstance(receiver, cst.Call) else node.func.value
    return None
