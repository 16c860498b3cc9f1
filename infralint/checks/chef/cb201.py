"""CB201 script-without-guard: A script resource has no not_if/only_if/creates guard and runs on
every converge."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _name, _resources, _violation
from infralint.model import Severity, Violation
from infralint.parsers.chef import SCRIPT_TYPES, ChefDocument
from infralint.registry import CheckContext, check

RUBY_GUARDS = {"if", "unless", "case", "ternary", "return"}
CONSTRUCT_WORDS = {
    "if": "a Ruby `if`",
    "unless": "a Ruby `unless`",
    "case": "a Ruby `case`",
    "ternary": "a Ruby `?:`",
    "return": "an earlier `return`/`next`",
}


@check("CB201")
def script_without_guard(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type not in SCRIPT_TYPES or resource.guards:
            continue
        actions = resource.actions
        if "nothing" in actions or "?" in actions:
            continue  # runs only when notified (or the action is not known)
        label = _name(resource)
        if resource.conditional in RUBY_GUARDS:
            construct = CONSTRUCT_WORDS[resource.conditional]
            when = (
                "that Ruby runs each time the custom resource's action runs; make sure it tests "
                "what the command changes"
                if resource.action_block is not None
                else "that check happens at compile time, not before each run"
            )
            yield _violation(
                resource.head,
                f"{label} has no not_if/only_if/creates; only {construct} decides whether it "
                f"runs (a note: {when})",
                severity=Severity.NOTE,
            )
            continue
        yield _violation(
            resource.head,
            f"{label} has no not_if/only_if/creates guard and runs on every converge",
        )
