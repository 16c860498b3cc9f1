"""CB208 persistent-node-attributes: node.normal, node.set or node.save persist attributes in the
node object."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _violation
from infralint.model import Violation
from infralint.parsers.chef import ChefDocument
from infralint.registry import CheckContext, check


@check("CB208")
def persistent_node_attributes(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for write in doc.node_writes:
        what = (
            "saves the node object from the recipe"
            if write.form == "node.save"
            else "sets a normal attribute that persists in the node object across runs"
        )
        yield _violation(write.span, f"`{write.form}` {what}")
