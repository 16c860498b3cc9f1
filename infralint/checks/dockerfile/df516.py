"""DF516 (useradd-long-uid): useradd with a large UID and without -l creates huge sparse log
files.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._scripts import _commands, _runs
from infralint.model import Fix, Violation
from infralint.parsers.commands import arguments, unwrap
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


@check("DF516")
def useradd_long_uid(document: DockerfileDocument, context: CheckContext) -> Iterator[Violation]:
    for instruction in _runs(document):
        for raw in _commands(instruction):
            command = unwrap(raw)
            if command.program != "useradd" or command.name is None:
                continue
            parsed = arguments(command)
            if parsed.has("l", "no-log-init"):
                continue
            uids = parsed.get("u", "uid")
            if not uids or uids[-1].value is None or not uids[-1].value.isdigit():
                continue
            uid = uids[-1]
            holder = uid.value_holder
            if holder is not None and not holder.static:
                continue
            if int(uid.value or "0") < 100000:
                continue
            name = command.name
            yield Violation(
                holder.span if holder else name.span,
                f"useradd -u {uid.value} without -l writes huge sparse lastlog/faillog "
                "entries into the image: add -l (--no-log-init)",
                fix=Fix(name.span, f"{name.raw} -l", safe=True),
            )
