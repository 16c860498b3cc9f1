"""Helpers shared by several structural Dockerfile rules (base images, stages, ARGs)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from infralint.model import Span
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, Stage, Token
from infralint.parsers.image_ref import ImageRef, looks_like_image_reference
from infralint.registry import CheckContext


class Resolution(NamedTuple):
    """One way the file is built: its stages, and where build args came from (None: defaults)."""

    stages: list[Stage]
    origin: str | None


def resolutions(document: DockerfileDocument, ctx: CheckContext) -> list[Resolution]:
    """The stage lists to judge: one per compose service building this file, else the defaults."""
    links = ctx.project.links_to(document.source.path) if ctx.project else []
    found: list[Resolution] = []
    for link in links:
        origin = f"{link.compose_path.name} service '{link.service}' build.args"
        found.append(Resolution(document.resolve_stages(link.args, origin), origin))
    return found or [Resolution(document.stages, None)]


def option_list(ctx: CheckContext, name: str) -> list[str]:
    """A list option of the rule (the config layer fills its default from the rule document)."""
    value = ctx.options[name]
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


def provenance(stage: Stage) -> str:
    """`(from ARG BASE, ARG default line 1)` for a FROM that used ARGs, else ''."""
    if not stage.resolved_from:
        return ""
    parts = [f"ARG {name}: {origin}" for name, origin in stage.resolved_from.items()]
    return f" (resolved from {'; '.join(parts)})"


def image_matches(ref: ImageRef, patterns: Sequence[str]) -> bool:
    """An image matches `ubuntu`, `docker.io/library/ubuntu`, `ghcr.io/org/*`, `*:nonroot`."""
    names = {ref.raw, ref.name, ref.repository}
    if ref.registry is None:
        names |= {f"docker.io/{ref.repository}", f"docker.io/library/{ref.repository}"}
    return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in patterns)


def registry_matches(registry: str, patterns: Sequence[str]) -> bool:
    """hadolint's matching: `*` any, `*.example.com` suffix, `registry.*` prefix, else exact."""
    for pattern in patterns:
        if pattern == "*":
            return True
        if pattern.startswith("*") and registry.endswith(pattern[1:]):
            return True
        if pattern.endswith("*") and registry.startswith(pattern[:-1]):
            return True
        if registry == pattern:
            return True
    return False


def stage_by_reference(document: DockerfileDocument, reference: str) -> Stage | None:
    """The stage a `--from` names, by alias (case-insensitive) or index, anywhere in the file."""
    if reference.isdigit():
        index = int(reference)
        return document.stages[index] if index < len(document.stages) else None
    return document.stage_named(reference)


def copy_sources_and_dest(instruction: Instruction) -> tuple[list[Token], Token | None]:
    """COPY/ADD sources (heredoc markers excluded) and the destination."""
    tokens = instruction.arguments()
    if not tokens:
        return [], None
    markers = {doc.marker_span for doc in instruction.heredocs}
    sources = [token for token in tokens[:-1] if token.span not in markers]
    return sources, tokens[-1]


def mount_froms(instruction: Instruction) -> list[tuple[str, Span]]:
    """`from=` values of RUN --mount flags."""
    found: list[tuple[str, Span]] = []
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        for part in flag.value.split(","):
            key, _, value = part.partition("=")
            if key.strip().lower() == "from" and value:
                found.append((value.strip(), flag.span))
    return found


def copy_from_images(document: DockerfileDocument) -> Iterator[tuple[Instruction, str, Span]]:
    """`COPY --from=<image>` and `RUN --mount from=<image>` that name images, not stages."""
    for instruction in document.instructions:
        references: list[tuple[str, Span]] = []
        if instruction.keyword in ("COPY", "ADD"):
            flag = instruction.flag("from")
            if flag is not None and flag.value:
                references.append((flag.value, flag.span))
        elif instruction.keyword == "RUN":
            references.extend(mount_froms(instruction))
        for reference, span in references:
            if "$" in reference or stage_by_reference(document, reference) is not None:
                continue
            if looks_like_image_reference(reference):
                yield instruction, reference, span


WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:([\\/]|$)")


def is_absolute_path(path: str) -> bool:
    return path.startswith(("/", "$", "\\")) or WINDOWS_ABSOLUTE.match(path) is not None


def _unquoted_value(instruction: Instruction) -> str:
    return instruction.value.strip().strip("'\"")


def _repeated(document: DockerfileDocument, keyword: str) -> Iterator[tuple[Instruction, int]]:
    for stage in document.stages:
        first: Instruction | None = None
        for instruction in stage.instructions:
            if instruction.keyword != keyword:
                continue
            if first is not None:
                yield instruction, first.line
            else:
                first = instruction


def _from_references(document: DockerfileDocument) -> Iterator[tuple[Instruction, str, Span]]:
    for instruction in document.instructions:
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        flag = instruction.flag("from")
        if flag is not None and flag.value and "$" not in flag.value:
            yield instruction, flag.value, flag.span


def _names_current_stage(document: DockerfileDocument, instruction: Instruction, ref: str) -> bool:
    stage = document.stage_of(instruction)
    if stage is None:
        return False
    if ref.isdigit():
        return int(ref) == stage.index
    return stage.name is not None and stage.name.lower() == ref.lower()


# BuildKit defines these ARGs in the global scope of every build (their values depend on the
# platforms of the build).
AUTOMATIC_PLATFORM_ARGS = frozenset(
    {
        *("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"),
        *("BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"),
    }
)
