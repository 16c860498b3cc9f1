"""CB302 chef-log-to-file: log_location sends the Chef client's log to a file instead of STDOUT."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.chef._common import _resources, _violation
from infralint.model import Span, Violation
from infralint.parsers.chef import ChefDocument, Value
from infralint.registry import CheckContext, check

STDOUT_LIKE = {"STDOUT", "STDERR", "/dev/stdout", "/dev/stderr", "-", ""}


@check("CB302")
def chef_log_to_file(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    candidates: list[tuple[Span, Value | None]] = []
    if doc.kind == "config":
        candidates = [(s.span, s.value) for s in doc.settings if s.key == "log_location"]
    for resource in _resources(doc):
        if resource.type == "chef_client_config":
            prop = resource.setting("log_location")
            if prop is not None:
                candidates.append((prop.span, prop.value))
    for span, value in candidates:
        if value is None or value.kind != "string":
            continue  # STDOUT, :syslog, :win_evt, or something we cannot read
        text = value.text.text if value.text is not None else value.source
        if text.strip() in STDOUT_LIKE:
            continue
        yield _violation(
            span, f"log_location {value.source} writes the Chef log to a file, not STDOUT"
        )
