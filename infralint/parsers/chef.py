"""Chef cookbooks: a resource model read from Ruby source with tree-sitter-ruby (never run).

`parse(source)` decides what a file is from its path (metadata.rb, Berksfile, Policyfile, client
config, recipes/, attributes/, resources/, providers/, definitions/, libraries/) and returns a
`ChefDocument`. Recipe-like files yield `Resource`s: type, name expression, properties (literal
values when literal, dynamic otherwise), guards, actions, notifications, the Ruby construct
(`if`, `case`, an earlier `return`) that decides whether the resource exists, and its span.
Literal-array loops are unrolled; loops over anything else give one resource with dynamic names.

All tree-sitter access goes through `infralint.parsers.ruby`. Walks use explicit stacks, so
deeply nested input cannot exhaust the Python stack.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from infralint.model import ParseError, ParseProblem, Span
from infralint.parsers.ruby import RubyNode, RubyTree, parse_ruby, walk
from infralint.parsers.shell import PositionMap, Script
from infralint.source import SourceFile

MAX_EVAL_DEPTH = 40  # literal values nested deeper than this are treated as dynamic
MAX_LOOP_ITEMS = 200  # longer literal arrays are not unrolled
MAX_UNROLLED = 1000  # iterations unrolled per file in all (nested loops multiply)

# --------------------------------------------------------------------------- file kinds

RECIPE_DIRS = {
    "recipes": "recipe",
    "attributes": "attributes",
    "resources": "resource",
    "providers": "provider",
    "definitions": "definition",
    "libraries": "library",
}
CONFIG_NAMES = {"client.rb", "solo.rb", "config.rb", "knife.rb"}
# Kinds whose Ruby is recipe DSL (resources are recognised there).
DSL_KINDS = {"recipe", "attributes", "resource", "provider", "definition"}


def file_kind(path: PurePosixPath | Path) -> str:
    """What a cookbook file is, from its path alone."""
    name = path.name
    parts = [part.lower() for part in path.parts[:-1]]
    if name == "metadata.rb":
        return "metadata"
    if name == "Berksfile":
        return "berksfile"
    if name == "Berksfile.lock":
        return "berksfile-lock"
    if name == "Policyfile.rb" or (
        name.endswith(".rb") and parts and parts[-1] in ("policyfiles", "policies")
    ):
        return "policyfile"
    if name.endswith(".lock.json"):
        return "policyfile-lock"
    if name in CONFIG_NAMES and (not parts or parts[-1] in (".chef", "chef", "config")):
        return "config"
    if name in CONFIG_NAMES and not any(part in RECIPE_DIRS for part in parts):
        return "config"
    if "spec" in parts or "integration" in parts:
        return "ruby"  # ChefSpec and InSpec tests: plain Ruby
    if parts and parts[-1] in RECIPE_DIRS:
        return RECIPE_DIRS[parts[-1]]
    # Nested folders under recipes/ or libraries/ (recipes/sub/x.rb) keep the kind.
    for part in reversed(parts):
        if part in RECIPE_DIRS:
            return RECIPE_DIRS[part]
    return "ruby"


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class RubyText:
    """The text of a Ruby string (interpolations replaced by `${RUBY}`) and where each part of
    it sits in the .rb file, ready for the shell model."""

    text: str
    origin: PositionMap
    static: bool


PLACEHOLDER = "${RUBY}"


class _TextBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.anchors: list[tuple[int, int, int]] = []
        self.length = 0
        self.static = True

    def verbatim(self, text: str, line: int, column: int) -> None:
        """Text copied from the file starting at (line, column), possibly over several lines."""
        for index, piece in enumerate(text.split("\n")):
            if index:
                self._add("\n", None)
                line, column = line + 1, 1
            if piece:
                self._add(piece, (line, column))

    def mapped(self, text: str, line: int, column: int) -> None:
        """Text that stands for source at (line, column) but is not a copy of it."""
        if text:
            self._add(text, (line, column))

    def _add(self, text: str, position: tuple[int, int] | None) -> None:
        if position is not None:
            self.anchors.append((self.length, position[0], position[1]))
        self.parts.append(text)
        self.length += len(text)

    def build(self) -> RubyText:
        anchors = tuple(self.anchors) or ((0, 1, 1),)
        if anchors[0][0] != 0:
            anchors = ((0, anchors[0][1], anchors[0][2]), *anchors)
        return RubyText("".join(self.parts), PositionMap(anchors), self.static)


@dataclass(frozen=True)
class Value:
    """A Ruby expression as far as it can be known without running Ruby.

    `kind`: string, symbol, integer, float, boolean, nil, array, hash or dynamic. `literal` holds
    the Python value when static (str, int, float, bool, None, list[Value], dict[str, Value]).
    """

    kind: str
    source: str
    span: Span
    literal: Any = None
    text: RubyText | None = None  # strings: their text and position map

    @property
    def is_static(self) -> bool:
        if self.kind == "dynamic":
            return False
        if self.kind == "string":
            return self.text is None or self.text.static
        if self.kind == "array":
            return all(item.is_static for item in self.literal)
        if self.kind == "hash":
            return all(item.is_static for item in self.literal.values())
        return True

    @property
    def string(self) -> str | None:
        """The value as a static string or symbol name, else None."""
        if self.kind in ("string", "symbol") and self.is_static:
            return str(self.literal)
        return None

    def strings(self) -> list[str] | None:
        """A static string, or a static array of strings, as a list; else None."""
        if self.kind == "array":
            items = [item.string for item in self.literal]
            return None if any(item is None for item in items) else [str(i) for i in items]
        single = self.string
        return None if single is None else [single]

    def display(self) -> str:
        if self.kind == "array" and (items := self.strings()) is not None:
            return ", ".join(f"'{item}'" for item in items)
        return f"'{self.string}'" if self.string is not None else self.source


def _dynamic(node: RubyNode) -> Value:
    return Value("dynamic", node.text, node.span)


LITERAL_SCALARS = ("string", "symbol", "integer", "float")
STRING_IDENTITY_METHODS = {"strip", "chomp", "freeze", "dup", "to_s", "lstrip", "rstrip", "squish"}
SINGLE_QUOTED_ESCAPE = re.compile(r"\\[\\']")
DOUBLE_QUOTED_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "s": " ",
    "e": "\x1b",
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "r": "\r",
    "f": "\f",
    "v": "\v",
}


def _string_parts(
    node: RubyNode, env: dict[str, Value], single_quoted: bool, builder: _TextBuilder, depth: int
) -> None:
    """Append the text of a string/heredoc/bare_string node's children to `builder`."""
    for child in node.children:
        if child.type in ("string_content", "heredoc_content"):
            text = child.text
            if not single_quoted:
                builder.verbatim(text, child.line, child.column)
                continue
            # '\'' and '\\' are the only escapes of a single-quoted string.
            last = 0
            line, column = child.line, child.column
            for match in SINGLE_QUOTED_ESCAPE.finditer(text):
                builder.verbatim(text[last : match.start()], line, column)
                line, column = _advance(text[: match.start()], child.line, child.column)
                builder.mapped(match.group()[1], line, column)
                last = match.end()
                line, column = _advance(text[:last], child.line, child.column)
            builder.verbatim(text[last:], line, column)
        elif child.type == "escape_sequence":
            raw = child.text[1:]
            decoded = DOUBLE_QUOTED_ESCAPES.get(raw, raw if len(raw) == 1 else "")
            if raw.startswith("\n"):
                decoded = ""  # a line continuation inside the string
            builder.mapped(decoded or "", child.line, child.column)
        elif child.type == "interpolation":
            inner = child.named_children()
            bound = _evaluate(inner[0], env, depth + 1) if len(inner) == 1 else None
            if bound is not None and bound.is_static and bound.kind in LITERAL_SCALARS:
                builder.mapped(str(bound.literal), child.line, child.column)
            else:
                builder.static = False
                builder.mapped(PLACEHOLDER, child.line, child.column)
            if child.end_line == child.line:
                builder.anchors.append((builder.length, child.end_line, child.end_column))


def _advance(text: str, line: int, column: int) -> tuple[int, int]:
    """The position reached after `text` that starts at (line, column)."""
    newlines = text.count("\n")
    if newlines:
        return line + newlines, len(text) - text.rfind("\n")
    return line, column + len(text)


def _string_value(node: RubyNode, env: dict[str, Value], depth: int = 0) -> Value:
    opener = node.children[0].text if node.children else ""
    single = opener == "'" or opener.startswith("%q")
    builder = _TextBuilder()
    _string_parts(node, env, single, builder, depth)
    if not builder.anchors:
        builder.anchors.append((0, node.line, node.column + len(opener)))
    text = builder.build()
    return Value("string", node.text, node.span, text.text if text.static else None, text)


def _heredoc_value(node: RubyNode, env: dict[str, Value], depth: int = 0) -> Value:
    body = node.heredoc_body
    if body is None:
        return _dynamic(node)
    builder = _TextBuilder()
    # A quoted heredoc (<<-'EOH') is verbatim; tree-sitter gives it no escapes to decode.
    _string_parts(body, env, False, builder, depth)
    text = builder.build()
    span = Span(node.line, node.column, body.end_line, body.end_column)
    return Value("string", node.text, span, text.text if text.static else None, text)


def _concat(values: list[Value], separator: str, node: RubyNode) -> Value:
    builder = _TextBuilder()
    for index, value in enumerate(values):
        if index and separator:
            builder.mapped(separator, value.span.line, value.span.column)
        if value.text is not None:
            offset = builder.length
            for start, line, column in value.text.origin.anchors:
                builder.anchors.append((offset + start, line, column))
            builder.parts.append(value.text.text)
            builder.length += len(value.text.text)
            builder.static = builder.static and value.text.static
        else:
            builder.static = builder.static and value.is_static
            builder.mapped(
                str(value.literal) if value.is_static else PLACEHOLDER,
                value.span.line,
                value.span.column,
            )
    text = builder.build()
    return Value("string", node.text, node.span, text.text if text.static else None, text)


def _evaluate(node: RubyNode, env: dict[str, Value], depth: int = 0) -> Value:
    """What a Ruby expression is, as far as it is literal. Bounded recursion."""
    if depth > MAX_EVAL_DEPTH:
        return _dynamic(node)
    kind = node.type
    if kind in ("string", "bare_string"):
        return _string_value(node, env, depth)
    if kind == "heredoc_beginning":
        return _heredoc_value(node, env, depth)
    if kind == "chained_string":
        parts = [_evaluate(child, env, depth + 1) for child in node.named_children()]
        return _concat(parts, "", node)
    if kind == "simple_symbol":
        return Value("symbol", node.text, node.span, node.text[1:])
    if kind in ("hash_key_symbol", "bare_symbol"):
        return Value("symbol", node.text, node.span, node.text.rstrip(":"))
    if kind == "delimited_symbol":
        inner = _string_value(node, env, depth)
        return Value("symbol", node.text, node.span, inner.literal) if inner.is_static else inner
    if kind == "integer":
        try:
            return Value("integer", node.text, node.span, int(node.text.replace("_", ""), 0))
        except ValueError:
            return Value("integer", node.text, node.span, node.text)
    if kind == "float":
        return Value("float", node.text, node.span, node.text)
    if kind in ("true", "false"):
        return Value("boolean", node.text, node.span, kind == "true")
    if kind == "nil":
        return Value("nil", node.text, node.span, None)
    if kind in ("array", "string_array", "symbol_array"):
        items = [
            _evaluate(child, env, depth + 1)
            for child in node.named_children()
            if child.type not in ("splat_argument",)
        ]
        if any(child.type == "splat_argument" for child in node.children):
            return _dynamic(node)
        return Value("array", node.text, node.span, items)
    if kind == "hash":
        return _hash_value(node, node.named_children(), env, depth)
    if kind == "identifier" and node.text in env:
        bound = env[node.text]
        return replace(bound, span=node.span, source=node.text) if bound.is_static else bound
    if kind == "unary" and node.children and node.children[0].text == "-":
        operand = node.child("operand")
        if operand is not None and operand.type in ("integer", "float"):
            value = _evaluate(operand, env, depth + 1)
            return Value(value.kind, node.text, node.span, f"-{value.literal}")
    if kind == "parenthesized_statements":
        statements = node.named_children()
        if len(statements) == 1:
            return _evaluate(statements[0], env, depth + 1)
    if kind == "call":
        return _call_value(node, env, depth)
    if kind == "binary":
        operator = next((c.text for c in node.children if c.field == "operator"), "")
        left, right = node.child("left"), node.child("right")
        if operator == "+" and left is not None and right is not None:
            lhs, rhs = _evaluate(left, env, depth + 1), _evaluate(right, env, depth + 1)
            if lhs.kind == "string" and rhs.kind == "string":
                return _concat([lhs, rhs], "", node)
    return _dynamic(node)


def _call_value(node: RubyNode, env: dict[str, Value], depth: int) -> Value:
    receiver = node.child("receiver")
    method = node.child("method")
    if receiver is None or method is None or node.child("block") is not None:
        return _dynamic(node)
    args = node.child("arguments")
    arg_nodes = args.named_children() if args is not None else []
    base = _evaluate(receiver, env, depth + 1)
    if method.text in STRING_IDENTITY_METHODS and not arg_nodes and base.kind == "string":
        return replace(base, source=node.text, span=_merge(base.span, node.span))
    if method.text == "join" and base.kind == "array" and len(arg_nodes) <= 1:
        separator = _evaluate(arg_nodes[0], env, depth + 1) if arg_nodes else None
        sep = separator.string if separator is not None else ""
        if sep is not None:
            return _concat(list(base.literal), sep, node)
    return _dynamic(node)


def _merge(first: Span, second: Span) -> Span:
    end = max((first.end_line, first.end_column), (second.end_line, second.end_column))
    return Span(first.line, first.column, end[0], end[1])


def _hash_value(node: RubyNode, pairs: list[RubyNode], env: dict[str, Value], depth: int) -> Value:
    items: dict[str, Value] = {}
    for pair in pairs:
        key, value = pair.child("key"), pair.child("value")
        if pair.type != "pair" or key is None:
            return _dynamic(node)
        key_value = _evaluate(key, env, depth + 1)
        name = key_value.string
        if name is None:
            return _dynamic(node)
        items[name] = _evaluate(value, env, depth + 1) if value is not None else _dynamic(pair)
    return Value("hash", node.text, node.span, items)


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


# --------------------------------------------------------------------------- resource names

SCRIPT_TYPES = {
    "execute",
    "bash",
    "script",
    "sh",
    "csh",
    "ksh",
    "perl",
    "python",
    "ruby",
    "powershell_script",
    "batch",
}
SHELL_SCRIPT_TYPES = {"execute", "bash", "script", "sh", "csh", "ksh"}

_CORE_RESOURCES = """alternatives apt_preference apt_repository apt_update archive_file breakpoint
    build_essential chef_client_config chef_client_cron chef_client_launchd
    chef_client_scheduled_task chef_client_systemd_timer chef_client_trusted_certificate chef_gem
    chef_handler chef_sleep chef_vault_secret chocolatey_config chocolatey_feature
    chocolatey_source cookbook_file cron cron_access cron_d directory docker_container
    docker_image dsc_resource dsc_script file git group homebrew_cask homebrew_tap
    homebrew_update hostname http_request ifconfig inspec_input inspec_waiver kernel_module
    launchd link locale log macos_userdefaults mdadm mount notify_group ohai ohai_hint
    openssl_dhparam openssl_rsa_private_key openssl_rsa_public_key openssl_x509_certificate
    openssl_x509_crl openssl_x509_request osx_profile package plist reboot registry_key
    remote_directory remote_file rhsm_errata rhsm_register rhsm_repo rhsm_subscription route
    ruby_block selinux_boolean selinux_fcontext selinux_install selinux_login selinux_module
    selinux_permissive selinux_port selinux_state selinux_user service ssh_known_hosts_entry
    subversion sudo swap_file sysctl systemd_unit template timezone user user_ulimit
    whyrun_safe_ruby_block windows_ad_join windows_audit_policy windows_auto_run
    windows_certificate windows_dfs_folder windows_dfs_namespace windows_dfs_server
    windows_dns_record windows_dns_zone windows_env windows_feature windows_firewall_rule
    windows_font windows_pagefile windows_path windows_printer windows_printer_port
    windows_security_policy windows_service windows_share windows_shortcut windows_task
    windows_uac windows_update_settings windows_user_privilege windows_workgroup yum_repository
    zypper_repository"""
KNOWN_RESOURCES = {*SCRIPT_TYPES, *_CORE_RESOURCES.split()}
_NOT_RESOURCES = """include_recipe require require_relative raise fail puts print p pp lazy
    action property attribute default_action allowed_actions provides resource_name
    load_current_value
    action_class define describe context it let before after shared_examples control title
    only_if not_if converge_by converge_if_changed with_run_context declare_resource
    build_resource edit_resource edit_resource! find_resource find_resource! delete_resource
    loop catch proc lambda format sleep depends supports cookbook source metadata run_list
    default_source unified_mode include extend private protected attr_accessor attr_reader
    block variables notifies subscribes timeout synchronize silence_warnings
    describe_resource chef_sleep_helper mixin should expect allow"""
NOT_RESOURCES = set(_NOT_RESOURCES.split())
ITERATORS = {
    "each",
    "each_with_index",
    "each_pair",
    "map",
    "each_entry",
    "collect",
    "flat_map",
    "each_key",
    "each_value",
    "times",
    "select",
    "reject",
}
PACKAGE_TYPES_EXTRA = {"chef_gem", "gem_package", "package"}


def is_package_type(kind: str) -> bool:
    return kind in PACKAGE_TYPES_EXTRA or kind.endswith("_package")


SHELL_OUT_METHODS = {"system", "exec", "shell_out", "shell_out!", "shell_out_compacted"}
SHELL_OUT_METHODS_WITH_RECEIVER = {("Kernel", "system"), ("Kernel", "exec"), ("IO", "popen")}
NODE_WRITE_METHODS = {"normal", "set", "save", "normal_unless", "set_unless"}
CONDITIONAL_TYPES = {
    "if": "if",
    "unless": "unless",
    "if_modifier": "if",
    "unless_modifier": "unless",
    "case": "case",
    "case_match": "case",
    "conditional": "ternary",
    "while": "if",
    "until": "if",
    "while_modifier": "if",
    "until_modifier": "if",
    "rescue": "rescue",
    "rescue_modifier": "rescue",
    "binary": "if",  # `a && package(…)`
}
DEFERRED_TYPES = {"method", "singleton_method", "lambda"}


@dataclass(frozen=True)
class _Context:
    env: dict[str, Value]
    conditional: str | None = None
    loop: str | None = None
    action: str | None = None
    compile_time: bool = True
    in_resource: bool = False
    # False for the repeated iterations of an unrolled loop: they add resources only.
    record: bool = True


def _method_name(node: RubyNode) -> str:
    method = node.child("method")
    return method.text if method is not None else ""


def _arguments(node: RubyNode) -> list[RubyNode]:
    args = node.child("arguments")
    if args is None:
        return []
    return [
        child
        for child in args.named_children()
        if child.type not in ("block_argument", "heredoc_body")
    ]


def _block_of(node: RubyNode) -> RubyNode | None:
    return node.child("block")


def _block_statements(block: RubyNode) -> list[RubyNode]:
    body = block.child("body")
    return body.children if body is not None else []


def _block_params(block: RubyNode) -> list[str]:
    params = block.child("parameters")
    if params is None:
        return []
    names = []
    for child in params.named_children():
        if child.type == "identifier":
            names.append(child.text)
        elif child.type == "destructured_parameter":
            names.extend(c.text for c in child.named_children() if c.type == "identifier")
        else:
            names.append("")
    return names


def _args_values(call: RubyNode, env: dict[str, Value]) -> list[Value]:
    """A call's arguments as values; trailing `key: value` pairs form one hash."""
    values: list[Value] = []
    pairs: list[RubyNode] = []
    for arg in _arguments(call):
        if arg.type == "pair":
            pairs.append(arg)
        else:
            values.append(_evaluate(arg, env))
    if pairs:
        first, last = pairs[0], pairs[-1]
        span = Span(first.line, first.column, last.end_line, last.end_column)
        value = _hash_value(first, pairs, env, 0)
        values.append(
            replace(value, span=span, source=first.tree.slice(first.start_byte, last.end_byte))
        )
    return values


EXIT_TYPES = {"return", "next", "if_modifier", "unless_modifier", "if", "unless"}


def _is_early_exit(node: RubyNode) -> bool:
    """`return`, `next`, or such a statement under an if/unless (modifier or block)."""
    if node.type in ("return", "next"):
        return True
    if node.type in ("if_modifier", "unless_modifier"):
        body = node.child("body")
        return body is not None and body.type in ("return", "next")
    if node.type in ("if", "unless"):
        consequence = node.child("consequence")
        return consequence is not None and any(
            child.type in ("return", "next") for child in consequence.children
        )
    return False


def _provider_action(node: RubyNode) -> str | None:
    """`def action_create` in an old-style provider: the action's name."""
    if node.type != "method":
        return None
    name = node.child("name")
    if name is None or not name.text.startswith("action_"):
        return None
    return name.text[len("action_") :]


def _is_property_call(call: RubyNode, ctx: _Context) -> bool:
    """A call that is a statement of a resource block, or whose argument is a literal that no
    command can be (`system true`): a property, not a method of Kernel."""
    first = _arguments(call)[0]
    if first.type in ("true", "false", "nil", "simple_symbol", "integer"):
        return True
    parent = call.parent
    return (
        ctx.in_resource and parent is not None and parent.type in ("body_statement", "block_body")
    )


def _looks_like_resource(call: RubyNode, name: str) -> bool:
    if call.child("receiver") is not None or name in NOT_RESOURCES:
        return False
    method = call.child("method")
    if method is None or method.type != "identifier":
        return False
    if name in KNOWN_RESOURCES or is_package_type(name):
        return True
    args = _arguments(call)
    if _block_of(call) is None or not args or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        return False
    return args[0].type in (
        "string",
        "identifier",
        "array",
        "string_array",
        "element_reference",
        "call",
        "heredoc_beginning",
        "chained_string",
    )


# --------------------------------------------------------------------------- the walk


class _Reader:
    def __init__(self, tree: RubyTree, kind: str, document: ChefDocument) -> None:
        self.tree = tree
        self.kind = kind
        self.doc = document
        self.unrolled = 0

    def run(self) -> None:
        assert self.tree.root is not None
        dsl = self.kind in DSL_KINDS
        stack: list[tuple[RubyNode, _Context]] = [(self.tree.root, _Context({}))]
        while stack:
            node, ctx = stack.pop()
            kind = node.type
            if kind == "ERROR":
                continue  # what tree-sitter could not read is reported, not guessed at
            if kind == "call" and self._call(node, ctx, stack, dsl):
                continue
            if kind == "subshell" and ctx.compile_time and ctx.record and dsl:
                self.doc.shell_outs.append(
                    ShellOut("backticks" if node.text[:1] == "`" else "%x()", node.span)
                )
            if kind == "element_reference" and ctx.record:
                self._attribute_write(node)
            action = _provider_action(node) if self.kind in ("resource", "provider") else None
            if action is not None:
                ctx = replace(ctx, compile_time=False, action=action)
            elif kind in DEFERRED_TYPES:
                ctx = replace(ctx, compile_time=False, conditional=ctx.conditional or "def")
            elif kind in CONDITIONAL_TYPES and not (
                kind == "binary"
                and not any(
                    c.text in ("&&", "||", "and", "or")
                    for c in node.children
                    if c.field == "operator"
                )
            ):
                ctx = replace(ctx, conditional=ctx.conditional or CONDITIONAL_TYPES[kind])
            self._push_children(node, node.children, ctx, stack)

    def _push_children(
        self,
        parent: RubyNode,
        children: list[RubyNode],
        ctx: _Context,
        stack: list[tuple[RubyNode, _Context]],
    ) -> None:
        """Push children in order: assignments bind names for later siblings, and everything
        after an early `return`/`next` is marked as conditional on it."""
        items = []
        current = ctx
        for child in children:
            if not child.named:
                continue  # punctuation and keywords carry nothing to look at
            items.append((child, current))
            if child.type == "assignment":
                left, right = child.child("left"), child.child("right")
                if left is not None and left.type == "identifier" and right is not None:
                    env = {**current.env, left.text: _evaluate(right, current.env)}
                    current = replace(current, env=env)
            elif (
                current.conditional is None
                and child.type in EXIT_TYPES
                and _is_early_exit(child)
                and parent.type not in CONDITIONAL_TYPES
            ):
                current = replace(current, conditional="return")
        stack.extend(reversed(items))

    def _call(
        self, node: RubyNode, ctx: _Context, stack: list[tuple[RubyNode, _Context]], dsl: bool
    ) -> bool:
        """Handle a call; True when its children were dealt with here."""
        name = _method_name(node)
        receiver = node.child("receiver")
        block = _block_of(node)
        if ctx.record:
            self._note_shell_out(node, name, receiver, ctx, dsl)
            self._note_node_write(node, name, receiver)
        if not dsl:
            return False
        recipe_level = self.kind not in ("resource", "provider") or ctx.action is not None
        if (
            receiver is None
            and name == "action"
            and block is not None
            and self.kind in ("resource", "provider")
        ):
            args = _args_values(node, ctx.env)
            action = args[0].string if args and args[0].string else "?"
            inner = replace(ctx, action=action, compile_time=False)
            self._push_children(node, node.children, inner, stack)
            return True
        if (
            receiver is None
            and not ctx.in_resource
            and recipe_level
            and _looks_like_resource(node, name)
        ):
            self._resource(node, name, ctx, stack)
            return True
        if receiver is not None and name in ITERATORS and block is not None:
            self._loop(node, name, receiver, block, ctx, stack)
            return True
        if block is not None and receiver is None:
            # An unknown block (lazy, not_if, converge_by, ruby_block's `block`…) runs later.
            others = [child for child in node.children if child is not block]
            self._push_children(node, others, ctx, stack)
            stack.append((block, replace(ctx, compile_time=False)))
            return True
        return False

    def _note_shell_out(
        self, node: RubyNode, name: str, receiver: RubyNode | None, ctx: _Context, dsl: bool
    ) -> None:
        if not (dsl and ctx.compile_time):
            return
        if receiver is None and name in SHELL_OUT_METHODS and _arguments(node):
            if _is_property_call(node, ctx):
                return  # `system true` of a user/group resource is a property
            self.doc.shell_outs.append(ShellOut(name, node.span))
        elif receiver is not None and (receiver.text.lstrip(":"), name) in (
            SHELL_OUT_METHODS_WITH_RECEIVER
        ):
            self.doc.shell_outs.append(ShellOut(f"{receiver.text}.{name}", node.span))
        elif receiver is not None and receiver.text.endswith("Mixlib::ShellOut") and name == "new":
            self.doc.shell_outs.append(ShellOut("Mixlib::ShellOut.new", node.span))

    def _note_node_write(self, node: RubyNode, name: str, receiver: RubyNode | None) -> None:
        if receiver is None or name not in NODE_WRITE_METHODS:
            return
        if receiver.type == "identifier" and receiver.text == "node":
            self.doc.node_writes.append(NodeWrite(f"node.{name}", node.span))

    def _attribute_write(self, node: RubyNode) -> None:
        """`normal['x'] = …` / `set['x'] = …` in an attributes file."""
        if self.kind != "attributes":
            return
        obj = node.child("object")
        parent = node.parent
        if obj is None or obj.type != "identifier" or obj.text not in ("normal", "set"):
            return
        if parent is not None and parent.type in ("element_reference", "assignment"):
            self.doc.node_writes.append(NodeWrite(f"{obj.text}[…]", obj.span))

    def _loop(
        self,
        node: RubyNode,
        method: str,
        receiver: RubyNode,
        block: RubyNode,
        ctx: _Context,
        stack: list[tuple[RubyNode, _Context]],
    ) -> None:
        params = _block_params(block)
        collection = _evaluate(receiver, ctx.env)
        bindings: list[dict[str, Value]] = []
        size = len(collection.literal) if collection.kind in ("array", "hash") else 0
        if not 0 < size <= MAX_LOOP_ITEMS or self.unrolled + size > MAX_UNROLLED:
            collection = _dynamic(receiver)
        self.unrolled += size if collection.kind != "dynamic" else 0
        if collection.kind == "array":
            for index, item in enumerate(collection.literal):
                values = [item, Value("integer", str(index), item.span, index)]
                bindings.append(dict(zip(params, values, strict=False)))
            loop = "literal"
        elif collection.kind == "hash":
            for key, item in collection.literal.items():
                key_value = Value("string", key, item.span, key)
                bindings.append(dict(zip(params, [key_value, item], strict=False)))
            loop = "literal"
        else:
            unknown = {param: Value("dynamic", param, block.span) for param in params}
            bindings.append(unknown)
            loop = "dynamic"
        # The receiver itself runs once, at the loop's own context.
        stack.append((receiver, ctx))
        for index, binding in reversed(list(enumerate(bindings))):
            inner = replace(
                ctx,
                env={**ctx.env, **binding},
                loop=ctx.loop if ctx.loop == "dynamic" else loop,
                record=ctx.record and index == 0,
            )
            stack.append((block, inner))

    def _resource(
        self, node: RubyNode, name: str, ctx: _Context, stack: list[tuple[RubyNode, _Context]]
    ) -> None:
        args = _args_values(node, ctx.env)
        resource = Resource(
            type=name,
            name=args[0] if args else None,
            span=node.span,
            conditional=ctx.conditional,
            loop=ctx.loop,
            action_block=ctx.action,
            file_kind=self.kind,
        )
        block = _block_of(node)
        if block is not None:
            resource.properties = _properties(block, ctx.env)
        end_line, end_column = node.end_line, node.end_column
        for inner in walk(node):
            body = inner.heredoc_body if inner.type == "heredoc_beginning" else None
            if body is not None and (body.end_line, body.end_column) > (end_line, end_column):
                end_line, end_column = body.end_line, body.end_column
        resource.span = Span(node.line, node.column, end_line, end_column)
        self.doc.resources.append(resource)
        if resource.span.end_line > self.doc.ends.get(node.line, node.line):
            self.doc.ends[node.line] = resource.span.end_line
        # Still look inside for compile-time shell-outs and node writes: a resource block runs
        # at compile time, while the blocks inside it (guards, lazy, ruby_block) run later.
        children = [child for child in node.children if child is not block]
        if block is not None:
            children.extend(block.children)
        self._push_children(node, children, replace(ctx, in_resource=True), stack)


def _properties(block: RubyNode, env: dict[str, Value]) -> list[Property]:
    """Property calls in a resource block, including those under Ruby conditionals in it."""
    result: list[Property] = []
    stack: list[tuple[RubyNode, bool]] = [
        (child, False) for child in reversed(_block_statements(block))
    ]
    while stack:
        node, conditional = stack.pop()
        if node.type == "call" and node.child("receiver") is None:
            method = node.child("method")
            if method is None or method.type != "identifier":
                continue
            inner_block = _block_of(node)
            result.append(
                Property(
                    name=method.text,
                    args=_args_values(node, env),
                    span=node.span,
                    has_block=inner_block is not None,
                    block_string=_block_result_string(inner_block, env) if inner_block else None,
                    conditional=conditional,
                )
            )
        elif node.type in ("identifier",) and node.text in ("sensitive",):
            result.append(Property(node.text, [], node.span, conditional=conditional))
        elif node.type in CONDITIONAL_TYPES or node.type in (
            "then",
            "else",
            "elsif",
            "when",
            "begin",
            "parenthesized_statements",
        ):
            children = [c for c in node.children if c.field != "condition"]
            stack.extend((child, True) for child in reversed(children))
        elif node.type == "assignment":
            continue
    return result


def _block_result_string(block: RubyNode, env: dict[str, Value]) -> Value | None:
    """The string literal a guard block ends with (`not_if { 'cmd' }`), if any."""
    statements = [c for c in _block_statements(block) if c.named and c.type != "comment"]
    if not statements:
        return None
    last = statements[-1]
    if last.type in ("string", "chained_string", "heredoc_beginning"):
        return _evaluate(last, env)
    return None


# --------------------------------------------------------------------------- other files


def _top_calls(tree: RubyTree) -> list[RubyNode]:
    """Receiver-less calls anywhere outside ERROR regions (Berksfile `group` blocks included)."""
    assert tree.root is not None
    found = []
    stack = [tree.root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR":
            continue
        bare_word = (
            node.type == "identifier"
            and node.parent is not None
            and node.parent.type in ("program", "body_statement", "block_body")
        )
        if bare_word or (node.type == "call" and node.child("receiver") is None):
            found.append(node)
        stack.extend(reversed(node.children))
    return found


def _read_cookbook_file(tree: RubyTree, doc: ChefDocument) -> None:
    for call in _top_calls(tree):
        name = call.text if call.type == "identifier" else _method_name(call)
        args = _args_values(call, {}) if call.type == "call" else []
        if doc.kind == "metadata" and name == "depends" and args and args[0].string:
            constraint = args[1].string if len(args) > 1 else None
            doc.dependencies.append(Dependency(name, args[0].string, constraint, {}, call.span))
        elif doc.kind in ("berksfile", "policyfile") and name == "cookbook" and args:
            cookbook = args[0].string or args[0].source
            constraint = next((a.string for a in args[1:] if a.kind == "string"), None)
            options = dict(args[-1].literal) if args[-1].kind == "hash" else {}
            doc.dependencies.append(Dependency(name, cookbook, constraint, options, call.span))
        elif doc.kind == "policyfile" and name in ("run_list", "named_run_list"):
            for value in args[1:] if name == "named_run_list" else args:
                shown = value.text.text if value.text is not None else value.source
                doc.run_list.extend(value.strings() or [shown])
        elif doc.kind == "config" and call.type == "call":
            doc.settings.append(Setting(name, args[0] if args else None, call.span))


def _lockfile_state(doc: ChefDocument) -> None:
    path = doc.source.path
    if doc.kind == "berksfile":
        lock = path.with_name("Berksfile.lock")
    elif doc.kind == "policyfile":
        lock = path.with_name(path.name[: -len(".rb")] + ".lock.json")
    else:
        return
    doc.lockfile = lock.name
    doc.lockfile_present = _exists(lock)
    doc.library_reason = _library_reason(doc, lock)


def _exists(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


TEST_COOKBOOK = re.compile(r"(^|[_-])(test|tests|fixture|fixtures)([_-]|$)")


def _run_list_is_test_only(run_list: list[str]) -> bool:
    cookbooks = []
    for entry in run_list:
        item = entry.strip()
        match = re.fullmatch(r"(?:recipe|role)\[(.+)\]", item)
        item = match.group(1) if match else item
        cookbooks.append(item.split("::", 1)[0].split("@", 1)[0])
    return bool(cookbooks) and all(TEST_COOKBOOK.search(name) for name in cookbooks)


def _library_reason(doc: ChefDocument, lock: Path) -> str | None:
    policyfile: ChefDocument | None = doc if doc.kind == "policyfile" else None
    sibling = lock.with_name("Policyfile.rb")
    if policyfile is None and _exists(sibling):
        text = _read_beside(sibling) or ""
        policyfile = ChefDocument(
            SourceFile(sibling, sibling.name, text, "chef"), kind="policyfile"
        )
        _read_cookbook_file(parse_ruby(text), policyfile)
    if policyfile is not None and _run_list_is_test_only(policyfile.run_list):
        return "its Policyfile run list only names test cookbooks"
    ignored_by = _gitignored(lock)
    if ignored_by is not None:
        return f"{ignored_by} ignores {lock.name}"
    return None


MAX_BESIDE_BYTES = 1_000_000  # a Policyfile.rb or .gitignore read beside a lock file


def _read_beside(path: Path) -> str | None:
    """A regular file in its own directory, never through a symbolic link (which could lead out
    of the scanned tree, or to /dev/zero), within MAX_BESIDE_BYTES; None when refused."""
    from infralint import reader

    roots = (os.path.realpath(path.parent),)
    return reader.read_text_or_none(path, roots, MAX_BESIDE_BYTES, follow_links=False)


def _gitignored(path: Path) -> str | None:
    """The .gitignore (in the file's folder or above, up to the repository root) that ignores
    `path`, if any."""
    from infralint.gitignore import gitignore_spec

    folder = path.parent
    for _ in range(12):
        ignore = folder / ".gitignore"
        if _exists(ignore):
            spec = gitignore_spec((_read_beside(ignore) or "").splitlines())
            try:
                relative = path.relative_to(folder).as_posix()
            except ValueError:
                relative = path.name
            if spec.match_file(relative):
                return (
                    str(ignore.relative_to(path.parent))
                    if ignore.parent == path.parent
                    else ".gitignore"
                )
        if (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
    return None


# --------------------------------------------------------------------------- entry point


def _problems(tree: RubyTree, source: SourceFile) -> list[ParseProblem]:
    """The first syntax problem of the file (later ones are mostly its echoes), with a count."""
    last_line = max(len(source.lines), 1)
    problems: list[ParseProblem] = []
    assert tree.root is not None
    for node in tree.heredocs:
        body = node.heredoc_body
        end = body.children[-1] if body is not None and body.children else None
        if body is None or end is None or end.type != "heredoc_end" or not end.text:
            problems.append(ParseProblem(f"Ruby heredoc {node.text} is never closed", node.span))
    for span in tree.errors:
        line = min(span.line, last_line)
        excerpt = " ".join(source.line(line).split())
        excerpt = excerpt if len(excerpt) <= 40 else excerpt[:37] + "..."
        column = min(span.column, len(source.line(line)) + 1) if span.line <= last_line else 1
        problems.append(ParseProblem(f"Ruby syntax error near `{excerpt}`", Span(line, column)))
    if not problems:
        return []
    problems.sort(key=lambda p: (p.span.line, p.span.column))
    first = problems[0]
    more = len({p.span.line for p in problems} - {first.span.line})
    if more:
        first = ParseProblem(f"{first.message} ({more} more after it)", first.span)
    return [first]


def parse(source: SourceFile) -> ChefDocument:
    """Read one cookbook file. Raises only ParseError (for input that is not text)."""
    if "\0" in source.text[:8192]:
        raise ParseError("binary file, not Ruby")
    kind = file_kind(PurePosixPath(source.display_path.replace("\\", "/")))
    doc = ChefDocument(source, kind)
    if kind in ("berksfile-lock", "policyfile-lock"):
        return doc
    try:
        tree = parse_ruby(source.text)
    except (ValueError, MemoryError) as error:  # tree-sitter refusing input
        raise ParseError(f"cannot parse Ruby: {error}") from None
    if tree.root is None:
        return doc
    try:
        doc.problems = _problems(tree, source)
        if kind in DSL_KINDS:
            _Reader(tree, kind, doc).run()
        elif kind in ("metadata", "berksfile", "policyfile", "config"):
            _read_cookbook_file(tree, doc)
            _lockfile_state(doc)
        elif kind == "library":
            _Reader(tree, kind, doc).run()  # node writes only: no DSL there
    finally:
        tree.release()  # the document keeps what it read, never the syntax tree
    doc.resources.sort(key=lambda r: (r.span.line, r.span.column))
    return doc


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
