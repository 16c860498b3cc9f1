"""Structural Dockerfile rules: base images, stages, instruction order and arguments.

The rules that read RUN scripts live in dockerfile_packages.py and dockerfile_commands.py.
Each check is a plain function over the parsed `DockerfileDocument`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from infralint.checks import unique
from infralint.model import Fix, Span, Violation
from infralint.parsers.dockerfile import (
    DockerfileDocument,
    Instruction,
    Stage,
    Token,
    image_span,
)
from infralint.parsers.image_ref import (
    ImageRef,
    is_registry_host,
    looks_like_image_reference,
    parse_image_ref,
)
from infralint.registry import CheckContext, check

DEFAULT_FLOATING_TAGS = (
    "latest",
    "stable",
    "edge",
    "nightly",
    "main",
    "master",
    "mainline",
    "lts",
    "current",
    "rolling",
)


# --------------------------------------------------------------------------- helpers


@dataclass
class Resolution:
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


def option_list(ctx: CheckContext, name: str, default: Sequence[str] = ()) -> list[str]:
    value = ctx.options.get(name, default)
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


def provenance(stage: Stage) -> str:
    """`(from ARG BASE, ARG default line 1)` for a FROM that used ARGs, else ''."""
    if not stage.resolved_from:
        return ""
    parts = [f"ARG {name}: {origin}" for name, origin in stage.resolved_from.items()]
    return f" (resolved from {'; '.join(parts)})"


def is_floating(tag: str, words: Sequence[str]) -> bool:
    lowered = tag.lower()
    floating = {word.lower() for word in words}
    return lowered in floating or lowered.split("-", 1)[0] in floating


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


def stage_instructions(stage: Stage) -> list[Instruction]:
    return stage.instructions


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


# --------------------------------------------------------------------------- DF1xx base images


@check("DF101")
def base_image_untagged(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    found: list[Violation] = []
    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            base = stage.base
            if base is None or base.tag is not None or base.digest is not None:
                continue
            found.append(
                Violation(
                    image_span(stage.from_instruction),
                    f"base image '{base.raw}' has neither tag nor digest{provenance(stage)}; "
                    f"pin it, e.g. '{base.raw}:<version>'",
                )
            )
    yield from unique(found)


@check("DF102")
def base_image_floating_tag(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    words = option_list(ctx, "floating-tags", DEFAULT_FLOATING_TAGS)
    found: list[Violation] = []
    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            base = stage.base
            if base is None or base.tag is None or base.digest is not None:
                continue
            if is_floating(base.tag, words):
                found.append(
                    Violation(
                        image_span(stage.from_instruction),
                        f"base image '{base.raw}' uses the floating tag '{base.tag}'"
                        f"{provenance(stage)}; pin a release tag or a digest",
                    )
                )
    yield from unique(found)


@check("DF103")
def base_image_without_digest(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    allowed_images = option_list(ctx, "allowed-images")
    allowed_registries = option_list(ctx, "allowed-registries")
    found: list[Violation] = []
    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            base = stage.base
            if base is None or base.digest is not None:
                continue
            if image_matches(base, allowed_images) or registry_matches(
                base.effective_registry, allowed_registries
            ):
                continue
            found.append(
                Violation(
                    image_span(stage.from_instruction),
                    f"base image '{base.raw}' is not pinned by digest{provenance(stage)}; "
                    f"append '@sha256:<digest>'",
                )
            )
    yield from unique(found)


@check("DF117")
def untrusted_registry(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    trusted = option_list(ctx, "trusted-registries")
    if not trusted:
        return
    found: list[Violation] = []

    def allowed(ref: ImageRef) -> bool:
        if ref.registry is None:
            return registry_matches("docker.io", trusted) or registry_matches(
                "hub.docker.com", trusted
            )
        return registry_matches(ref.registry, trusted)

    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            base = stage.base
            if base is not None and not allowed(base):
                found.append(
                    Violation(
                        image_span(stage.from_instruction),
                        f"base image '{base.raw}' comes from registry "
                        f"'{base.effective_registry}', which is not trusted "
                        f"(trusted: {', '.join(trusted)})",
                    )
                )
    for instruction, reference, span in copy_from_images(document):
        ref = parse_image_ref(reference)
        if ref is not None and not allowed(ref):
            found.append(
                Violation(
                    span,
                    f"{instruction.keyword} reads from image '{reference}' of registry "
                    f"'{ref.effective_registry}', which is not trusted "
                    f"(trusted: {', '.join(trusted)})",
                )
            )
    yield from unique(found)


@check("DF118")
def copy_from_image_unpinned(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    words = option_list(ctx, "floating-tags", DEFAULT_FLOATING_TAGS)
    for instruction, reference, span in copy_from_images(document):
        ref = parse_image_ref(reference)
        if ref is None or ref.digest is not None:
            continue
        what = "COPY --from" if instruction.keyword != "RUN" else "RUN --mount from="
        if ref.tag is None:
            yield Violation(span, f"{what} image '{reference}' has neither tag nor digest")
        elif is_floating(ref.tag, words):
            yield Violation(span, f"{what} image '{reference}' uses the floating tag '{ref.tag}'")


@check("DF120")
def base_image_unresolvable(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    found: list[Violation] = []
    for resolution in resolutions(document, ctx):
        for stage in resolution.stages:
            if not stage.unresolved:
                continue
            names = ", ".join(stage.unresolved)
            where = f" in {resolution.origin}" if resolution.origin else ""
            found.append(
                Violation(
                    image_span(stage.from_instruction),
                    f"base image '{stage.base_text}' cannot be judged: ARG {names} has no "
                    f"value{where} (give the ARG a default or pass it as a build arg)",
                )
            )
    yield from unique(found)


# --------------------------------------------------------------------------- DF2xx / DF3xx


WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:([\\/]|$)")


def is_absolute_path(path: str) -> bool:
    return path.startswith(("/", "$", "\\")) or WINDOWS_ABSOLUTE.match(path) is not None


def _unquoted_value(instruction: Instruction) -> str:
    return instruction.value.strip().strip("'\"")


@check("DF202")
def relative_workdir(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "WORKDIR" or not instruction.value:
            continue
        path = _unquoted_value(instruction)
        if not is_absolute_path(path):
            yield Violation(
                instruction.value_span(),
                f"WORKDIR '{path}' is relative; it depends on the WORKDIR of the base image "
                f"(use an absolute path such as '/{path.lstrip('./')}')",
            )


@check("DF306")
def healthcheck_missing(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    final = document.final_stage()
    if final is None:
        return
    for stage in final.ancestry():
        if any(i.keyword == "HEALTHCHECK" for i in stage.instructions):
            return
    yield Violation(
        final.from_instruction.keyword_span,
        f"the final stage (FROM {final.base_text}) defines no HEALTHCHECK",
    )


@check("DF307")
def healthcheck_duplicate(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        seen: Instruction | None = None
        for instruction in stage.instructions:
            if instruction.keyword != "HEALTHCHECK":
                continue
            if seen is not None:
                yield Violation(
                    instruction.keyword_span,
                    f"second HEALTHCHECK in the stage (the one on line {seen.line} is ignored)",
                )
            seen = instruction


# --------------------------------------------------------------------------- DF4xx security


ROOT_USER = re.compile(r"^(root|0)(:.*)?$")


@check("DF401")
def root_user(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    final = document.final_stage()
    if final is None:
        return
    for stage in final.ancestry():
        users = [i for i in stage.instructions if i.keyword == "USER"]
        if users:
            last = users[-1]
            user = _unquoted_value(last)
            if ROOT_USER.match(user):
                yield Violation(
                    last.value_span(),
                    f"the final stage runs as '{user}': the last USER is root",
                )
            return


@check("DF402")
def user_missing(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    final = document.final_stage()
    if final is None:
        return
    allowed = option_list(ctx, "allowed-images")
    chain = final.ancestry()
    if any(i.keyword == "USER" for stage in chain for i in stage.instructions):
        return
    root = chain[-1]
    base = root.base
    if base is not None and (
        "nonroot" in (base.tag or "").lower()
        or "nonroot" in base.repository.lower()
        or base.repository.lower().endswith("nanoserver")  # runs as ContainerUser
        or image_matches(base, allowed)
    ):
        return
    yield Violation(
        final.from_instruction.keyword_span,
        f"the final stage (FROM {final.base_text}) never sets USER, so it runs as the base "
        f"image's user (usually root)",
    )


SENSITIVE_NAMES = frozenset(
    {
        *("ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID"),
        *("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "CF_PASSWORD", "CIRCLE_TOKEN"),
        *("CI_DEPLOY_PASSWORD", "DOCKERHUB_PASSWORD", "DOCKER_PASSWORD", "GH_TOKEN"),
        *("GITHUB_TOKEN", "GITLAB_TOKEN", "HEROKU_API_KEY", "NPM_TOKEN", "NPM_AUTH_TOKEN"),
        *("OPENAI_API_KEY", "OS_PASSWORD", "SLACK_TOKEN", "API_KEY", "SECRET_KEY"),
    }
)
SENSITIVE_PARTS = ("api_key", "client_key", "password", "private", "secret", "token", "username")
CREDENTIAL_VALUES = (
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"), "a GitHub token"),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{30,}\b"), "a GitHub token"),
    (re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b"), "a GitLab token"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"), "a Slack token"),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), "a Google API key"),
    (re.compile(r"\b(sk|rk)_live_[0-9A-Za-z]{20,}\b"), "a Stripe key"),
    (re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), "an npm token"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
)
SECRET_FILES = re.compile(
    r"^(id_rsa|id_dsa|id_ecdsa|id_ed25519|\.npmrc|\.pypirc|\.netrc|\.git-credentials|"
    r"\.env|\.env\.(?!(example|sample|template|dist)$)[\w.-]+|(tls|server|client|private|ssl)\.key|"
    r"privkey\.pem|"
    r".*[-_.]key\.pem|.*private.*\.pem|credentials\.json)$",
    re.IGNORECASE,
)


def secret_name_reason(name: str) -> str | None:
    upper = name.upper()
    if upper.endswith(("_FILE", "_PATH")):
        return None  # points at a mounted secret, the recommended pattern
    if upper in SENSITIVE_NAMES:
        return "is a known secret name"
    lower = name.lower()
    for part in SENSITIVE_PARTS:
        if part in lower:
            return f"contains '{part}'"
    return None


def credential_kind(value: str) -> str | None:
    for pattern, kind in CREDENTIAL_VALUES:
        if pattern.search(value):
            return kind
    return None


@check("DF404")
def secret_in_image(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.all_instructions():
        keyword = instruction.keyword
        if keyword in ("ARG", "ENV", "LABEL"):
            for pair in instruction.pairs():
                kind = credential_kind(pair.value or "")
                if kind:
                    yield Violation(pair.span, f"{keyword} {pair.key} holds what looks like {kind}")
                    continue
                reason = secret_name_reason(pair.key) if keyword != "LABEL" else None
                if reason:
                    yield Violation(
                        pair.key_span,
                        f"{keyword} {pair.key} {reason}: build args and ENV are stored in the "
                        f"image (use a secret mount: RUN --mount=type=secret)",
                        peer="DL3064",
                    )
        elif keyword in ("COPY", "ADD"):
            sources, _ = copy_sources_and_dest(instruction)
            for token in sources:
                name = token.text.rstrip("/").rsplit("/", 1)[-1]
                if SECRET_FILES.match(name):
                    yield Violation(
                        token.span,
                        f"{keyword} puts the secret file '{token.text}' into the image "
                        f"(use a secret mount: RUN --mount=type=secret)",
                    )


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


# --------------------------------------------------------------------------- DF5xx hygiene


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


@check("DF501")
def multiple_cmd(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction, first in _repeated(document, "CMD"):
        yield Violation(
            instruction.keyword_span,
            f"another CMD in the same stage (first on line {first}); only the last one counts",
        )


@check("DF502")
def multiple_entrypoint(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction, first in _repeated(document, "ENTRYPOINT"):
        yield Violation(
            instruction.keyword_span,
            f"another ENTRYPOINT in the same stage (first on line {first}); only the last one "
            f"counts",
        )


AUTHORS_LABEL = "org.opencontainers.image.authors"


@check("DF503")
def maintainer_deprecated(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword == "MAINTAINER":
            yield Violation(
                instruction.keyword_span,
                f"MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors="
                f'"{instruction.value}"',
                fix=_maintainer_fix(document, instruction),
            )


def _maintainer_fix(document: DockerfileDocument, instruction: Instruction) -> Fix | None:
    """`MAINTAINER x y` -> `LABEL org.opencontainers.image.authors="x y"`: only for a one-line
    MAINTAINER, alone in its stage, where no LABEL sets the authors already."""
    span, value = instruction.span, instruction.value
    if span.line != span.end_line or not value.strip() or "\n" in value:
        return None
    stage = document.stage_of(instruction)
    if stage is None:
        return None
    if sum(1 for each in stage.instructions if each.keyword == "MAINTAINER") > 1:
        return None
    for each in document.all_instructions():
        if each.keyword == "LABEL" and any(pair.key == AUTHORS_LABEL for pair in each.pairs()):
            return None
    # MAINTAINER takes its text literally; in a double-quoted LABEL value `"`, `$` and the
    # escape character are special, so each gets the escape character in front.
    escape = instruction.escape
    quoted = "".join(escape + char if char in ('"', "$", escape) else char for char in value)
    written = instruction.keyword_as_written
    keyword = "label" if written and written == written.lower() else "LABEL"
    start = instruction.keyword_span
    end = instruction.value_span()
    return Fix(
        Span(start.line, start.column, end.end_line, end.end_column),
        f'{keyword} {AUTHORS_LABEL}="{quoted}"',
    )


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


@check("DF505")
def copy_from_unknown_stage(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction, ref, span in _from_references(document):
        if _names_current_stage(document, instruction, ref):
            continue
        if looks_like_image_reference(ref) or is_registry_host(ref):
            continue
        target = stage_by_reference(document, ref)
        if target is not None and target.index < instruction.stage:
            continue
        later = " (a later stage has that name)" if target is not None else ""
        yield Violation(
            span, f"COPY --from={ref} names no earlier stage{later} and no tagged image"
        )


@check("DF506")
def copy_from_current_stage(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction, ref, span in _from_references(document):
        if _names_current_stage(document, instruction, ref):
            yield Violation(span, f"COPY --from={ref} names the stage it is in")


@check("DF507")
def duplicate_stage_name(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    seen: dict[str, Stage] = {}
    for stage in document.stages:
        if stage.name is None:
            continue
        key = stage.name.lower()
        if key in seen:
            yield Violation(
                stage.from_instruction.value_span(),
                f"stage name '{stage.name}' is already used by the stage on line "
                f"{seen[key].from_instruction.line}",
            )
        else:
            seen[key] = stage


PORT = re.compile(r"^(\d+)(?:-(\d+))?(?:/(tcp|udp|sctp))?$", re.IGNORECASE)


@check("DF508")
def invalid_expose_port(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "EXPOSE":
            continue
        for token in instruction.arguments():
            text = token.text
            if "$" in text:
                continue
            match = PORT.match(text)
            if not match:
                yield Violation(token.span, f"EXPOSE '{text}' is not a port or port range")
                continue
            low = int(match.group(1))
            high = int(match.group(2)) if match.group(2) else low
            if not (1 <= low <= 65535 and 1 <= high <= 65535) or high < low:
                yield Violation(token.span, f"EXPOSE '{text}' is outside the ports 1-65535")


@check("DF509")
def instruction_before_from(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            return
        if instruction.keyword != "ARG":
            yield Violation(
                instruction.keyword_span,
                f"{instruction.keyword} before the first FROM (only ARG may come before it)",
            )


def _references(name: str, text: str) -> bool:
    if f"${{{name}}}" in text:
        return True
    if f"${name}" not in text:  # no bare `$NAME` either: skip compiling a pattern per name
        return False
    return re.search(rf"\$({re.escape(name)})(?![A-Za-z0-9_])", text) is not None


@check("DF510")
def env_self_reference(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    defined: set[str] = set()
    for instruction in document.instructions:
        if instruction.keyword == "ARG":
            defined.update(pair.key for pair in instruction.pairs())
            continue
        if instruction.keyword != "ENV":
            continue
        pairs = instruction.pairs()
        for index, pair in enumerate(pairs):
            if pair.key in defined:
                continue
            for other_index, other in enumerate(pairs):
                if other_index != index and _references(pair.key, other.raw.partition("=")[2]):
                    yield Violation(
                        other.span,
                        f"ENV {other.key} uses ${pair.key}, which is set in the same ENV "
                        f"instruction (it still has its previous value here)",
                    )
                    break
        defined.update(pair.key for pair in pairs)


@check("DF511")
def from_platform_flag(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        flag = stage.from_instruction.flag("platform")
        if flag is None or flag.value is None:
            continue
        value = flag.value.strip("'\"")
        if value in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
            yield Violation(
                flag.span,
                "FROM --platform=$TARGETPLATFORM is redundant: it is the default",
                peer="DL3065",
            )
        elif "$" not in value:
            yield Violation(
                flag.span,
                f"FROM --platform={value} fixes the platform; the image cannot be built for "
                f"others (use a build argument such as $BUILDPLATFORM, or --platform on the CLI)",
                peer="DL3029",
            )


def _workdir_set(stage: Stage, before: Instruction) -> bool:
    for instruction in stage.instructions:
        if instruction is before:
            break
        if instruction.keyword == "WORKDIR":
            return True
    return any(
        i.keyword == "WORKDIR" for parent in stage.ancestry()[1:] for i in parent.instructions
    )


@check("DF512")
def copy_relative_without_workdir(
    document: DockerfileDocument, ctx: CheckContext
) -> Iterator[Violation]:
    for stage in document.stages:
        for instruction in stage.instructions:
            if instruction.keyword != "COPY":
                continue
            _, dest = copy_sources_and_dest(instruction)
            if dest is None or is_absolute_path(dest.text):
                continue
            if not _workdir_set(stage, instruction):
                yield Violation(
                    dest.span,
                    f"COPY to the relative destination '{dest.text}' with no WORKDIR set in "
                    f"the stage",
                )


def _command_count(instruction: Instruction) -> int:
    try:
        scripts = instruction.scripts()
    except NotImplementedError:
        scripts = []
    if scripts:
        return sum(len([c for c in s.commands if not c.in_substitution]) for s in scripts)
    if instruction.exec_form is not None:
        return 1
    return len([part for part in re.split(r"&&|\|\||;|\|", instruction.value) if part.strip()])


@check("DF514")
def consecutive_run(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    previous: tuple[tuple[tuple[str, str | None], ...], int] | None = None
    for instruction in document.instructions:
        if instruction.keyword != "RUN":
            previous = None
            continue
        flags = tuple((flag.name, flag.value) for flag in instruction.flags)
        count = _command_count(instruction)
        # hadolint's DL3059 leaves a RUN alone when either of the two chains several commands.
        if previous is not None and previous[0] == flags and count <= 1 and previous[1] <= 1:
            yield Violation(
                instruction.keyword_span,
                "RUN right after another RUN: merge them with '&&' into one layer",
            )
        previous = (flags, count)


@check("DF517")
def onbuild_misuse(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        inner = instruction.onbuild
        if inner is not None and inner.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
            yield Violation(
                inner.keyword_span, f"ONBUILD {inner.keyword} is not allowed by the builder"
            )


@check("DF518")
def reserved_stage_name(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for stage in document.stages:
        if stage.name is not None and stage.name.lower() in ("scratch", "context"):
            yield Violation(
                stage.from_instruction.value_span(),
                f"stage name '{stage.name}' is reserved: it means "
                + ("the empty image" if stage.name.lower() == "scratch" else "a build context"),
            )


@check("DF519")
def copy_whole_filesystem(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "COPY" or instruction.flag("from") is None:
            continue
        sources, dest = copy_sources_and_dest(instruction)
        if dest is not None and dest.text == "/" and any(s.text == "/" for s in sources):
            flag = instruction.flag("from")
            yield Violation(
                instruction.keyword_span,
                f"COPY --from={flag.value if flag else ''} / / copies a whole filesystem",
            )


LABEL_CHARS = re.compile(r"^[0-9a-z._/-]+$")
RESERVED_LABEL_PREFIXES = ("com.docker.", "io.docker.", "org.dockerproject.")


def label_key_problem(key: str) -> str | None:
    if not key:
        return "is empty"
    if key.startswith(RESERVED_LABEL_PREFIXES):
        return "uses a namespace reserved by Docker"
    if not LABEL_CHARS.match(key):
        return "may only hold lower-case letters, digits, '.', '-', '_' and '/'"
    if not key[0].isalpha():
        return "must start with a lower-case letter"
    if not (key[-1].isalpha() or key[-1].isdigit()):
        return "must end with a lower-case letter or digit"
    if ".." in key or "--" in key:
        return "has consecutive separators"
    return None


@check("DF520")
def invalid_label_key(document: DockerfileDocument, ctx: CheckContext) -> Iterator[Violation]:
    for instruction in document.instructions:
        if instruction.keyword != "LABEL":
            continue
        for pair in instruction.pairs():
            problem = label_key_problem(pair.key)
            if problem:
                yield Violation(pair.key_span, f"label key '{pair.key}' {problem}")
