"""The cookbook model: resources with properties, guards and notifications, and the document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from infralint.model import ParseProblem, Span
from infralint.parsers.chef.resource_names import SHELL_SCRIPT_TYPES
from infralint.parsers.chef.values import PLACEHOLDER, RubyText, Value, _TextBuilder
from infralint.parsers.shell import Script
from infralint.source import SourceFile

# --------------------------------------------------------------------------- model


@dataclass
class Property:
    name: str
    args: list[Value]
    span: Span
    has_block: bool = False
    # For a guard block: the literal string it evaluates to, if its last statement is one.
    block_string: Value | None = None
    conditional: bool = False  # set inside a Ruby if/case within the resource block

    @property
    def value(self) -> Value | None:
        return self.args[0] if self.args else None


@dataclass(frozen=True)
class Guard:
    keyword: str  # not_if | only_if | creates
    form: str  # string | block | array | other
    span: Span
    value: Value | None = None
    block_string: Value | None = None  # not_if { 'cmd' }: the string the block returns


@dataclass(frozen=True)
class Notification:
    keyword: str  # notifies | subscribes
    action: str | None
    target: str
    timing: str | None
    span: Span


@dataclass
class Resource:
    type: str
    name: Value | None
    span: Span
    properties: list[Property] = field(default_factory=list)
    # The Ruby construct that decides whether the resource exists: "if", "unless", "case",
    # "ternary", "return" (after an early return/next), "rescue", "def"; None when unconditional.
    conditional: str | None = None
    loop: str | None = None  # "literal" (unrolled) or "dynamic"
    action_block: str | None = None  # inside `action :x do … end` of a custom resource
    file_kind: str = "recipe"
    _shell: list[Script | None] = field(default_factory=list, repr=False, compare=False)

    def shell(self) -> Script | None:
        """What the resource runs, read by the shared shell model with positions in the .rb
        file; None when it is no shell script (see `resource_script`). Parsed once."""
        if not self._shell:
            found = resource_script(self)
            if found is None:
                self._shell.append(None)
            else:
                from infralint.parsers.shell import parse_shell

                self._shell.append(parse_shell(found[0].text, found[0].origin))
        return self._shell[0]

    def setting(self, name: str) -> Property | None:
        """The last setting of a property (later settings win in Chef)."""
        found = None
        for prop in self.properties:
            if prop.name == name:
                found = prop
        return found

    def value(self, name: str) -> Value | None:
        prop = self.setting(name)
        return prop.value if prop is not None else None

    def has(self, name: str) -> bool:
        return self.setting(name) is not None

    @property
    def guards(self) -> list[Guard]:
        guards = []
        for prop in self.properties:
            if prop.name not in ("not_if", "only_if", "creates"):
                continue
            value = prop.value
            if prop.has_block:
                form = "block"
            elif value is not None and value.kind == "string":
                form = "string"
            elif value is not None and value.kind == "array":
                form = "array"
            else:
                form = "other"
            guards.append(Guard(prop.name, form, prop.span, value, prop.block_string))
        return guards

    @property
    def actions(self) -> list[str]:
        """The literal actions set with `action`; "?" stands for a dynamic one."""
        prop = self.setting("action")
        if prop is None or prop.value is None:
            return []
        value = prop.value
        items = value.literal if value.kind == "array" else [value]
        return [item.string if item.string is not None else "?" for item in items]

    @property
    def notifications(self) -> list[Notification]:
        result = []
        for prop in self.properties:
            if prop.name not in ("notifies", "subscribes") or not prop.args:
                continue
            action = prop.args[0].string
            target = prop.args[1].display() if len(prop.args) > 1 else "?"
            timing = prop.args[2].string if len(prop.args) > 2 else None
            result.append(Notification(prop.name, action, target, timing, prop.span))
        return result

    @property
    def head(self) -> Span:
        """The first line of the resource, where findings about the whole resource point."""
        return Span(self.span.line, self.span.column, self.span.line, self.span.column + 1)

    def label(self) -> str:
        """`type 'name'`, with a long name expression shortened."""
        name = self.name.display() if self.name is not None else ""
        name = " ".join(name.split())
        if len(name) > 60:
            name = name[:57] + "..."
        return f"{self.type} {name}" if name else self.type


@dataclass(frozen=True)
class ShellOut:
    """A compile-time shell-out at recipe level (backticks, %x(), system, shell_out…)."""

    form: str
    span: Span


@dataclass(frozen=True)
class NodeWrite:
    form: str  # node.normal, node.set, node.save, normal[…] (attributes file)…
    span: Span


@dataclass(frozen=True)
class Dependency:
    """`depends` in metadata.rb, or `cookbook` in a Berksfile/Policyfile."""

    keyword: str
    name: str
    constraint: str | None
    options: dict[str, Value]
    span: Span


@dataclass(frozen=True)
class Setting:
    """A `key value` line of client.rb/solo.rb/config.rb."""

    key: str
    value: Value | None
    span: Span


@dataclass
class ChefDocument:
    source: SourceFile
    kind: str
    problems: list[ParseProblem] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    shell_outs: list[ShellOut] = field(default_factory=list)
    node_writes: list[NodeWrite] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)
    settings: list[Setting] = field(default_factory=list)
    run_list: list[str] = field(default_factory=list)
    # Berksfile/Policyfile only: the lock file's name, whether it exists, and why the cookbook
    # looks like a library (None when it looks like an application).
    lockfile: str | None = None
    lockfile_present: bool = True
    library_reason: str | None = None
    ends: dict[int, int] = field(default_factory=dict)

    def construct_end(self, line: int) -> int:
        return self.ends.get(line, line)


# --------------------------------------------------------------------------- scripts

SHELL_INTERPRETERS = {"sh", "bash", "dash", "ksh", "zsh", "csh", "tcsh", "ash"}


def resource_script(resource: Resource) -> tuple[RubyText, str] | None:
    """What a shell script resource runs, as text mapped into the .rb file, and where it came
    from (`command`, `code` or `name`). None for non-shell interpreters or dynamic values."""
    if resource.type not in SHELL_SCRIPT_TYPES:
        return None
    if resource.type == "script":
        interpreter = resource.value("interpreter")
        program = interpreter.string if interpreter is not None else None
        if program is None or program.rsplit("/", 1)[-1].split()[0] not in SHELL_INTERPRETERS:
            return None
    for prop in ("command", "code"):
        value = resource.value(prop)
        if value is None:
            continue
        text = _script_text(value)
        return (text, prop) if text is not None else None
    if resource.type == "execute" and resource.name is not None:
        text = _script_text(resource.name)
        return (text, "name") if text is not None else None
    return None


def _script_text(value: Value) -> RubyText | None:
    if value.kind == "string":
        return value.text
    if (
        value.kind == "array"
        and value.literal
        and all(item.kind == "string" for item in value.literal)
    ):
        # An argv array: join its words (each one already a separate shell word).
        builder = _TextBuilder()
        for index, item in enumerate(value.literal):
            if index:
                builder.mapped(" ", item.span.line, item.span.column)
            word = str(item.literal) if item.is_static else PLACEHOLDER
            builder.static = builder.static and item.is_static
            quoted = word if re.fullmatch(r"[\w@%+=:,./-]+", word) else _single_quote(word)
            builder.mapped(quoted, item.span.line, item.span.column)
        return builder.build()
    return None


def _single_quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"
