"""DF406 (add-instead-of-copy): ADD copies local files or folders that are not archives."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.checks.dockerfile._common import copy_sources_and_dest
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

ARCHIVE_SUFFIXES = (
    *(".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz"),
    *(".tlz", ".tpz", ".txz", ".xz", ".zst", ".tzst"),
)


def is_remote_source(source: str) -> bool:
    return source.startswith(("http://", "https://", "git@", "git://")) or source.endswith(".git")


@check("DF406")
def add_instead_of_copy(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "ADD":
            continue
        sources, _ = copy_sources_and_dest(instruction)
        local = [
            token
            for token in sources
            if not is_remote_source(token.text)
            and not token.text.endswith(ARCHIVE_SUFFIXES)
            and "$" not in token.text
        ]
        if local:
            names = ", ".join(f"'{token.text}'" for token in local)
            yield Violation(
                instruction.keyword_span,
                f"ADD of local {names}: use COPY (ADD is for remote URLs and archives to unpack)",
            )
