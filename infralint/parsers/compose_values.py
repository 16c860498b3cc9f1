"""What compose's compact value syntaxes mean: ports, volumes, environment, images, commands.

Each reader takes a service of a ComposeDocument and returns small typed records that keep the
position of the YAML node they come from, so checks can point at the exact item.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from infralint.model import Span
from infralint.parsers.compose import ComposeDocument, Service, iter_scalars
from infralint.parsers.image_ref import ImageRef, parse_image_ref
from infralint.parsers.interpolation import UNRESOLVED
from infralint.parsers.shell import SHELLS, Command, Script, Word, parse_shell
from infralint.parsers.yaml_model import Mapping, Node, Scalar, Sequence

T = TypeVar("T")

TRUE_WORDS = frozenset({"true", "yes", "on", "y"})
FALSE_WORDS = frozenset({"false", "no", "off", "n"})


def truthy(doc: ComposeDocument, node: Node | None) -> bool:
    """True as compose reads booleans: YAML true, or the words true/yes/on/y in any case."""
    if not isinstance(node, Scalar):
        return False
    if node.value is True:
        return True
    text = doc.value(node)
    return text is not None and text.strip().lower() in TRUE_WORDS


# --------------------------------------------------------------------------- images


@dataclass(frozen=True)
class Image:
    node: Scalar
    text: str  # after interpolation (unresolved variables empty)
    ref: ImageRef | None  # None when the reference cannot be judged
    unresolved: tuple[str, ...]  # variables that make the name or tag unknown

    @property
    def span(self) -> Span:
        return self.node.span


@functools.lru_cache(maxsize=1024)
def _image_ref(text: str) -> ImageRef | None:
    return parse_image_ref(text)


def service_image(doc: ComposeDocument, service: Service) -> Image | None:
    node = service.get("image")
    if not isinstance(node, Scalar) or node.value is None:
        return None
    result = doc.interpolate(node.text)
    text = result.value.strip()
    if result.resolved:
        return Image(node, text, _image_ref(text), ())
    # Judge by the tag when the unknown part is only the registry or path (`${REG}/app:1.0`).
    marked = result.marked.strip()
    name, _, digest = marked.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.partition(":")[2] if ":" in last else None
    if UNRESOLVED in (digest or "") or (tag is not None and UNRESOLVED in tag):
        return Image(node, text, None, result.unresolved)
    if tag is None and not digest and UNRESOLVED in last:
        return Image(node, text, None, result.unresolved)
    placeholder = marked.replace(UNRESOLVED, "x")
    return Image(node, text, _image_ref(placeholder), ())


# --------------------------------------------------------------------------- ports


@dataclass(frozen=True)
class Port:
    node: Node
    host_ip: str  # "" when unset (every interface)
    host: tuple[int, int] | None  # published host port range; None when ephemeral
    container: tuple[int, int] | None
    protocol: str

    @property
    def span(self) -> Span:
        return self.node.span


_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


def _port_range(text: str) -> tuple[int, int] | None:
    match = _RANGE.match(text.strip())
    if not match:
        return None
    start = int(match.group(1))
    end = int(match.group(2) or start)
    return (start, end) if end >= start else None


def _short_port(node: Node, text: str) -> Port | None:
    spec, _, protocol = text.partition("/")
    host_ip = ""
    if spec.startswith("["):
        close = spec.find("]")
        if close < 0:
            return None
        host_ip, spec = spec[1:close], spec[close + 1 :].lstrip(":")
    parts = spec.split(":")
    if len(parts) > 2:
        host_ip, parts = host_ip or ":".join(parts[:-2]), parts[-2:]
    container = _port_range(parts[-1])
    if container is None:
        return None
    host = _port_range(parts[0]) if len(parts) == 2 and parts[0] else None
    return Port(node, host_ip, host, container, (protocol or "tcp").lower())


def _short_or_long(
    doc: ComposeDocument,
    node: Node | None,
    short: Callable[[Scalar, str], T | None],
    long: Callable[[Mapping], T],
) -> list[T]:
    """The items of a compose list that takes two syntaxes (`ports`, `volumes`): strings such as
    `"8080:80"`, read after interpolation (unresolved ones are skipped), and mappings."""
    items: list[T] = []
    if not isinstance(node, Sequence):
        return items
    for item in node.items:
        if isinstance(item, Scalar):
            result = doc.interpolate(item.text)
            found = short(item, result.value) if result.resolved else None
            if found is not None:
                items.append(found)
        elif isinstance(item, Mapping):
            items.append(long(item))
    return items


def service_ports(doc: ComposeDocument, service: Service) -> list[Port]:
    def long(item: Mapping) -> Port:
        target = doc.value(item.get("target"))
        published = doc.value(item.get("published"))
        return Port(
            item,
            doc.value(item.get("host_ip")) or "",
            _port_range(published) if published else None,
            _port_range(target) if target else None,
            (doc.value(item.get("protocol")) or "tcp").lower(),
        )

    return _short_or_long(doc, service.get("ports"), _short_port, long)


# --------------------------------------------------------------------------- volumes


@dataclass(frozen=True)
class Mount:
    node: Node
    type: str  # bind | volume | tmpfs | npipe | cluster | image
    source: str | None  # interpolated; None for an anonymous volume
    target: str
    read_only: bool

    @property
    def span(self) -> Span:
        return self.node.span


_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def _is_path(source: str) -> bool:
    return source.startswith(("/", ".", "~", "\\")) or bool(_WINDOWS_DRIVE.match(source))


def _short_mount(node: Node, text: str) -> Mount | None:
    drive = ""
    if _WINDOWS_DRIVE.match(text):
        drive, text = text[:2], text[2:]
    parts = text.split(":")
    if len(parts) == 1:
        return Mount(node, "volume", None, drive + parts[0], False)
    source, target = drive + parts[0], parts[1]
    options = parts[2].split(",") if len(parts) > 2 else []
    kind = "bind" if _is_path(source) else "volume"
    return Mount(node, kind, source, target, "ro" in options or "readonly" in options)


def service_mounts(doc: ComposeDocument, service: Service) -> list[Mount]:
    def long(item: Mapping) -> Mount:
        source = doc.value(item.get("source"))
        kind = doc.value(item.get("type")) or ("bind" if source and _is_path(source) else "volume")
        return Mount(
            item,
            kind,
            source or None,
            doc.value(item.get("target")) or "",
            truthy(doc, item.get("read_only")),
        )

    return _short_or_long(doc, service.get("volumes"), _short_mount, long)


def normalize_path(path: str) -> str:
    if not path.startswith("/"):
        return path
    return posixpath.normpath("/" + path.lstrip("/"))  # `//etc/` is `/etc`


# --------------------------------------------------------------------------- environment


@dataclass(frozen=True)
class Variable:
    name: str
    value: str | None  # as written (not interpolated); None when only the name is given
    node: Node  # the list item, or the mapping key
    value_node: Node | None

    @property
    def span(self) -> Span:
        return self.node.span


def service_environment(service: Service) -> list[Variable]:
    variables: list[Variable] = []
    node = service.get("environment")
    if isinstance(node, Mapping):
        for entry in node.entries:
            value = entry.value
            text = value.text if isinstance(value, Scalar) and value.value is not None else None
            variables.append(Variable(entry.key, text, entry.key_node, value))
    elif isinstance(node, Sequence):
        for item in node.items:
            if isinstance(item, Scalar):
                name, sep, value_text = item.text.partition("=")
                variables.append(Variable(name.strip(), value_text if sep else None, item, item))
    return variables


# --------------------------------------------------------------------------- commands


def _words(doc: ComposeDocument, items: list[Scalar]) -> list[Word]:
    words = []
    for item in items:
        origin = doc.origin(item)
        words.append(Word(item.text, item.text, origin.span(0, len(item.text)), origin=origin))
    return words


def _exec_scripts(doc: ComposeDocument, items: list[Scalar]) -> list[Script]:
    """An exec-form list: the command itself, plus the `-c` script when a shell runs one."""
    if not items:
        return []
    words = _words(doc, items)
    first, last = words[0].span, words[-1].span
    command = Command(
        words[0], words[1:], Span(first.line, first.column, last.end_line, last.end_column)
    )
    scripts = [Script(" ".join(item.text for item in items), [command])]
    body = dash_c_script(items, is_shell_program)
    if body is not None:
        scripts.append(parse_shell(body.text, doc.origin(body)))
    return scripts


def is_shell_program(program: str) -> bool:
    return program.rsplit("/", 1)[-1] in SHELLS


def dash_c_script(items: list[Scalar], is_shell: Callable[[str], bool]) -> Scalar | None:
    """The script of an exec-form `SHELL [-options] -c SCRIPT`, when `is_shell` takes the
    program for a shell."""
    if not items or not is_shell(items[0].text):
        return None
    for index, item in enumerate(items[1:], start=1):
        text = item.text
        if not text.startswith("-") or len(text) < 2:
            return None
        if _is_dash_c(text):
            return items[index + 1] if index + 1 < len(items) else None
    return None


def ends_with_dash_c(items: list[Scalar], is_shell: Callable[[str], bool]) -> bool:
    """An entrypoint `SHELL [...] -c`: the command's first item is then its script."""
    return len(items) >= 2 and is_shell(items[0].text) and _is_dash_c(items[-1].text)


def _is_dash_c(option: str) -> bool:
    """`-c`, or short options bundled with it (`-ec`); a long option (`--rcfile`) is not."""
    return option.startswith("-") and not option.startswith("--") and "c" in option[1:]


def _string_scripts(doc: ComposeDocument, node: Scalar) -> list[Script]:
    script = parse_shell(node.text, doc.origin(node))
    return [script, *_inner_scripts(script)]


def _inner_scripts(script: Script) -> Iterator[Script]:
    from infralint.parsers.shell import inner_script

    pending = [script]
    for _ in range(4):  # sh -c "bash -c '…'" nests rarely deeper
        found = []
        for current in pending:
            for command in current.commands:
                inner = inner_script(command)
                if inner is not None:
                    found.append(inner)
        yield from found
        pending = found
        if not pending:
            return


def service_scripts(doc: ComposeDocument, service: Service) -> list[Script]:
    """The shell scripts a service runs when it starts: `entrypoint`, `command`, and the
    commands of `post_start` hooks (sh -c bodies included). `healthcheck` is not included:
    probing is not provisioning. Cached on the document (several rules ask)."""
    key = ("scripts", id(service.node))
    cached = doc.cache.get(key)
    if cached is None:
        cached = doc.cache[key] = _scripts(doc, service)
    return list(cached)


def start_commands(service: Service) -> tuple[list[Scalar], list[tuple[str, Node | None]]]:
    """What a service runs when it starts, for every reader of its scripts: the items of an
    exec-form `entrypoint` (a `command` list is its arguments), and each `entrypoint`,
    `command` and `post_start` hook command node with its key."""
    entrypoint = service.get("entrypoint")
    entry_items = list(iter_scalars(entrypoint)) if isinstance(entrypoint, Sequence) else []
    commands: list[tuple[str, Node | None]] = [
        ("entrypoint", entrypoint),
        ("command", service.get("command")),
    ]
    hooks = service.get("post_start")
    if isinstance(hooks, Sequence):
        commands.extend(
            ("hook", hook.get("command")) for hook in hooks.items if isinstance(hook, Mapping)
        )
    return entry_items, commands


def _scripts(doc: ComposeDocument, service: Service) -> list[Script]:
    scripts: list[Script] = []
    entry_items, commands = start_commands(service)
    for key, node in commands:
        if isinstance(node, Scalar) and isinstance(node.value, str):
            scripts.extend(_string_scripts(doc, node))
        elif isinstance(node, Sequence):
            items = list(iter_scalars(node))
            if key == "command" and items and ends_with_dash_c(entry_items, is_shell_program):
                scripts.append(parse_shell(items[0].text, doc.origin(items[0])))
                continue
            scripts.extend(_exec_scripts(doc, items))
    return scripts
