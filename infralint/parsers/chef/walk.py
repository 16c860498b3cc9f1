"""The walk over recipe-like files: resources, loops unrolled, guards, shell-outs, node writes."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from infralint.model import Span
from infralint.parsers.chef.calls import (
    _args_values,
    _arguments,
    _block_of,
    _block_params,
    _block_statements,
    _method_name,
)
from infralint.parsers.chef.kinds import DSL_KINDS
from infralint.parsers.chef.model import ChefDocument, NodeWrite, Property, Resource, ShellOut
from infralint.parsers.chef.resource_names import (
    CONDITIONAL_TYPES,
    DEFERRED_TYPES,
    ITERATORS,
    KNOWN_RESOURCES,
    NODE_WRITE_METHODS,
    NOT_RESOURCES,
    SHELL_OUT_METHODS,
    SHELL_OUT_METHODS_WITH_RECEIVER,
    is_package_type,
)
from infralint.parsers.chef.values import Value, _dynamic, _evaluate
from infralint.parsers.ruby import RubyNode, RubyTree, walk

MAX_LOOP_ITEMS = 200  # longer literal arrays are not unrolled
MAX_UNROLLED = 1000  # iterations unrolled per file in all (nested loops multiply)


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
            and name in ("action", "action_class")
            and block is not None
            and self.kind in ("resource", "provider")
        ):
            # The helper methods of `action_class` run inside the actions: their resources are
            # declared at converge time, as an action's are.
            args = _args_values(node, ctx.env) if name == "action" else []
            action = args[0].string if args and args[0].string else "?"
            if name == "action_class":
                action = "action_class"
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
