"""PY checks: logging destinations in application code, and imperative deploy scripts.

PY3xx judge code that ships in an image (the file is in a build context or `python.paths`);
PY1xx/PY2xx judge pyinfra deploys and Fabric/invoke task files, wherever they are. Names are
matched by their qualified name through imports and aliases, so `RFH(...)` after
`from logging.handlers import RotatingFileHandler as RFH` is a RotatingFileHandler.
"""

from __future__ import annotations

import configparser
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from infralint import reader
from infralint.model import Fix, Severity, Span, Violation
from infralint.parsers import commands
from infralint.parsers.python import PythonDocument
from infralint.parsers.shell import Command, parse_shell
from infralint.registry import CheckContext, check

# --------------------------------------------------------------------------- values


STREAM_PATHS = frozenset(
    {"/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2", "/dev/fd/1", "/dev/fd/2"}
)
STREAM_NAMES = frozenset({"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"})
ENV_LOOKUPS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
PATH_BUILDERS = frozenset(
    {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "os.path.join", "builtins.str"}
)
_MAX_DEPTH = 4
_MAX_READ_BYTES = 1_000_000  # a script or INI file a deploy/module refers to, read as data
# Stands for a Python expression inside a command string: an expansion the shell model treats as
# unknown (a package word it cannot judge, a URL it cannot see).
PLACEHOLDER = "${PYEXPR}"
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
# Possessive: flags and width both take `0`, and trying every split was quadratic. A mapping
# key stops at `%`, so a run of `%(` is not rescanned from each one.
_PERCENT_FIELD = re.compile(r"%(?:\([^)%]*\))?[-#0 +]*+\d*+(?:\.\d+)?[sdirfx]")


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


def shell_text(doc: PythonDocument, node: cst.BaseExpression, depth: int = 0) -> str | None:
    """A command string as the shell will see it; Python expressions inside f-strings or `+`
    `+`, `%` or `.format()` become a placeholder expansion, so the command's shape is still
    readable."""
    node = resolve(doc, node)
    literal = string_value(doc, node)
    if literal is not None:
        return literal
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, cst.FormattedString):
        pieces = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(part.value)
            else:
                pieces.append(PLACEHOLDER)
        return "".join(pieces)
    if isinstance(node, cst.ConcatenatedString) or (
        isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)
    ):
        left = shell_text(doc, node.left, depth + 1)
        right = shell_text(doc, node.right, depth + 1)
        if left is None and right is None:
            return None
        return (left or PLACEHOLDER) + (right or PLACEHOLDER)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        template = shell_text(doc, node.left, depth + 1)
        return _PERCENT_FIELD.sub(PLACEHOLDER, template) if template is not None else None
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "format"
    ):
        template = shell_text(doc, node.func.value, depth + 1)
        return _FORMAT_FIELD.sub(PLACEHOLDER, template) if template is not None else None
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


# --------------------------------------------------------------------------- PY301

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
    violations = list(_logging_to_file(doc, reader.roots_of(context.project)))
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


def _logging_to_file(doc: PythonDocument, roots: reader.Roots) -> Iterator[Violation]:
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
            yield from _file_config(doc, call, roots)
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


def is_file_handler_to_file(doc: PythonDocument, call: cst.Call) -> bool:
    """A standard file handler that PY301 reports (the calls the PY301 fix rewrites)."""
    if not doc.names(call.func) & FILE_HANDLERS:
        return False
    path = argument(call, 0, "filename")
    return path is None or not destination(doc, path).is_stream


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


def _file_config(doc: PythonDocument, call: cst.Call, roots: reader.Roots) -> Iterator[Violation]:
    source = argument(call, 0, "fname")
    shown = f"logging.config.fileConfig({doc.code(source)})" if source else "fileConfig()"
    handlers = _ini_file_handlers(doc, string_value(doc, source), roots)
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
    doc: PythonDocument, relative: str | None, roots: reader.Roots
) -> list[tuple[str, str]] | None:
    """The file handlers of a fileConfig INI file beside the module (read as data, never
    evaluated, only inside the scanned tree), or None when the file cannot be found or read."""
    if relative is None or not doc.source.path.is_absolute():
        return None
    text = reader.read_text_or_none(doc.source.path.parent / relative, roots, _MAX_READ_BYTES)
    if text is None:
        return None
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
    return found


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


# --------------------------------------------------------------------------- PY201

PACKAGE_SUBCOMMANDS: dict[str, frozenset[str]] = {
    "apt-get": frozenset(
        {"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge",
         "autoremove", "update"}
    ),
    "apk": frozenset({"add", "del", "upgrade", "update"}),
    "yum": frozenset(
        {"install", "reinstall", "update", "upgrade", "remove", "erase", "groupinstall",
         "localinstall", "makecache"}
    ),
    "zypper": frozenset({"install", "update", "remove", "dist-upgrade", "patch", "refresh"}),
    "pip": frozenset({"install", "uninstall"}),
    "npm": frozenset({"install", "ci", "uninstall", "update"}),
    "gem": frozenset({"install", "uninstall", "update"}),
}  # fmt: skip
TOOL_FAMILY = {"apt": "apt-get", "aptitude": "apt-get", "dnf": "yum", "microdnf": "yum"}
PYINFRA_PACKAGE_OPERATION = {
    "apt-get": "apt.packages",
    "apt": "apt.packages",
    "aptitude": "apt.packages",
    "apk": "apk.packages",
    "yum": "yum.packages",
    "dnf": "dnf.packages",
    "microdnf": "dnf.packages",
    "zypper": "zypper.packages",
    "rpm": "yum.rpm or dnf.rpm",
    "pip": "pip.packages",
    "npm": "npm.packages",
    "gem": "gem.packages",
}
SERVICE_ACTIONS = frozenset(
    {"start", "stop", "restart", "reload", "try-restart", "reload-or-restart", "condrestart",
     "force-reload", "enable", "disable", "mask", "unmask", "daemon-reload"}
)  # fmt: skip
PYINFRA_SHELL = frozenset(
    {
        "pyinfra.operations.server.shell",
        "pyinfra.operations.server.script",
        "pyinfra.operations.server.script_template",
    }
)
FABRIC_FUNCTIONS = frozenset(
    {"fabric.api.run", "fabric.api.sudo", "fabric.operations.run", "fabric.operations.sudo"}
)
REMOTE_LIBRARIES = ("fabric", "invoke", "patchwork")


@dataclass(frozen=True)
class Imperative:
    kind: str  # "package" | "service" | "download"
    command: str  # shown in the message: "apt-get install", "systemctl restart", "curl <url>"
    tool: str


def imperative(command: Command) -> Imperative | None:
    """What a shell command changes imperatively, if it is a package, service or download step."""
    call = commands.invocation(command)
    if call is not None:
        family = TOOL_FAMILY.get(call.tool, call.tool)
        subcommand = call.subcommand or ""
        if subcommand in PACKAGE_SUBCOMMANDS.get(family, ()):
            return Imperative("package", f"{call.tool} {subcommand}", call.tool)
        if call.tool == "rpm" and any(
            o.name in ("install", "upgrade", "i", "U") for o in call.options
        ):
            return Imperative("package", "rpm install", "rpm")
    control = commands.service_control(command)
    if control is not None and control.action in SERVICE_ACTIONS:
        if control.manager == "systemctl":
            return Imperative("service", f"systemctl {control.action}", "systemctl")
        if control.manager == "service":
            shown = f"service {control.service} {control.action}"
            return Imperative("service", shown, "service")
        if control.manager == "init.d" and control.command.name is not None:
            shown = f"{control.command.name.text} {control.action}"
            return Imperative("service", shown, "init.d")
    fetched = commands.download(command)
    if fetched is not None and fetched.urls:
        return Imperative("download", f"{fetched.tool} {fetched.urls[0].text}", fetched.tool)
    return None


def imperatives_in(script: str) -> list[Imperative]:
    found = []
    for command in parse_shell(script).commands:
        step = imperative(command)
        if step is not None and step not in found:
            found.append(step)
    return found


def _advice(kind: str, step: Imperative) -> str:
    if kind == "pyinfra":
        if step.kind == "package":
            return f"use {PYINFRA_PACKAGE_OPERATION.get(step.tool, 'a package operation')}"
        if step.kind == "service":
            return "use systemd.service or server.service"
        return "use files.download with sha256sum"
    if step.kind == "package":
        return "install packages in the image build or with a declarative tool"
    if step.kind == "service":
        return "let a declarative tool or the orchestrator manage services"
    return "fetch artefacts with a pinned checksum in the image build"


_KIND_WORDS = {
    "package": "package management",
    "service": "service control",
    "download": "a download",
}


@check("PY201")
def imperative_shell_in_deploy(doc: PythonDocument, context: CheckContext) -> Iterator[Violation]:
    if doc.deploy_kind is None:
        return
    for call in doc.calls:
        names = doc.names(call.func)
        if doc.deploy_kind == "pyinfra" and names & PYINFRA_SHELL:
            operation = sorted(names & PYINFRA_SHELL)[0].removeprefix("pyinfra.operations.")
            if operation == "server.shell":
                yield from _shell_strings(doc, call, operation, argument(call, 0, "commands"))
            else:
                yield from _script_file(doc, call, operation, reader.roots_of(context.project))
        elif doc.deploy_kind == "fabric" and _is_remote_run(doc, call, names):
            label = f"{doc.code(call.func, 30)}()"
            yield from _shell_strings(doc, call, label, argument(call, 0, "command"))


def _is_remote_run(doc: PythonDocument, call: cst.Call, names: set[str]) -> bool:
    if names & FABRIC_FUNCTIONS:
        return True
    if not isinstance(call.func, cst.Attribute) or call.func.attr.value not in ("run", "sudo"):
        return False
    imported = doc.imported_names(call.func)
    # `subprocess.run(...)` is no remote run; `c.run`, `conn.sudo`, `Connection(h).run` are.
    return not imported or any(name.startswith(REMOTE_LIBRARIES) for name in imported)


def _shell_strings(
    doc: PythonDocument, call: cst.Call, label: str, value: cst.BaseExpression | None
) -> Iterator[Violation]:
    if value is None:
        return
    value = resolve(doc, value)
    parts = (
        [element.value for element in value.elements]
        if isinstance(value, cst.List | cst.Tuple)
        else [value]
    )
    for part in parts:
        script = shell_text(doc, part)
        if script is None:
            continue
        steps = imperatives_in(script)
        if steps:
            yield _imperative_violation(doc, part, label, steps)


def _script_file(
    doc: PythonDocument, call: cst.Call, operation: str, roots: reader.Roots
) -> Iterator[Violation]:
    """server.script uploads and runs a local script: read it (never run it) beside the deploy,
    and only inside the scanned tree (its commands are quoted in the finding)."""
    source = argument(call, 0, "src")
    relative = string_value(doc, source)
    if source is None or relative is None or not doc.source.path.is_absolute():
        return
    script = reader.read_text_or_none(doc.source.path.parent / relative, roots, _MAX_READ_BYTES)
    if script is None:
        return
    steps = imperatives_in(script)
    if steps:
        yield _imperative_violation(doc, source, f"{operation}({relative!r})", steps)


def _imperative_violation(
    doc: PythonDocument, node: cst.CSTNode, label: str, steps: list[Imperative]
) -> Violation:
    first = steps[0]
    shown = ", ".join(f"'{step.command}'" for step in steps[:3]).replace(PLACEHOLDER, "{…}")
    kinds = []
    for step in steps:
        if _KIND_WORDS[step.kind] not in kinds:
            kinds.append(_KIND_WORDS[step.kind])
    advice = _advice(doc.deploy_kind or "", first)
    return Violation(doc.span(node), f"{label} runs {shown} ({' and '.join(kinds)}): {advice}")


# --------------------------------------------------------------------------- PY101

# pyinfra operation module -> how a version is appended to a package name.
PACKAGE_OPERATIONS: dict[str, str] = {
    **dict.fromkeys(
        ("apt", "apk", "yum", "dnf", "zypper", "pacman", "xbps", "opkg", "pkg", "pkgin", "choco",
         "server"),
        "=<version>",
    ),
    "brew": "@<version>",
    "npm": "@<version>",
    "pip": "==<version>",
    "pipx": "==<version>",
    "gem": ":<version>",
}  # fmt: skip
RPM_MODULES = frozenset({"yum", "dnf", "zypper"})


@check("PY101")
def deploy_package_latest(doc: PythonDocument, context: CheckContext) -> Iterator[Violation]:
    if doc.deploy_kind != "pyinfra":
        return
    for call in doc.calls:
        module = _package_operation(doc, call)
        if module is None:
            continue
        operation = f"{module}.packages"
        present = keyword(call, "present")
        if isinstance(present, cst.Name) and present.value == "False":
            continue  # removing packages pins nothing
        latest = keyword(call, "latest")
        if isinstance(latest, cst.Name) and latest.value == "True":
            yield Violation(
                doc.span(call),
                f"{operation}(latest=True) upgrades the packages to whatever is newest on every "
                "run",
            )
            continue
        yield from _unpinned_packages(doc, call, module, operation)


def _package_operation(doc: PythonDocument, call: cst.Call) -> str | None:
    for name in doc.names(call.func):
        parts = name.split(".")
        if (
            len(parts) == 4
            and parts[:2] == ["pyinfra", "operations"]
            and parts[3] == "packages"
            and parts[2] in PACKAGE_OPERATIONS
        ):
            return parts[2]
    return None


def _unpinned_packages(
    doc: PythonDocument, call: cst.Call, module: str, operation: str
) -> Iterator[Violation]:
    packages = argument(call, 0, "packages")
    if packages is None:
        return
    packages = resolve(doc, packages)
    elements = (
        [element.value for element in packages.elements]
        if isinstance(packages, cst.List | cst.Tuple)
        else [packages]
    )
    for element in elements:
        name = string_value(doc, element)
        if name is None or not name.strip() or _has_version(name.strip(), module):
            continue
        package, pin = name.strip(), PACKAGE_OPERATIONS[module]
        yield Violation(
            doc.span(element),
            f"package {package!r} is not pinned ({operation}: '{package}{pin}')",
        )


def _has_version(spec: str, module: str) -> bool:
    if spec.startswith(("/", "./", "http://", "https://", "git+", "file:")) or spec.endswith(
        (".deb", ".rpm", ".whl", ".tar.gz", ".apk")
    ):
        return True  # a file or URL names one exact artefact
    if module in ("npm", "brew"):
        return "@" in spec[1:]
    if module == "gem":
        return ":" in spec
    if any(mark in spec for mark in "=<>~@"):
        return True
    if module in RPM_MODULES and "-" in spec:
        last = spec.rsplit("-", 1)[1]
        return last[:1].isdigit()  # rpm style `nginx-1.20.1`
    return False
