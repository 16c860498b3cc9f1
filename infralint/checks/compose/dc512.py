"""DC512 env-file-missing: A required env_file does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.compose import ComposeDocument
from infralint.project_links import env_files
from infralint.registry import CheckContext, check


@check("DC512")
def env_file_missing(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    if ctx.project is None or not document.source.path.is_absolute():
        return
    kinds = ctx.project.path_kinds  # what the link stage found; a path not there is not judged
    for entry in env_files(document):
        if not entry.required or entry.path is None:
            continue
        kind = kinds.get(str(entry.path))
        if kind is None or kind == "file" or ctx.project.gitignored.get(str(entry.path)):
            continue
        what = "is a directory" if kind == "dir" else "does not exist"
        yield Violation(
            entry.node.span,
            f"service '{entry.service}' env_file '{entry.text}' {what}: compose refuses to "
            "start the service (mark the entry required: false if the file is optional)",
        )
