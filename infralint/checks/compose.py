"""Compose file rules (DC). Each check is a plain function over a parsed ComposeDocument.

Aliases make one YAML node appear under several services; every check therefore reports a
position at most once (`unique`), and keys that came in through a `<<` merge say "via <<".
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infralint.model import Fix, Span, Violation
from infralint.parsers.commands import (
    apk,
    apt_get,
    cargo,
    download,
    extracts,
    gem,
    git,
    go,
    keeps_alive,
    npm,
    pip,
    unwrap,
    yum,
    zypper,
)
from infralint.parsers.compose import ComposeDocument, Service, iter_scalars, parse
from infralint.parsers.compose_values import (
    FALSE_WORDS,
    TRUE_WORDS,
    Image,
    Port,
    is_floating,
    normalize_path,
    service_environment,
    service_image,
    service_mounts,
    service_ports,
    service_scripts,
    truthy,
)
from infralint.parsers.shell import Command, Script
from infralint.parsers.yaml_model import Entry, Mapping, Node, Scalar, Sequence, walk
from infralint.project import Project
from infralint.project_links import ServiceBuild, service_builds
from infralint.reader import Roots, read_text_or_none, roots_of
from infralint.registry import CheckContext, check
from infralint.source import SourceFile

DEFAULT_FLOATING_TAGS = (
    "latest", "stable", "edge", "nightly", "main", "master", "mainline", "lts", "current",
    "rolling",
)  # fmt: skip

CheckFn = Callable[[ComposeDocument, CheckContext], Iterable[Violation]]


def unique(func: CheckFn) -> Callable[[ComposeDocument, CheckContext], Iterator[Violation]]:
    """Report each position once: an aliased node is shared by every service that uses it."""

    @functools.wraps(func)
    def wrapper(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
        seen: set[Span] = set()
        for violation in func(document, ctx):
            if violation.span not in seen:
                seen.add(violation.span)
                yield violation

    return wrapper


def via(entry: Entry | None) -> str:
    return " (via <<)" if entry is not None and entry.merged else ""


def via_key(service: Service, key: str) -> str:
    """ " (via <<)" when the service's `key` came in through a merge key."""
    return via(service.entry_of(key))


def floating_words(ctx: CheckContext) -> frozenset[str]:
    words = ctx.options.get("floating-tags", DEFAULT_FLOATING_TAGS)
    return frozenset(str(word).lower() for word in words)


def external_images(document: ComposeDocument) -> list[tuple[Service, Image]]:
    """Images that are pulled: services with `build:` name the image they build.
    Cached on the document: five rules judge the same images."""
    key = ("images", 0)
    if key not in document.cache:
        found = []
        for service in document.services:
            if service.has("build"):
                continue
            image = service_image(document, service)
            if image is not None:
                found.append((service, image))
        document.cache[key] = found
    images: list[tuple[Service, Image]] = document.cache[key]
    return images


# --------------------------------------------------------------------------- 1xx images


@check("DC101")
@unique
def image_untagged(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service, image in external_images(document):
        ref = image.ref
        if ref is not None and ref.tag is None and ref.digest is None:
            yield Violation(
                image.span,
                f"service '{service.name}' image '{image.text}' has neither tag nor digest"
                f" (it means '{image.text}:latest'){via(service.entry_of('image'))}",
            )


@check("DC102")
@unique
def image_floating_tag(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    words = floating_words(ctx)
    for service, image in external_images(document):
        ref = image.ref
        if ref is not None and ref.tag and not ref.digest and is_floating(ref.tag, words):
            yield Violation(
                image.span,
                f"service '{service.name}' image '{image.text}' uses the floating tag"
                f" '{ref.tag}'{via(service.entry_of('image'))}",
            )


@check("DC103")
@unique
def image_without_digest(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service, image in external_images(document):
        if image.ref is not None and image.ref.digest is None:
            yield Violation(
                image.span,
                f"service '{service.name}' image '{image.text}' is not pinned by digest"
                " (`docker compose config --lock-image-digests` prints the digests)"
                + via_key(service, "image"),
            )


@check("DC104")
@unique
def image_from_variable(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service, image in external_images(document):
        if image.ref is None and image.unresolved:
            unique_names = list(dict.fromkeys(image.unresolved))
            names = ", ".join(f"${{{name}}}" for name in unique_names)
            verb = "has" if len(unique_names) == 1 else "have"
            yield Violation(
                image.span,
                f"service '{service.name}' image '{image.node.text}' cannot be judged: {names}"
                f" {verb} no default and no value in .env" + via_key(service, "image"),
            )


@check("DC105")
@unique
def build_without_image_name(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        entry = service.entry_of("build")
        if entry is not None and not service.has("image"):
            yield Violation(
                entry.key_node.span,
                f"service '{service.name}' builds an image without naming it (`image:`)"
                f"{via(entry)}",
            )


@check("DC106")
@unique
def pull_always_floating(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    words = floating_words(ctx)
    for service, image in external_images(document):
        node = service.get("pull_policy")
        policy = (document.value(node) or "").strip().lower()
        ref = image.ref
        if policy not in ("always", "missing") or ref is None or ref.digest:
            continue
        tag = ref.tag or "latest"
        if is_floating(tag, words) and node is not None:
            yield Violation(
                node.span,
                f"service '{service.name}' pulls '{image.text}' with pull_policy '{policy}'"
                f" and the floating tag '{tag}': each pull may start a different image",
            )


# --------------------------------------------------------------------------- 2xx provisioning


def _runtime_provisioning(command: Command) -> str | None:
    """What a command does that provisions, e.g. "runs 'apt-get install'", or None."""
    for reader, subcommands in (
        (apt_get, {"install", "update", "upgrade", "dist-upgrade", "full-upgrade"}),
        (apk, {"add", "update", "upgrade"}),
        (yum, {"install", "update", "upgrade", "groupinstall", "makecache"}),
        (pip, {"install"}),
        (npm, {"install", "i", "add", "ci"}),
        (gem, {"install"}),
    ):
        call = reader(command)
        if call is not None and (call.subcommand or "") in subcommands:
            return f"runs '{call.tool} {call.subcommand}'"
    call = zypper(command)  # shown as written: `zypper in`
    if call is not None and call.subcommand in ("install", "update") and call.subcommand_word:
        return f"runs 'zypper {call.subcommand_word.text}'"
    for reader in (go, cargo):
        call = reader(command)
        if call is not None and call.subcommand in ("install", "get"):
            return f"runs '{call.tool} {call.subcommand}'"
    call = git(command)
    if call is not None and call.subcommand in ("clone", "pull", "fetch"):
        return f"runs 'git {call.subcommand}'"
    fetched = download(command)  # not `--spider`, `-o /dev/null` or stdout: Download.to_file
    if fetched is not None and fetched.to_file:
        output = fetched.output.text if fetched.output is not None else None
        target = f"'{output}'" if output else "a file"
        return f"downloads into {target} with {fetched.tool}"
    return None


INTERPRETERS = frozenset({"sh", "bash", "zsh", "ash", "dash", "python", "python3", "perl", "ruby",
                          "node"})  # fmt: skip


def _piped_downloads(script: Script) -> Iterator[tuple[Command, Command]]:
    """(download, consumer) pairs where the consumer runs or unpacks what was fetched.
    A download to stdout that nothing consumes (a readiness probe, an API call) is not one."""
    for pipeline in script.pipelines():
        for before, after in itertools.pairwise(pipeline):
            if download(before) is not None and (
                unwrap(after).program in INTERPRETERS or extracts(after)
            ):
                yield before, after


@check("DC201")
@unique
def runtime_provisioning(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for script in service_scripts(document, service):
            piped = {id(consumer): consumer for _, consumer in _piped_downloads(script)}
            for command in script.commands:
                what = _piped_action(command) if id(command) in piped else None
                what = what or _runtime_provisioning(command)
                if what:
                    yield Violation(
                        command.span,
                        f"service '{service.name}' {what} at container start:"
                        " provisioning belongs in the image build",
                    )


def _piped_action(consumer: Command) -> str:
    program = unwrap(consumer).program
    if extracts(consumer):
        return f"unpacks a download with '{program}'"
    return f"pipes a download into '{program}'"


# --------------------------------------------------------------------------- 3xx logging


def _logging(service: Service) -> tuple[Mapping | None, Entry | None]:
    entry = service.entry_of("logging")
    return (entry.value if entry and isinstance(entry.value, Mapping) else None), entry


@check("DC301")
@unique
def logging_disabled(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        logging, entry = _logging(service)
        driver = logging.get("driver") if logging else None
        if driver is not None and (document.value(driver) or "").strip() == "none":
            yield Violation(
                driver.span,
                f"service '{service.name}' disables its logs (logging.driver: none){via(entry)}",
            )


def _is_log_path(path: str) -> bool:
    normalized = normalize_path(path)
    return (
        normalized == "/var/log"
        or normalized.startswith("/var/log/")
        or re.search(r"\.log(?:\.\d+)?$", normalized) is not None
    )


@check("DC302")
@unique
def logs_to_volume(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for mount in service_mounts(document, service):
            writable = mount.type in ("bind", "volume") and not mount.read_only
            if writable and _is_log_path(mount.target):
                yield Violation(
                    mount.span,
                    f"service '{service.name}' writes logs to a volume at '{mount.target}'"
                    + via_key(service, "volumes"),
                )


_LOG_FILE = re.compile(r"(?:^|/)[^/]*\.log(?:\.\d+)?$", re.IGNORECASE)
_LOG_DIRECTORY = re.compile(r"(?:^|/)(?:logs?|var/log)/.+$", re.IGNORECASE)


def _is_log_target(path: str) -> bool:
    """A `*.log` file, or anything under a `log`, `logs` or `var/log` directory.

    The directory's `.+$` cannot cross a newline, so it is searched from the last line only:
    retried from every `/logs/` before a newline, it was quadratic."""
    body = path[:-1] if path.endswith("\n") else path
    directory = _LOG_DIRECTORY.search(path, body.rfind("\n") + 1)
    return directory is not None or _LOG_FILE.search(path) is not None


@check("DC303")
@unique
def log_to_file(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for script in service_scripts(document, service):
            for command in script.commands:
                for redirect in command.redirects:
                    target = redirect.target
                    if not (redirect.writes and target is not None and target.static):
                        continue
                    if target.text.startswith("/dev/") or not _is_log_target(target.text):
                        continue
                    yield Violation(
                        redirect.span,
                        f"service '{service.name}' sends output to the log file"
                        f" '{target.text}' instead of stdout",
                    )


def _keeps_alive(command: Command) -> str | None:
    """`tail -f`/`sleep infinity` (read by the shared `keeps_alive`), as shown."""
    plain = unwrap(command)
    word = keeps_alive(plain)
    if word is None:
        return None
    return f"sleep {word.text}" if plain.program == "sleep" else "tail -f"


@check("DC304")
@unique
def pid1_not_the_app(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for script in service_scripts(document, service):
            for command in script.commands:
                what = _keeps_alive(command)
                if what and not command.background:
                    yield Violation(
                        command.span,
                        f"service '{service.name}' keeps its container alive with '{what}':"
                        " the app is not PID 1 and its logs and exit status are lost",
                    )


@check("DC305")
@unique
def log_rotation_missing(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        logging, entry = _logging(service)
        driver = logging.get("driver") if logging else None
        if logging is None or driver is None:
            continue
        if (document.value(driver) or "").strip() != "json-file":
            continue
        options = logging.get("options")
        if isinstance(options, Mapping) and "max-size" in options:
            continue
        yield Violation(
            driver.span,
            f"service '{service.name}' uses the json-file log driver without"
            f" options.max-size: its log grows without bound{via(entry)}",
        )


# --------------------------------------------------------------------------- 4xx security


@check("DC401")
@unique
def privileged(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        entry = service.entry_of("privileged")
        if entry is not None and truthy(document, entry.value):
            yield Violation(
                entry.key_node.span,
                f"service '{service.name}' runs privileged: it has full access to the host"
                f"{via(entry)}",
            )


_DOCKER_SOCKETS = ("docker.sock", "docker_engine")


def _is_docker_socket(source: str | None) -> bool:
    return bool(source) and source is not None and source.rstrip("/").endswith(_DOCKER_SOCKETS)


@check("DC402")
@unique
def docker_socket_mounted(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for mount in service_mounts(document, service):
            if mount.type in ("bind", "npipe") and _is_docker_socket(mount.source):
                yield Violation(
                    mount.span,
                    f"service '{service.name}' mounts the Docker socket '{mount.source}':"
                    " the container controls the host's Docker daemon"
                    + via_key(service, "volumes"),
                )


@check("DC403")
@unique
def host_namespace(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for key in ("network_mode", "pid", "ipc", "userns_mode", "uts", "net"):
            entry = service.entry_of(key)
            if entry is not None and (document.value(entry.value) or "").strip() == "host":
                yield Violation(
                    entry.value.span,
                    f"service '{service.name}' shares the host's namespace ({key}: host)"
                    f"{via(entry)}",
                )


DANGEROUS_CAPABILITIES = frozenset(
    {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "DAC_READ_SEARCH"}
)
_UNCONFINED = re.compile(r"^(seccomp|apparmor)\s*[:=]\s*unconfined$", re.IGNORECASE)


@check("DC404")
@unique
def dangerous_capabilities(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for item in iter_scalars(service.get("cap_add")):
            capability = (document.value(item) or "").strip().upper()
            capability = capability.removeprefix("CAP_")
            if capability in DANGEROUS_CAPABILITIES:
                yield Violation(
                    item.span,
                    f"service '{service.name}' adds the capability '{capability}'"
                    + via_key(service, "cap_add"),
                )
        for item in iter_scalars(service.get("security_opt")):
            text = (document.value(item) or "").strip()
            match = _UNCONFINED.match(text)
            if match:
                yield Violation(
                    item.span,
                    f"service '{service.name}' runs without a {match.group(1).lower()} profile"
                    f" ({text}){via_key(service, 'security_opt')}",
                )


# A secret-named variable ends with one of these words (`DB_PASSWORD`, `JWT_SECRET`,
# `STRIPE_API_KEY`); an app prefix such as `SECRET_FILE_SIZE` is not a secret name.
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:PASSWORD|PASSWD|PASS|PWD|PASSPHRASE|SECRET|TOKEN|APIKEY|CREDENTIALS?"
    r"|(?:API|PRIVATE|ACCESS|SECRET|AUTH|ENCRYPTION|SIGNING|MASTER|LICENSE)_?KEY"
    r"|SECRET_KEY_BASE|SECRET_ACCESS_KEY)$",
    re.IGNORECASE,
)
# Values that name a file holding the secret, not the secret itself.
_PATH_VALUE = re.compile(r"^(?:/|\./|~/)|\.(?:pem|key|crt|p12|jks|txt|json)$", re.IGNORECASE)
_SECRET_VALUES = (
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,})")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a Stripe key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    # Tried only where a run of scheme characters begins: from every letter of a long word,
    # the scheme was rescanned to the word's end (quadratic).
    (
        "a password in a URL",
        re.compile(
            r"(?<![a-z0-9+.-])[0-9+.-]*+[a-z][a-z0-9+.-]*+://[^/\s:@]++:([^/\s@$]++)@", re.I
        ),
    ),
)
_PLACEHOLDER_VALUES = frozenset({"", "true", "false", "yes", "no", "none", "null"})


def _secret_kind(name: str, value: str) -> str | None:
    for kind, pattern in _SECRET_VALUES:
        if pattern.search(value):
            return kind
    text = value.strip()
    placeholder = text.lower() in _PLACEHOLDER_VALUES or _PATH_VALUE.search(text)
    if _SECRET_NAME.search(name) and not placeholder:
        return "a literal secret"
    return None


@check("DC405")
@unique
def secret_in_environment(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for variable in service_environment(service):
            value = variable.value
            if value is None or "$" in value.replace("$$", ""):
                continue  # from the environment or interpolated: not written here
            kind = _secret_kind(variable.name, value)
            if kind:
                yield Violation(
                    variable.span,
                    f"service '{service.name}' environment variable '{variable.name}' holds"
                    f" {kind} in the compose file{via_key(service, 'environment')}",
                )


SENSITIVE_EXACT = frozenset(
    {"/", "/etc", "/proc", "/sys", "/root", "/boot", "/dev", "/run", "/var/run", "/var/lib/docker"}
)
SENSITIVE_TREES = ("/proc/", "/sys/", "/root/", "/var/lib/docker/")


@check("DC406")
@unique
def sensitive_host_mount(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for mount in service_mounts(document, service):
            if mount.type != "bind" or not mount.source or _is_docker_socket(mount.source):
                continue
            source = normalize_path(mount.source)
            if source in SENSITIVE_EXACT or source.startswith(SENSITIVE_TREES):
                access = "read-only" if mount.read_only else "writable"
                yield Violation(
                    mount.span,
                    f"service '{service.name}' mounts the host path '{source}' ({access})"
                    + via_key(service, "volumes"),
                )


@check("DC407")
@unique
def ssh_port_published(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for service in document.services:
        for port in service_ports(document, service):
            container = port.container
            if container and container[0] <= 22 <= container[1] and port.protocol == "tcp":
                yield Violation(
                    port.span,
                    f"service '{service.name}' publishes the SSH port 22"
                    + via_key(service, "ports"),
                )


# --------------------------------------------------------------------------- 5xx correctness


@check("DC501")
def schema_violation(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    from infralint.parsers.compose_schema import validate

    if document.legacy_v1:
        first = document.services[0].span if document.services else Span(1, 1)
        yield Violation(
            first,
            "legacy compose file format (v1): services are at the top level instead of under"
            " `services:`; current docker compose cannot read it",
        )
        return
    for root in document.roots:
        if root is None:
            continue
        for issue in validate(root):
            yield Violation(issue.span, issue.message)


@check("DC502")
def duplicate_key(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for duplicate in document.duplicates:
        yield Violation(
            duplicate.span,
            f"key '{duplicate.key}' is given twice (first on line {duplicate.first.line});"
            " docker compose rejects the file",
        )


DEFAULT_COMPOSE_NAMES = frozenset(
    {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}
)
_COMPOSE_NAME = re.compile(r"^(?:docker-)?compose[\w.-]*\.ya?ml$", re.IGNORECASE)
MAX_SIBLINGS = 20


@dataclass(frozen=True)
class Names:
    services: frozenset[str] = frozenset()
    networks: frozenset[str] = frozenset()
    volumes: frozenset[str] = frozenset()


def _names(document: ComposeDocument) -> Names:
    return Names(
        frozenset(service.name for service in document.services),
        frozenset(document.declared("networks")),
        frozenset(document.declared("volumes")),
    )


def _sibling_names(directory: Path, exclude: str, project: Project | None) -> Names:
    """Names defined by the other compose files of a directory (files used together with -f).
    Files the engine parsed for this run are not parsed again."""
    services: set[str] = set()
    networks: set[str] = set()
    volumes: set[str] = set()
    try:
        siblings = sorted(
            path
            for path in directory.iterdir()
            if _COMPOSE_NAME.match(path.name) and path.name != exclude and path.is_file()
        )[:MAX_SIBLINGS]
    except OSError:
        return Names()
    roots = roots_of(project)
    for path in siblings:
        known = project.parsed.get(str(path)) if project is not None else None
        names = _names(known) if isinstance(known, ComposeDocument) else _file_names(path, roots)
        if names is None:
            continue
        services |= names.services
        networks |= names.networks
        volumes |= names.volumes
    return Names(frozenset(services), frozenset(networks), frozenset(volumes))


@functools.lru_cache(maxsize=1024)
def _file_names(path: Path, roots: Roots) -> Names | None:
    """The names a sibling compose file defines; None when it is not read (outside the scanned
    tree, not a regular file, too large) or does not parse."""
    from infralint.model import ParseError
    from infralint.parsers.yaml_model import MAX_BYTES

    text = read_text_or_none(path, roots, MAX_BYTES)
    if text is None:
        return None
    try:
        return _names(parse(SourceFile(path, path.name, text, "compose")))
    except ParseError:
        return None


def _known_names(document: ComposeDocument, project: Project | None) -> Names | None:
    """Names a file may refer to; None when it includes other files (anything may be defined).

    A file with a non-default name (compose.prod.yaml) or an override file is combined with the
    other compose files of its directory, so their names count too.
    """
    if document.top("include"):
        return None
    own = _names(document)
    name = document.source.path.name
    if name.lower() in DEFAULT_COMPOSE_NAMES and "override" not in name.lower():
        return own
    if not document.source.path.is_absolute():
        return own
    others = _sibling_names(document.source.path.parent, name, project)
    return Names(
        own.services | others.services,
        own.networks | others.networks,
        own.volumes | others.volumes,
    )


def _references(document: ComposeDocument, service: Service) -> Iterator[tuple[str, Node, str]]:
    depends = service.get("depends_on")
    if isinstance(depends, Sequence):
        for item in iter_scalars(depends):
            yield item.text, item, "depends_on"
    elif isinstance(depends, Mapping):
        for entry in depends.entries:
            yield entry.key, entry.key_node, "depends_on"
    for item in iter_scalars(service.get("links")):
        yield item.text.split(":", 1)[0], item, "links"
    for item in iter_scalars(service.get("volumes_from")):
        text = item.text
        if not text.startswith("container:"):
            yield text.removeprefix("service:").split(":", 1)[0], item, "volumes_from"
    extends = service.get("extends")
    if isinstance(extends, Scalar):
        yield extends.text, extends, "extends"
    elif isinstance(extends, Mapping) and "file" not in extends:
        name = extends.get("service")
        if isinstance(name, Scalar):
            yield name.text, name, "extends"
    for key in ("network_mode", "pid", "ipc"):
        node = service.get(key)
        if isinstance(node, Scalar) and node.text.startswith("service:"):
            yield node.text.removeprefix("service:"), node, key


@check("DC503")
@unique
def unknown_service_reference(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    known = _known_names(document, ctx.project)
    if known is None:
        return
    names = known.services
    for service in document.services:
        for name, node, key in _references(document, service):
            result = document.interpolate(name)
            if result.resolved and result.value not in names:
                yield Violation(
                    node.span,
                    f"service '{service.name}' {key} names the service '{result.value}',"
                    " which is not defined",
                )


def _service_networks(service: Service) -> Iterator[tuple[str, Node]]:
    networks = service.get("networks")
    if isinstance(networks, Sequence):
        for item in iter_scalars(networks):
            yield item.text, item
    elif isinstance(networks, Mapping):
        for entry in networks.entries:
            yield entry.key, entry.key_node


@check("DC504")
@unique
def undefined_network_or_volume(
    document: ComposeDocument, ctx: CheckContext
) -> Iterator[Violation]:
    known = _known_names(document, ctx.project)
    if known is None or document.legacy_v1:
        return
    networks = known.networks | {"default"}
    volumes = known.volumes
    for service in document.services:
        for name, node in _service_networks(service):
            result = document.interpolate(name)
            if result.resolved and result.value not in networks:
                yield Violation(
                    node.span,
                    f"service '{service.name}' uses the network '{result.value}', which is not"
                    " declared under the top-level `networks:`",
                )
        for mount in service_mounts(document, service):
            if mount.type == "volume" and mount.source and mount.source not in volumes:
                yield Violation(
                    mount.span,
                    f"service '{service.name}' uses the named volume '{mount.source}', which"
                    " is not declared under the top-level `volumes:`",
                )


_ANY_ADDRESS = ("", "0.0.0.0", "::", "[::]")


def _ports_clash(first: Port, second: Port) -> bool:
    if first.host is None or second.host is None or first.protocol != second.protocol:
        return False
    if not (first.host[0] <= second.host[1] and second.host[0] <= first.host[1]):
        return False
    return (
        first.host_ip in _ANY_ADDRESS
        or second.host_ip in _ANY_ADDRESS
        or first.host_ip == second.host_ip
    )


def _profiles(document: ComposeDocument, service: Service) -> set[str]:
    return {item.text for item in iter_scalars(service.get("profiles"))}


def _port_text(port: Port) -> str:
    assert port.host is not None
    start, end = port.host
    number = str(start) if start == end else f"{start}-{end}"
    address = f"{port.host_ip}:" if port.host_ip else ""
    return f"{address}{number}/{port.protocol}"


@check("DC505")
@unique
def duplicate_host_port(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    published: list[tuple[Service, Port, set[str]]] = []
    seen_nodes: set[int] = set()
    for service in document.services:
        if id(service.node) in seen_nodes:
            continue  # the same service mapping under two names (an alias): one set of ports
        seen_nodes.add(id(service.node))
        profiles = _profiles(document, service)
        for port in service_ports(document, service):
            for other_service, other, other_profiles in published:
                if profiles and other_profiles and not profiles & other_profiles:
                    continue  # never started together
                if other.node is port.node:
                    continue
                if _ports_clash(port, other):
                    owner = (
                        "this service"
                        if other_service is service
                        else f"service '{other_service.name}'"
                    )
                    yield Violation(
                        port.span,
                        f"service '{service.name}' publishes host port {_port_text(port)},"
                        f" already published by {owner} (line {other.span.line})",
                    )
                    break
            published.append((service, port, profiles))


# Keys the compose-spec schema types as boolean (`restart` only inside depends_on entries).
BOOLEAN_KEYS = frozenset(
    {"attach", "attachable", "create_host_path", "disable", "enable_ipv4", "enable_ipv6",
     "external", "init", "initial_sync", "internal", "manual", "no_cache", "nocopy",
     "oom_kill_disable", "per_replica", "privileged", "provenance", "pull", "read_only",
     "required", "restart", "sbom", "stdin_open", "tty", "use_api_socket",
     "use_service_name_alias"}
)  # fmt: skip
_YAML11_BOOLEANS = (TRUE_WORDS | FALSE_WORDS) - {"true", "false"}
_OCTAL = re.compile(r"^[-+]?0[0-7]+$")


@check("DC506")
@unique
def yaml11_boolean(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    roots: list[Node | None] = []
    for section in ("services", "networks", "volumes", "secrets", "configs"):
        roots.extend(entry.value for entry in document.top(section))
    if document.legacy_v1:
        roots.extend(service.node for service in document.services)
    for node in walk(roots):
        if not isinstance(node, Mapping):
            continue
        for entry in node.entries:
            if not isinstance(entry.value, Scalar) or not entry.value.plain:
                continue
            text = entry.value.text
            if entry.key in BOOLEAN_KEYS and text.lower() in _YAML11_BOOLEANS:
                if entry.key == "restart" and "condition" not in node:
                    continue  # a service's restart policy is a string (`restart: "no"`)
                meaning = "true" if text.lower() in TRUE_WORDS else "false"
                yield Violation(
                    entry.value.span,
                    f"'{entry.key}: {text}' is a YAML 1.1 boolean; write {meaning}",
                )
            elif entry.key in ("mode", "umask") and _OCTAL.match(text):
                yield Violation(
                    entry.value.span,
                    f"'{entry.key}: {text}' is octal in YAML 1.1 but decimal {int(text)} in YAML"
                    f" 1.2; write 0o{text.lstrip('+-0') or '0'} or quote it",
                )


@check("DC507")
def obsolete_version_key(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for entry in document.top("version"):
        span = entry.key_node.span
        yield Violation(
            span,
            "the top-level `version` key is obsolete: docker compose ignores it",
            fix=_drop_entry_lines(document, span),
        )


def _drop_entry_lines(document: ComposeDocument, span: Span) -> Fix | None:
    """Delete exactly the lines of a block-style top-level entry: comments and formatting of
    everything else stay byte for byte (a YAML round-trip could reflow them)."""
    if span.column != 1:
        return None  # a flow mapping or an indented document: no line of its own
    last = max(document.construct_end(span.line), span.line)
    return Fix(Span(span.line, 1, last + 1, 1), "")


# --------------------------------------------------------------------------- Dockerfile links

PROXY_ARGS = frozenset(
    name
    for base in ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
    for name in (base, base.lower())
)
MAX_DOCKERFILE_BYTES = 2_000_000


def _dockerfile(document: ComposeDocument, build: ServiceBuild, ctx: CheckContext) -> Any | None:
    """The parsed Dockerfile a build uses (inline or on disk), None when unreadable.
    Cached on the compose document: DC508 and DC509 both read it."""
    key = ("dockerfile", id(build.service.node))
    if key not in document.cache:
        document.cache[key] = _read_dockerfile(build, roots_of(ctx.project))
    return document.cache[key]


def _read_dockerfile(build: ServiceBuild, roots: Roots) -> Any | None:
    """Only a Dockerfile inside the scanned tree is read: its stages and ARGs are quoted."""
    from infralint.model import ParseError
    from infralint.parsers import dockerfile

    if build.inline is not None:
        path = (build.context or Path()) / "dockerfile_inline"
        text = build.inline
    elif build.dockerfile is not None:
        path = build.dockerfile
        on_disk = read_text_or_none(path, roots, MAX_DOCKERFILE_BYTES)
        if on_disk is None:
            return None
        text = on_disk
    else:
        return None
    source = SourceFile(path, str(path), text, "dockerfile", reason="compose build")
    try:
        return dockerfile.parse(source)
    except ParseError:
        return None


def _linked_builds(document: ComposeDocument, ctx: CheckContext) -> list[ServiceBuild]:
    return [build for build in service_builds(document) if build.context is not None]


def _declared_args(parsed: Any) -> set[str]:
    names: set[str] = set()
    for instruction in parsed.instructions:
        inner = instruction.onbuild if instruction.keyword == "ONBUILD" else None
        if instruction.keyword == "ARG":
            names.update(pair.key for pair in instruction.pairs())
        elif inner is not None and inner.keyword == "ARG":
            names.update(pair.key for pair in inner.pairs())
    return names


def _dockerfile_name(build: ServiceBuild) -> str:
    if build.inline is not None:
        return "dockerfile_inline"
    return build.dockerfile_text or (build.dockerfile.name if build.dockerfile else "Dockerfile")


@check("DC508")
@unique
def build_arg_undeclared(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for build in _linked_builds(document, ctx):
        if not build.args:
            continue
        parsed = _dockerfile(document, build, ctx)
        if parsed is None:
            continue
        declared = _declared_args(parsed)
        for name, node in build.args_nodes.items():
            if name not in declared and name not in PROXY_ARGS:
                yield Violation(
                    node.span,
                    f"service '{build.service.name}' passes the build arg '{name}', which"
                    f" {_dockerfile_name(build)} does not declare with ARG",
                )


@check("DC509")
@unique
def build_target_missing(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for build in _linked_builds(document, ctx):
        if not build.target or build.target_node is None:
            continue
        parsed = _dockerfile(document, build, ctx)
        if parsed is None:
            continue
        stages = {stage.name.lower() for stage in parsed.stages if stage.name}
        if build.target.lower() not in stages:
            known = ", ".join(sorted(stage.name for stage in parsed.stages if stage.name))
            yield Violation(
                build.target_node.span,
                f"service '{build.service.name}' builds the target '{build.target}', which is"
                f" no stage of {_dockerfile_name(build)}"
                + (f" (stages: {known})" if known else " (it names no stages)"),
            )


@check("DC510")
@unique
def dockerfile_missing(document: ComposeDocument, ctx: CheckContext) -> Iterator[Violation]:
    for build in _linked_builds(document, ctx):
        context = build.context
        assert context is not None
        if not context.is_dir():
            node = build.context_node
            yield Violation(
                node.span if node is not None else build.span,
                f"service '{build.service.name}' builds from the context '{build.context_text}',"
                " which is not a directory",
            )
            continue
        if build.inline is not None or build.dockerfile is None or build.dockerfile.is_file():
            continue
        node = build.dockerfile_node
        yield Violation(
            node.span if node is not None else build.span,
            f"service '{build.service.name}' builds with '{_dockerfile_name(build)}', which does"
            f" not exist in the context '{build.context_text}'",
        )
