"""The walk that turns a tree-sitter-bash tree into commands, in bash's precedence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infralint.model import ParseProblem, Span
from infralint.parsers.shell.model import Command, PositionMap, Redirect, Script, Word, _word
from infralint.parsers.shell.words import (
    _EXPANSIONS,
    _unescape_ansi,
    _unescape_double,
    _unescape_unquoted,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from infralint.parsers._treesitter import OffsetConverter


# Command substitutions nested deeper are not read (their text stays in the word that holds
# them): each level's words hold all the levels inside, so reading n levels made n words of
# up to n levels each, quadratic in time and memory. Real scripts nest a few levels.
MAX_SUBSTITUTION_DEPTH = 32


# ------------------------------------------------------------------------------ the walk

# Node types that are items of a list (a group of commands with its own operators inside).
_GROUPS = frozenset(
    {
        "subshell",
        "compound_statement",
        "if_statement",
        "elif_clause",
        "else_clause",
        "while_statement",
        "for_statement",
        "c_style_for_statement",
        "case_statement",
        "case_item",
        "do_group",
        "function_definition",
    }
)
_COMMANDS = frozenset({"command", "declaration_command", "unset_command", "test_command"})
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
_OPERATORS = frozenset({"&&", "||", "|", "|&", ";", "&", ";;", ";&", ";;&"})
# Nodes that can hold a command substitution somewhere inside a word.
_SCANNED = frozenset(
    {
        "string",
        "concatenation",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
        "translated_string",
        "array",
        "variable_assignment",
        "command_name",
        "binary_expression",
        "unary_expression",
        "parenthesized_expression",
        "ternary_expression",
        "postfix_expression",
        "heredoc_body",
        "subscript",
    }
)
_SCANNED_OR_REDIRECT = _SCANNED | _REDIRECTS
_WORDISH = _SCANNED | frozenset(
    {"word", "raw_string", "number", "simple_expansion", "ansi_c_string", "brace_expression"}
)

_TEST_EXPRESSIONS = frozenset(
    {
        "binary_expression",
        "unary_expression",
        "parenthesized_expression",
        "ternary_expression",
        "postfix_expression",
        "negated_expression",
    }
)

_STATEMENT, _SCAN, _CLOSE = 0, 1, 2


class _Group:
    """A compound command seen as one item of its list."""

    __slots__ = ("connector", "end", "scope", "start")

    def __init__(self, start: int, scope: int, connector: str | None) -> None:
        self.start = start
        self.end: int | None = None  # set when the group closes
        self.scope = scope
        self.connector = connector


class _Level:
    """The list state inside one group (or the top of a script or substitution)."""

    __slots__ = ("first_connector", "group", "last", "orphans", "pending", "pipe")

    def __init__(self, first_connector: str | None, group: _Group | None) -> None:
        self.first_connector = first_connector
        self.group = group
        self.pending: str | None = None
        self.last: Command | _Group | None = None
        self.pipe: list[Command | _Group] = []
        self.orphans: list[Redirect] = []


class _Walker:
    def __init__(self, script: Script, converter: OffsetConverter, origin: PositionMap) -> None:
        self.script = script
        self.conv = converter
        self.data = converter.data
        self.text = script.text
        self.ascii = len(converter.data) == len(script.text)
        self.origin = origin
        self.scopes: list[int] = []  # the scope of each command in script.commands
        self.levels: dict[int, list[_Level]] = {}
        self.next_scope = 0

    # -- helpers ---------------------------------------------------------------------------

    def may_run(self, node: Node) -> bool:
        """The node's text could hold a command substitution (`$(`, `<(`, `>(` or a backtick);
        most words cannot, and need no walk."""
        data, start, end = self.data, node.start_byte, node.end_byte
        return data.find(b"(", start, end) >= 0 or data.find(b"`", start, end) >= 0

    def span(self, node: Node) -> Span:
        if self.ascii:
            return self.origin.span(node.start_byte, node.end_byte)
        return self.origin.span(self.conv.char(node.start_byte), self.conv.char(node.end_byte))

    def where(self, node: Node) -> tuple[PositionMap, int, int]:
        """The node's place, for a span made when first asked for (Command.span)."""
        if self.ascii:
            return self.origin, node.start_byte, node.end_byte
        return self.origin, self.conv.char(node.start_byte), self.conv.char(node.end_byte)

    def raw(self, node: Node) -> str:
        # ASCII text: byte offsets are character offsets, slice the str directly.
        if self.ascii:
            return self.text[node.start_byte : node.end_byte]
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def word(self, node: Node, kind: str | None = None) -> Word:
        start, end = node.start_byte, node.end_byte
        if self.ascii:
            raw = self.text[start:end]
        else:
            raw = self.data[start:end].decode("utf-8", "replace")
        if kind is None:
            kind = node.type
        # Most words, and most command names, are plain: no quotes, nothing to expand.
        if kind == "word" or (kind == "command_name" and self.plain_name(node, start, end)):
            text, static = raw if "\\" not in raw else _unescape_unquoted(raw), True
        else:
            text, static = self.value(node, kind, raw)
        if not self.ascii:
            start, end = self.conv.char(start), self.conv.char(end)
        return _word(text, raw, static, start, end, self.origin)

    @staticmethod
    def plain_name(node: Node, start: int, end: int) -> bool:
        """A command name that is one plain word (`apt-get`): its value is that word's."""
        inner = node.children
        if len(inner) != 1:
            return False
        child = inner[0]
        return child.start_byte == start and child.end_byte == end and child.type == "word"

    def value(self, node: Node, kind: str, raw: str) -> tuple[str, bool]:
        """A word's text with quotes removed, and whether it is static (no Word is built: the
        pieces of a concatenation only contribute their text)."""
        if kind == "word":
            return _unescape_unquoted(raw), True
        if kind == "raw_string":
            return raw[1:-1], True
        if kind in ("string", "translated_string"):
            return self._string(node, raw)
        if kind == "ansi_c_string":
            return _unescape_ansi(raw[2:-1]), True
        if kind == "concatenation":
            parts: list[str] = []
            static = True
            for child in node.children:
                text, piece_static = self.value(child, child.type, self.raw(child))
                parts.append(text)
                static = static and piece_static
            return "".join(parts), static
        if kind == "command_name":
            inner = node.children
            if len(inner) != 1 or not inner[0].is_named:
                inner = node.named_children
            if len(inner) == 1:
                return self.value(inner[0], inner[0].type, self.raw(inner[0]))
            return raw, True
        if kind in _EXPANSIONS:
            return raw, False
        return raw, True

    def _string(self, node: Node, raw: str) -> tuple[str, bool]:
        start = 2 if raw.startswith("$") else 1
        inner = raw[start:-1] if raw.endswith('"') and len(raw) > start else raw[start:]
        # (`children`, not `named_children`: the quotes are no expansions, and it is cheaper)
        static = not any(child.type in _EXPANSIONS for child in node.children)
        return _unescape_double(inner), static

    def new_scope(self, in_substitution: bool, depth: int = 0) -> int:
        scope = self.next_scope
        self.next_scope += 1
        self.levels[scope] = [_Level(None, None)]
        self.depths[scope] = depth
        if in_substitution:
            self.substitution_scopes.add(scope)
        return scope

    substitution_scopes: set[int]
    depths: dict[int, int]  # per scope: how many substitutions it is nested in
    cut_deep: bool  # a substitution was left unread for its depth

    def too_deep(self, node: Node) -> None:
        """Leave a substitution nested past the limit unread, and say so once."""
        if not self.cut_deep:
            self.cut_deep = True
            message = (
                f"command substitutions nested over {MAX_SUBSTITUTION_DEPTH} levels: "
                "the deeper ones are not read"
            )
            self.script.problems.append(ParseProblem(message, self.span(node)))

    def commands_of(self, item: Command | _Group) -> list[Command]:
        if isinstance(item, Command):
            return [item]
        # A group still open (end None) holds every command read so far; close_group sets its
        # end once, where updating every open group per command cost n commands x n levels.
        commands = self.script.commands[item.start : item.end]
        scopes = self.scopes[item.start : item.end]
        return [
            command for command, scope in zip(commands, scopes, strict=True) if scope == item.scope
        ]

    # -- list structure --------------------------------------------------------------------

    def begin_item(self, scope: int, item: Command | _Group) -> str | None:
        level = self.levels[scope][-1]
        if level.last is None and level.pending is None:
            connector = level.first_connector
        else:
            connector = level.pending or "\n"
        if level.pending in ("|", "|&") and level.pipe:
            level.pipe.append(item)
        else:
            self.flush(level)
            level.pipe = [item]
        level.pending = None
        level.last = item
        return connector

    def flush(self, level: _Level) -> None:
        if not level.pipe:
            return
        if len(level.pipe) > 1:
            members = [self.commands_of(item) for item in level.pipe]
            pipeline_id = next((cmds[0].pipeline for cmds in members if cmds), None)
            if pipeline_id is not None:
                length = len(level.pipe)
                for index, commands in enumerate(members):
                    for command in commands:
                        if command.pipe_length == 1:
                            command.pipeline = pipeline_id
                            command.pipe_index = index
                            command.pipe_length = length
        level.pipe = []

    def operator(self, scope: int, op: str) -> None:
        level = self.levels[scope][-1]
        if op == "&":
            for item in level.pipe:
                for command in self.commands_of(item):
                    command.background = True
        if op not in ("|", "|&"):
            self.flush(level)
        level.pending = op

    def attach(self, scope: int, redirect: Redirect, extra: list[Word]) -> None:
        self.script.redirects.append(redirect)
        level = self.levels[scope][-1]
        target = level.last if level.pending is None else None
        if target is None:
            level.orphans.append(redirect)  # `> f cmd`: belongs to the next command
            return
        if isinstance(target, Command):
            target.redirects.append(redirect)
            target.args.extend(extra)
            target.span = _cover(target.span, redirect.span)
            return
        for command in self.commands_of(target):
            command.redirects.append(redirect)

    def open_group(self, scope: int, node: Node) -> None:
        group = _Group(len(self.script.commands), scope, None)
        group.connector = self.begin_item(scope, group)
        self.levels[scope].append(_Level(group.connector, group))

    def close_group(self, scope: int) -> None:
        stack = self.levels[scope]
        level = stack.pop()
        self.flush(level)
        if level.group is not None:
            level.group.end = len(self.script.commands)
        if not stack:  # never pops the scope's root level; keep the walk total anyway
            stack.append(level)

    def add_command(self, scope: int, command: Command) -> None:
        level = self.levels[scope][-1]
        command.in_substitution = scope in self.substitution_scopes
        command.pipeline = len(self.script.commands)
        if level.orphans:
            command.redirects[:0] = level.orphans
            level.orphans = []
        command.connector = self.begin_item(scope, command)
        self.script.commands.append(command)
        self.scopes.append(scope)

    # -- nodes -----------------------------------------------------------------------------

    def redirect(self, node: Node) -> tuple[Redirect, list[Word], list[Node]]:
        """The redirection, words that are really arguments of the command (tree-sitter reads
        `cmd >f arg` as two destinations), and children to walk as statements (heredocs)."""
        operator = ""
        fd: int | None = None
        target: Word | None = None
        extra: list[Word] = []
        statements: list[Node] = []
        for child in node.children:
            kind = child.type
            if not child.is_named:
                if kind in ("&&", "||", "|", "|&", ";", "&") and node.type == "heredoc_redirect":
                    statements.append(child)
                elif not operator:
                    operator = kind
            elif kind == "file_descriptor":
                text = self.conv.node_text(child)
                fd = int(text) if text.isdigit() else None
            elif kind == "heredoc_start":
                continue
            elif kind == "heredoc_body":
                body = self.word(child)
                target = Word(
                    body.raw, body.raw, None, body.static, offset=body.offset, origin=body.origin
                )
                statements.append(child)
            elif kind == "heredoc_end":
                continue
            elif node.type == "heredoc_redirect":
                statements.append(child)
            elif target is None:
                target = self.word(child)
            else:
                extra.append(self.word(child))
        if node.type == "heredoc_redirect" and operator not in ("<<", "<<-"):
            operator = "<<"
        span = self.span(node)
        if node.type == "heredoc_redirect":
            first = self.conv.char(node.start_byte)
            span = self.origin.span(first, first + len(operator))
        return Redirect(operator, fd, target, span), extra, statements

    def command(self, node: Node) -> tuple[Command, list[Node], list[Node]]:
        """A simple command, the child nodes to scan for substitutions, and nodes to walk as
        statements (what tree-sitter keeps inside a heredoc redirection)."""
        kind = node.type
        name: Word | None = None
        args: list[Word] = []
        assignments: list[tuple[str, Word]] = []
        redirects: list[Redirect] = []
        scan: list[Node] = []
        later: list[Node] = []
        if kind == "command":
            for child in node.children:
                ckind = child.type
                if ckind == "word":  # the common case: a plain argument, nothing inside to scan
                    args.append(self.word(child, ckind))
                    continue
                if ckind == "command_name":
                    name = self.word(child, ckind)
                elif ckind == "variable_assignment":
                    assignments.append(self.assignment(child))
                elif ckind in _REDIRECTS:
                    redirect, extra, statements = self.redirect(child)
                    redirects.append(redirect)
                    self.script.redirects.append(redirect)
                    args.extend(extra)
                    later.extend(statements)
                elif child.is_named and ckind != "comment":
                    args.append(self.word(child, ckind))
                else:
                    continue
                if ckind in _SCANNED_OR_REDIRECT:
                    scan.append(child)
        elif kind == "test_command":
            tokens = [child for child in node.children if child.type not in ("comment",)]
            if tokens and not tokens[0].is_named:
                name = self.word(tokens[0])
                tokens = tokens[1:]
            if tokens and not tokens[-1].is_named and tokens[-1].type in ("]", "]]"):
                tokens = tokens[:-1]
            from infralint.parsers._treesitter import preorder

            for child in tokens:
                for leaf in preorder(child, lambda n: n.type in _TEST_EXPRESSIONS):
                    if leaf.type in _TEST_EXPRESSIONS or leaf.type in ("(", ")"):
                        continue
                    args.append(self.word(leaf))
                    if leaf.type in _SCANNED:
                        scan.append(leaf)
        else:  # declaration_command, unset_command
            for child in node.children:
                if not child.is_named:
                    if name is None:
                        name = self.word(child)
                    continue
                if child.type == "variable_assignment":
                    variable, value = self.assignment(child)
                    raw = self.conv.node_text(child)
                    start = self.conv.char(child.start_byte)
                    text = f"{variable}={value.text}"
                    args.append(
                        Word(text, raw, None, value.static, offset=start, origin=self.origin)
                    )
                    scan.append(child)
                elif child.type != "comment":
                    args.append(self.word(child))
                    if child.type in _SCANNED:
                        scan.append(child)
        if kind == "command" and len(args) > 1:
            args = _rejoin_split_words(args)
        command = Command(name, args, self.where(node), redirects, assignments)
        return command, scan, later

    def assignment(self, node: Node) -> tuple[str, Word]:
        variable = ""
        value: Word | None = None
        for child in node.children:
            field_name = child.type
            if field_name in ("variable_name", "subscript") and not variable:
                variable = self.conv.node_text(child)
            elif child.is_named and field_name != "comment":
                value = self.word(child)
        if value is None:
            end = self.conv.char(node.end_byte)
            value = Word("", "", None, True, offset=end, origin=self.origin)
        return variable, value

    # -- the walk --------------------------------------------------------------------------

    def run(self, root: Node) -> None:
        self.substitution_scopes = set()
        self.depths = {}
        self.cut_deep = False
        top = self.new_scope(False)
        stack: list[tuple[int, Node | None, int]] = [(_STATEMENT, root, top)]
        push = stack.append
        while stack:
            mode, node, scope = stack.pop()
            if mode == _CLOSE:
                self.close_group(scope)
                continue
            assert node is not None
            kind = node.type
            if mode == _SCAN:
                if kind in ("command_substitution", "process_substitution"):
                    depth = self.depths[scope] + 1
                    if depth > MAX_SUBSTITUTION_DEPTH:
                        self.too_deep(node)
                        continue
                    inner = self.new_scope(True, depth)
                    for child in reversed(node.named_children):
                        push((_STATEMENT, child, inner))
                elif node.child_count:
                    for child in reversed(node.children):
                        if child.type in _SCANNED_OR_REDIRECT:
                            push((_SCAN, child, scope))
                continue
            if kind in _COMMANDS:
                command, scan, later = self.command(node)
                self.add_command(scope, command)
                for child in reversed(later):
                    push((_STATEMENT, child, scope))
                for child in reversed(scan):
                    if self.may_run(child):
                        push((_SCAN, child, scope))
            elif kind in ("variable_assignment", "variable_assignments"):
                pairs = (
                    [self.assignment(node)]
                    if kind == "variable_assignment"
                    else [self.assignment(c) for c in node.named_children]
                )
                self.add_command(scope, Command(None, [], self.where(node), assignments=pairs))
                push((_SCAN, node, scope))
            elif kind in _REDIRECTS:
                redirect, extra, statements = self.redirect(node)
                self.attach(scope, redirect, extra)
                for child in reversed(statements):
                    push((_SCAN if child.type == "heredoc_body" else _STATEMENT, child, scope))
                if kind != "heredoc_redirect":
                    for child in reversed(node.named_children):
                        if child.type in _SCANNED:
                            push((_SCAN, child, scope))
            elif not node.is_named:
                if kind in _OPERATORS:
                    self.operator(scope, kind)
            elif kind in _GROUPS:
                self.open_group(scope, node)
                push((_CLOSE, None, scope))
                self.push_group_children(stack, node, scope)
            elif kind in _WORDISH:
                push((_SCAN, node, scope))
            elif kind != "comment" and node.child_count:
                for child in reversed(node.children):
                    push((_STATEMENT, child, scope))
        for levels in self.levels.values():
            for level in reversed(levels):
                self.flush(level)

    def push_group_children(
        self, stack: list[tuple[int, Node | None, int]], node: Node, scope: int
    ) -> None:
        kind = node.type
        children = node.children
        pushed: list[tuple[int, Node | None, int]] = []
        for index, child in enumerate(children):
            ckind = child.type
            if kind == "function_definition" and ckind == "word" and index == 0:
                continue  # the function's name
            if ckind in ("variable_name",) and kind in ("for_statement", "case_statement"):
                continue
            field_name = node.field_name_for_child(index) if kind != "case_item" else None
            if kind == "case_item" and child.is_named and ckind in _WORDISH:
                pushed.append((_SCAN, child, scope))  # patterns
            elif field_name == "value" and kind in ("for_statement", "case_statement"):
                pushed.append((_SCAN, child, scope))
            else:
                pushed.append((_STATEMENT, child, scope))
        stack.extend(reversed(pushed))


def _cover(first: Span, second: Span) -> Span:
    if (second.end_line, second.end_column) > (first.end_line, first.end_column):
        return Span(first.line, first.column, second.end_line, second.end_column)
    return first


def _rejoin_split_words(args: list[Word]) -> list[Word]:
    """tree-sitter-bash cuts `…/wildfly-$V.tar.gz` after the `-$` into two nodes that touch; a
    shell word ends only at a blank, so touching pieces after a bare `$` are one word."""
    if not any(word.raw.endswith("$") for word in args[:-1]):
        return args
    joined = [args[0]]
    for word in args[1:]:
        left = joined[-1]
        if left.raw.endswith("$") and left.end == word.offset and left.origin is word.origin:
            joined[-1] = Word(
                left.text + word.text,
                left.raw + word.raw,
                None,
                False,
                offset=left.offset,
                origin=left.origin,
                end=word.end,
            )
        else:
            joined.append(word)
    return joined
