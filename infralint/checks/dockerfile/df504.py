"""DF504 (copy-dest-not-directory): COPY or ADD with several sources has a destination that does
not end in /.
"""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check


def _ends_like_directory(dest: str, escape: str) -> bool:
    # A trailing backslash is a directory on Windows: `C:\\dir\\` or, under escape=`, `C:\dir\`.
    return dest.endswith(("/", "\\"))


@check("DF504")
def copy_dest_not_directory(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        tokens = instruction.arguments()
        if len(tokens) < 3:
            continue
        dest = tokens[-1]
        if not _ends_like_directory(dest.text, instruction.escape):
            yield Violation(
                dest.span,
                f"{instruction.keyword} of {len(tokens) - 1} sources needs a directory "
                f"destination ending in '/': '{dest.text}/'",
            )
