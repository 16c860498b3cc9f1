"""DC513 depends-on-cycle: Services depend on each other in a cycle."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument, iter_scalars
from infralint.parsers.yaml_model import Mapping, Node, Sequence
from infralint.registry import CheckContext, check


@check("DC513")
def depends_on_cycle(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    edges: dict[str, list[tuple[str, Node]]] = {}
    for service in document.services:
        edges.setdefault(service.name, []).extend(_dependencies(service.get("depends_on")))
    reported: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start, first in edges.items():
        if state.get(start):
            continue
        # Iterative depth-first search: a chain of thousands of services must not recurse.
        path: list[str] = [start]
        stack: list[Iterator[tuple[str, Node]]] = [iter(first)]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            target, node = step
            if target not in edges:
                continue  # DC503's finding
            if state.get(target) == 1:
                cycle = path[path.index(target) :]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    shown = " -> ".join([*cycle, target])
                    yield Violation(
                        node.span,
                        f"depends_on cycle: {shown} (compose cannot decide which to start "
                        "first and refuses the file)",
                    )
            elif not state.get(target):
                state[target] = 1
                path.append(target)
                stack.append(iter(edges[target]))


def _dependencies(node: Node | None) -> Iterator[tuple[str, Node]]:
    if isinstance(node, Sequence):
        for item in iter_scalars(node):
            yield item.text, item
    elif isinstance(node, Mapping):
        for entry in node.entries:
            yield entry.key, entry.key_node
