"""DF529 (copy-ignored-file): COPY or ADD names a source that .dockerignore excludes from the
build context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from infralint.checks.dockerfile._common import copy_sources_and_dest
from infralint.model import Violation
from infralint.parsers.dockerfile import DockerfileDocument
from infralint.registry import CheckContext, check

_WILDCARDS = frozenset("*?[")
_ROOT_PATTERNS = frozenset(["*", "**", "**/*"])


@check("DF529")
def copy_ignored_file(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    if ctx.project is None or not document.source.path.is_absolute():
        return
    found = ctx.project.dockerignore_for(document.source.path)
    if found is None:
        return
    ignore_file, patterns = found[0], tuple(found[1])
    if any(pattern.startswith("!") for pattern in patterns):
        return  # re-included files cannot be told apart without the context on disk
    from infralint.dockerignore import clean, excluded_by

    shown = _shown(ignore_file, document.source.path)
    root_excluded = bool(_ROOT_PATTERNS & set(patterns))
    for instruction in document.all_instructions():
        if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
            continue
        sources, _ = copy_sources_and_dest(instruction)
        for token in sources:
            path = _matchable(token.text)
            if path is None:
                continue
            if clean(path) == "." and not root_excluded:
                continue
            pattern = excluded_by(patterns, path)
            if pattern is not None:
                yield Violation(
                    token.span,
                    f"{instruction.keyword} source '{token.text}' is excluded by pattern "
                    f"'{pattern}' of {shown}: it is not in the build context",
                )


def _matchable(source: str) -> str | None:
    """The part of a source that can be matched: up to its first wildcard component; None for
    URLs, git sources and variables (their value is not known here)."""
    if "$" in source or "://" in source or source.startswith("git@"):
        return None
    parts = source.replace("\\", "/").split("/")
    fixed: list[str] = []
    for part in parts:
        if _WILDCARDS & set(part):
            return "/".join(fixed) if fixed and fixed != [""] else None
        fixed.append(part)
    return source


def _shown(ignore_file: Path, dockerfile: Path) -> str:
    try:
        return ignore_file.relative_to(dockerfile.parent).as_posix()
    except ValueError:
        return ignore_file.name
