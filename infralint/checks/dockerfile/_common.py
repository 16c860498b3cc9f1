"""Helpers shared by several structural Dockerfile rules (base images, stages, ARGs)."""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterator, Sequence
from itertools import islice
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
# Other ARGs the builder knows without a declaration: the proxy variables, BuildKit's own
# switches, and SOURCE_DATE_EPOCH. They have a value only when the build passes one.
PREDEFINED_ARGS = frozenset(
    {
        *("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy"),
        *("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "SOURCE_DATE_EPOCH"),
        *("BUILDKIT_CACHE_MOUNT_NS", "BUILDKIT_CONTEXT_KEEP_GIT_DIR", "BUILDKIT_INLINE_CACHE"),
        *("BUILDKIT_MULTI_PLATFORM", "BUILDKIT_SANDBOX_HOSTNAME", "BUILDKIT_SYNTAX"),
        *("BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE", "BUILDKIT_DOCKERFILE_CHECK"),
    }
)


class VariableUse(NamedTuple):
    """One `$NAME` or `${NAME...}` in a word the builder expands."""

    name: str
    start: int  # offsets of the whole reference in the text
    end: int
    has_default: bool  # `${NAME:-word}`, `${NAME-word}`: defined by its default when unset
    conditional: bool  # `${NAME:+word}`, `${NAME+word}`: nothing when unset


def variable_uses(text: str, escape: str = "\\") -> list[VariableUse]:
    """The variables a builder-expanded word refers to, as BuildKit's lexer finds them: the
    escape character and single quotes keep `$` literal."""
    uses: list[VariableUse] = []
    i, n = 0, len(text)
    single = double = False
    while i < n:
        char = text[i]
        if char == escape and not single:
            i += 2
            continue
        if char == "'" and not double:
            single = not single
        elif char == '"' and not single:
            double = not double
        if char != "$" or single or i + 1 >= n:
            i += 1
            continue
        if text[i + 1] == "{":
            close = text.find("}", i + 2)
            if close < 0:
                return uses
            inner = text[i + 2 : close]
            j = 0
            while j < len(inner) and (inner[j].isalnum() or inner[j] == "_"):
                j += 1
            operator = inner[j : j + 2]
            # `${name:x}` is no expansion BuildKit knows (devcontainer templates use it): the
            # builder rejects the file, so no variable is judged there.
            if j and (not operator or operator[0] in "-+?" or operator[:2] in (":-", ":+", ":?")):
                uses.append(
                    VariableUse(
                        inner[:j],
                        i,
                        close + 1,
                        operator.startswith(("-", ":-")),
                        operator.startswith(("+", ":+")),
                    )
                )
            i = close + 1
            continue
        j = i + 1
        while j < n and (text[j].isalnum() or text[j] == "_"):
            j += 1
        if j > i + 1 and not text[i + 1].isdigit():
            uses.append(VariableUse(text[i + 1 : j], i, j, False, False))
        i = max(j, i + 1)
    return uses


class Suggestions:
    """Spelling suggestions, bounded: each compares against few names, and a file gets a limited
    number of them (a file of thousands of undefined names must not cost names x uses)."""

    BUDGET = 200
    CANDIDATES = 500

    def __init__(self) -> None:
        self.left = self.BUDGET

    def near(self, name: str, groups: list[set[str]]) -> str | None:
        if self.left <= 0:
            return None
        self.left -= 1
        near_length = (
            other for group in groups for other in group if abs(len(other) - len(name)) <= 2
        )
        candidates = list(islice(near_length, self.CANDIDATES))
        close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.8)
        return close[0] if close else None
