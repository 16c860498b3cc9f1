"""Checks of Chef cookbooks (CB rules). Each is a small function over a `ChefDocument`.

Severity is per rule; where RULES.md asks for a lower or higher level for one kind of finding
(CB201 under a Ruby conditional is a note, CB204 piping into a shell is an error), the message
says so and `Violation.severity` carries the level (a level the user configured still wins).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from infralint.model import Severity, Span, Violation
from infralint.parsers.chef import (
    DSL_KINDS,
    SCRIPT_TYPES,
    ChefDocument,
    Resource,
    Value,
    is_package_type,
)
from infralint.registry import CheckContext, check

if TYPE_CHECKING:  # the shell model is imported only when a script is analysed
    from infralint.parsers.shell import Command, Script


def _violation(span: Span, message: str, severity: Severity | None = None) -> Violation:
    return Violation(span, message, severity=severity)


def _unique(violations: Iterable[Violation]) -> Iterator[Violation]:
    """An unrolled loop gives one resource per item, all running the same script text: report
    each place of that text once."""
    seen: set[Span] = set()
    for violation in violations:
        if violation.span not in seen:
            seen.add(violation.span)
            yield violation


def _resources(doc: ChefDocument) -> list[Resource]:
    return doc.resources if doc.kind in DSL_KINDS else []


def _name(resource: Resource) -> str:
    return resource.label()


# --------------------------------------------------------------------------- 1xx


@check("CB101")
def package_upgrade_action(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if not is_package_type(resource.type) or "upgrade" not in resource.actions:
            continue
        prop = resource.setting("action")
        span = prop.span if prop is not None else resource.head
        yield _violation(
            span,
            f"{_name(resource)} uses action :upgrade: the installed version moves with the "
            "repository on every converge",
        )


REMOVAL_ACTIONS = {"remove", "purge", "nothing", "upgrade", "lock", "unlock"}


@check("CB102")
def package_unpinned(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if not is_package_type(resource.type) or resource.has("version"):
            continue
        actions = resource.actions
        if actions and all(action in REMOVAL_ACTIONS or action == "?" for action in actions):
            continue
        source = resource.value("source")
        if source is not None and not _is_url(source):
            continue  # a local package file fixes the version
        name = resource.value("package_name") or resource.name
        shown = name.display() if name is not None else resource.type
        yield _violation(resource.head, f"{resource.type} {shown} has no version (set `version`)")


URL = re.compile(r"^(https?|ftp)://", re.I)


def _is_url(value: Value) -> bool:
    strings = value.strings()
    if strings is None:
        text = value.text.text if value.text is not None else value.source
        return URL.match(text.strip("\"'")) is not None
    return any(URL.match(item) for item in strings)


@check("CB103")
def remote_file_without_checksum(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.has("checksum") or resource.has("verify") or "delete" in resource.actions:
            continue  # `verify { … }` checks the file itself
        source = resource.value("source")
        if resource.type == "remote_file":
            if (
                source is not None
                and (items := source.strings()) is not None
                and all(item.startswith(("file://", "/")) for item in items)
            ):
                continue
            what = f"from {source.display()}" if source is not None else ""
            yield _violation(
                resource.head,
                f"{_name(resource)} downloads {what} without `checksum`".replace("  ", " "),
            )
        elif is_package_type(resource.type) and source is not None and _is_url(source):
            yield _violation(
                resource.head,
                f"{_name(resource)} installs {source.display()} without `checksum`",
            )


BRANCH_WORDS = {
    "main",
    "master",
    "head",
    "develop",
    "development",
    "dev",
    "trunk",
    "stable",
    "latest",
    "staging",
    "production",
    "next",
    "default",
    "tip",
    "release",
    "nightly",
}


def branch_like(revision: str) -> bool:
    """A revision that names a moving branch rather than a commit or tag."""
    text = revision.strip()
    lowered = text.lower()
    if lowered in BRANCH_WORDS or lowered.startswith(("refs/heads/", "origin/")):
        return True
    if lowered.startswith("refs/tags/"):
        return False
    return "/" in text


@check("CB104")
def vcs_moving_revision(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type not in ("git", "subversion"):
            continue
        prop = resource.setting("revision") or resource.setting("reference")
        if prop is None:
            default = "HEAD" if resource.type == "subversion" else "HEAD of the default branch"
            yield _violation(
                resource.head,
                f"{_name(resource)} sets no `revision`: it follows {default}",
            )
            continue
        revision = prop.value.string if prop.value is not None else None
        if revision is not None and branch_like(revision):
            yield _violation(
                prop.span,
                f"{_name(resource)} follows the moving revision '{revision}' (use a tag or commit)",
            )


@check("CB105")
def dependency_unconstrained(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for dep in doc.dependencies:
        if dep.keyword == "depends":
            constraint = (dep.constraint or "").replace(" ", "")
            if constraint in ("", ">=0", ">=0.0", ">=0.0.0"):
                yield _violation(dep.span, f"depends '{dep.name}' has no version constraint")
            continue
        if "git" not in dep.options and "github" not in dep.options:
            continue
        branch = dep.options.get("branch")
        ref = dep.options.get("ref") or dep.options.get("revision")
        if branch is not None:
            shown = branch.string or branch.source
            yield _violation(dep.span, f"cookbook '{dep.name}' follows git branch '{shown}'")
        elif ref is not None:
            if ref.string is not None and branch_like(ref.string):
                yield _violation(dep.span, f"cookbook '{dep.name}' follows git ref '{ref.string}'")
        elif "tag" not in dep.options:
            yield _violation(
                dep.span,
                f"cookbook '{dep.name}' comes from git with no tag, ref or revision "
                "(it follows the default branch)",
            )


@check("CB106")
def lockfile_missing(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    if doc.kind not in ("berksfile", "policyfile") or doc.lockfile_present:
        return
    kind = str(ctx.settings.get("cookbook-kind", "auto")).lower()
    if kind == "library" or (kind == "auto" and doc.library_reason is not None):
        return
    why = "" if kind == "application" else " (the cookbook looks like an application)"
    yield _violation(
        Span.whole_file(),
        f"{doc.source.path.name} has no {doc.lockfile} beside it{why}: commit the lock file",
    )


INSECURE = re.compile(r"^(http|ftp)://", re.I)


@check("CB107")
def insecure_source(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type != "remote_file" and not is_package_type(resource.type):
            continue
        prop = resource.setting("source")
        if prop is None:
            continue
        for value in prop.args:
            for item in value.strings() or []:
                if INSECURE.match(item):
                    yield _violation(
                        value.span,
                        f"{_name(resource)} downloads {item} over an unencrypted connection",
                    )


SHA256 = re.compile(r"[0-9a-fA-F]{64}")
WEAK_KINDS = {32: "an MD5 digest", 40: "a SHA-1 digest"}


@check("CB108")
def weak_checksum(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        prop = resource.setting("checksum")
        value = prop.value if prop is not None else None
        text = value.string if value is not None else None
        if prop is None or text is None or SHA256.fullmatch(text):
            continue
        what = WEAK_KINDS.get(len(text), f"{len(text)} characters")
        if not re.fullmatch(r"[0-9a-fA-F]+", text):
            what = "not a hex digest"
        yield _violation(
            prop.span,
            f"checksum '{text}' of {_name(resource)} is {what}, not a SHA-256 (64 hex digits)",
        )


DOCKER_IDLE_ACTIONS = {"remove", "delete", "stop", "kill", "pause", "unpause", "remove_link"}


def _reference_has_tag(reference: str) -> bool:
    return "@sha256:" in reference or ":" in reference.rsplit("/", 1)[-1]


@check("CB109")
def docker_image_unpinned(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type not in ("docker_image", "docker_container"):
            continue
        if resource.actions and all(a in DOCKER_IDLE_ACTIONS for a in resource.actions):
            continue
        tag = resource.setting("tag")
        if tag is not None:
            if tag.value is not None and tag.value.string == "latest":
                yield _violation(tag.span, f"{_name(resource)} uses the floating tag 'latest'")
            continue
        repo = resource.value("repo")
        if repo is None and resource.type == "docker_image":
            repo = resource.name
        reference = repo.string if repo is not None else None
        if repo is not None and reference is None:
            continue  # a repository we cannot read may carry its tag
        if reference is not None and _reference_has_tag(reference):
            if reference.endswith(":latest"):
                yield _violation(resource.head, f"{_name(resource)} uses '{reference}'")
            continue
        yield _violation(resource.head, f"{_name(resource)} sets no `tag` (Docker pulls 'latest')")


# --------------------------------------------------------------------------- 2xx


RUBY_GUARDS = {"if", "unless", "case", "ternary", "return"}
CONSTRUCT_WORDS = {
    "if": "a Ruby `if`",
    "unless": "a Ruby `unless`",
    "case": "a Ruby `case`",
    "ternary": "a Ruby `?:`",
    "return": "an earlier `return`/`next`",
}


@check("CB201")
def script_without_guard(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type not in SCRIPT_TYPES or resource.guards:
            continue
        actions = resource.actions
        if "nothing" in actions or "?" in actions:
            continue  # runs only when notified (or the action is not known)
        label = _name(resource)
        if resource.conditional in RUBY_GUARDS:
            construct = CONSTRUCT_WORDS[resource.conditional]
            yield _violation(
                resource.head,
                f"{label} has no not_if/only_if/creates; only {construct} decides whether it "
                "runs (a note: that check happens at compile time, not before each run)",
                severity=Severity.NOTE,
            )
            continue
        yield _violation(
            resource.head,
            f"{label} has no not_if/only_if/creates guard and runs on every converge",
        )


def effective_argv(command: Command) -> list[str]:
    """argv of the command a wrapper runs (`sudo -u x apt-get …` -> `apt-get …`), with the
    program's directory dropped."""
    from infralint.parsers.commands import unwrap

    argv = unwrap(command).argv
    if argv:
        argv[0] = argv[0].rsplit("/", 1)[-1]
    return argv


def _verb(command: Command) -> str | None:
    """The tool's subcommand, read by the shared argument readers (None for an unknown tool)."""
    from infralint.parsers.commands import invocation

    call = invocation(command)
    return call.subcommand if call is not None else None


def _shell_findings(
    doc: ChefDocument,
    judge: Callable[[Resource, Command, list[str], Script], Iterator[Violation]],
) -> Iterator[Violation]:
    """Run `judge(resource, command, argv)` over every command of every shell resource."""
    for resource in _resources(doc):
        script = resource.shell()
        if script is None:
            continue
        for command in script.commands:
            argv = effective_argv(command)
            if argv:
                yield from judge(resource, command, argv, script)


PACKAGE_VERBS = {
    "apt-get": {"install", "upgrade", "update", "dist-upgrade", "full-upgrade", "reinstall"},
    "apt": {"install", "upgrade", "update", "dist-upgrade", "full-upgrade", "reinstall"},
    "aptitude": {"install", "upgrade", "update", "safe-upgrade", "full-upgrade", "reinstall"},
    "yum": {
        "install",
        "upgrade",
        "update",
        "reinstall",
        "groupinstall",
        "localinstall",
        "makecache",
        "distro-sync",
    },
    "dnf": {
        "install",
        "upgrade",
        "update",
        "reinstall",
        "groupinstall",
        "makecache",
        "distro-sync",
    },
    "microdnf": {"install", "upgrade", "update", "reinstall", "makecache"},
    "zypper": {"install", "in", "update", "up", "dist-upgrade", "dup", "refresh", "ref", "patch"},
    "apk": {"add", "upgrade", "update"},
}


@check("CB202")
def shell_package_management(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        verbs = PACKAGE_VERBS.get(argv[0])
        verb = _verb(command) if verbs is not None else None
        if verbs is None or verb not in verbs:
            return
        if verb in ("update", "refresh", "ref", "makecache") and argv[0] in ("apt-get", "apt"):
            hint = "use the apt_update resource"
        elif verb in ("update", "refresh", "ref", "makecache"):
            hint = "the package resource refreshes the index itself"
        else:
            hint = "use the package resource"
        yield _violation(command.span, f"{_name(resource)} runs `{argv[0]} {verb}` ({hint})")

    yield from _unique(_shell_findings(doc, judge))


NOT_SERVICE_CONTROL = {
    "status",
    "is-active",
    "is-enabled",
    "is-failed",
    "show",
    "cat",
    "list-units",
    "list-unit-files",
    "list-timers",
    "list-dependencies",
    # Not service control: the service resource has no equivalent.
    "daemon-reload",
    "daemon-reexec",
    "reset-failed",
}
SERVICE_TOOLS = {"service", "invoke-rc.d", "rc-service", "initctl"}


@check("CB203")
def shell_service_control(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        from infralint.parsers.commands import service_control

        control = service_control(command)
        if control is None or (control.action is None and control.service is None):
            return
        if control.manager == "systemctl" and control.action not in NOT_SERVICE_CONTROL:
            shown = f"systemctl {control.action}"
        elif control.manager in SERVICE_TOOLS:
            shown = " ".join(argv[:3])
        elif control.manager == "init.d" and control.action is not None:
            name = control.command.name.text if control.command.name is not None else ""
            shown = f"{name} {control.action}"
        else:
            return
        yield _violation(
            command.span, f"{_name(resource)} runs `{shown}` (use the service resource)"
        )

    yield from _unique(_shell_findings(doc, judge))


def _piped_into_shell(command: Command, script: Script) -> str | None:
    """The interpreter a download is piped into, if any."""
    from infralint.parsers.commands import SHELL_NAMES, reads_program_from_stdin, unwrap

    if command.pipe_length > 1:
        for other in script.commands:
            if other.pipeline == command.pipeline and other.pipe_index > command.pipe_index:
                unwrapped = unwrap(other)
                if reads_program_from_stdin(unwrapped):
                    return unwrapped.program
    if command.in_substitution:
        for other in script.commands:
            argv = effective_argv(other)
            if (
                argv
                and argv[0] in SHELL_NAMES
                and other is not command
                and _contains(other.span, command.span)
            ):
                return argv[0]
    return None


def _contains(outer: Span, inner: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


@check("CB204")
def shell_download(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], script: Script
    ) -> Iterator[Violation]:
        if argv[0] not in ("curl", "wget"):
            return
        shell = _piped_into_shell(command, script)
        if shell is not None:
            yield _violation(
                command.span,
                f"{_name(resource)} pipes a {argv[0]} download into {shell} (an error: the "
                "code that runs is whatever the server sends)",
                severity=Severity.ERROR,
            )
            return
        yield _violation(
            command.span,
            f"{_name(resource)} downloads with {argv[0]} (use remote_file with a checksum)",
        )

    yield from _unique(_shell_findings(doc, judge))


GIT_VERBS = {"clone", "pull", "checkout", "fetch"}


@check("CB205")
def shell_vcs(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        verb = _verb(command) if argv[0] == "git" else None
        if verb in GIT_VERBS:
            yield _violation(
                command.span, f"{_name(resource)} runs `git {verb}` (use the git resource)"
            )

    yield from _unique(_shell_findings(doc, judge))


FILE_TOOLS = {
    "mkdir": "directory",
    "rm": "file or directory with action :delete",
    "chmod": "file/directory `mode`",
    "chown": "file/directory `owner`",
    "chgrp": "file/directory `group`",
    "ln": "link",
    "useradd": "user",
    "adduser": "user",
    "usermod": "user",
    "groupadd": "group",
    "crontab": "cron or cron_d",
}


@check("CB206")
def shell_file_management(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        from infralint.parsers.commands import sed_in_place

        program = argv[0]
        if sed_in_place(command):
            shown, use = "sed -i", "file, template or a `line`-editing resource"
        elif program in FILE_TOOLS and not (program == "crontab" and "-l" in argv):
            shown, use = program, FILE_TOOLS[program]
        else:
            return
        yield _violation(command.span, f"{_name(resource)} runs `{shown}` (use the {use} resource)")

    yield from _unique(_shell_findings(doc, judge))


@check("CB207")
def compile_time_shell_out(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    if doc.kind not in DSL_KINDS:
        return
    for shell_out in doc.shell_outs:
        yield _violation(
            shell_out.span,
            f"`{shell_out.form}` runs a command at compile time, on every converge "
            "(use a resource, or a lazy/guard block)",
        )


@check("CB208")
def persistent_node_attributes(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for write in doc.node_writes:
        what = (
            "saves the node object from the recipe"
            if write.form == "node.save"
            else "sets a normal attribute that persists in the node object across runs"
        )
        yield _violation(write.span, f"`{write.form}` {what}")


@check("CB209")
def ignore_failure(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        prop = resource.setting("ignore_failure")
        value = prop.value if prop is not None else None
        if prop is None or value is None:
            continue
        if (value.kind == "boolean" and value.literal) or value.string == "quiet":
            yield _violation(
                prop.span,
                f"{_name(resource)} sets ignore_failure {value.source}: its failure "
                "is hidden and the run reports success",
            )


@check("CB210")
def apt_update_every_run(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        if resource.type == "apt_update" and "update" in resource.actions:
            prop = resource.setting("action")
            yield _violation(
                prop.span if prop is not None else resource.head,
                f"{_name(resource)} uses action :update and refreshes the package index on "
                "every converge (the default :periodic does it once a day)",
            )


# --------------------------------------------------------------------------- 3xx

LOG_TARGET = re.compile(r"(^/var/log/|\.(log|out|err)$|/logs?/)", re.I)
NOT_LOGS = {"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "-"}


def _log_target(text: str) -> bool:
    return text not in NOT_LOGS and LOG_TARGET.search(text) is not None


@check("CB301")
def command_output_to_log_file(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    def judge(
        resource: Resource, command: Command, argv: list[str], _s: Script
    ) -> Iterator[Violation]:
        for redirect in command.redirects:
            target = redirect.target
            if redirect.writes and target is not None and _log_target(target.text):
                yield _violation(
                    redirect.span,
                    f"{_name(resource)} sends output to log file '{target.text}' "
                    "(let it reach the Chef run's output)",
                )
        if argv[0] == "tee":
            for word in command.args:
                if not word.text.startswith("-") and _log_target(word.text):
                    yield _violation(
                        word.span,
                        f"{_name(resource)} copies output into log file '{word.text}' with tee",
                    )

    yield from _unique(_shell_findings(doc, judge))


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


# --------------------------------------------------------------------------- 4xx

SECRET_NAME = re.compile(
    r"(^|_)(password|passwd|passphrase|secret|token|api_?key|private_?key|credentials?)($|_)",
    re.I,
)
# Core resources whose secret properties Chef already masks (declared `sensitive: true`).
MASKED = {
    ("user", "password"),
    ("linux_user", "password"),
    ("mac_user", "password"),
    ("windows_user", "password"),
    ("windows_service", "password"),
    ("windows_task", "password"),
    ("execute", "password"),
    ("mount", "password"),
}


def _carries_value(value: Value | None) -> bool:
    if value is None:
        return False
    if value.kind in ("nil", "boolean"):
        return False
    return not (value.kind == "string" and value.string == "")


def _secret_keys(value: Value, depth: int = 0) -> list[str]:
    if value.kind != "hash" or depth > 2:
        return []
    keys = []
    for key, item in value.literal.items():
        if SECRET_NAME.search(key) and _carries_value(item):
            keys.append(key)
        keys.extend(_secret_keys(item, depth + 1))
    return keys


@check("CB401")
def sensitive_not_marked(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        sensitive = resource.setting("sensitive")
        if sensitive is not None and not (
            sensitive.value is not None
            and sensitive.value.kind == "boolean"
            and not sensitive.value.literal
        ):
            continue
        names: list[str] = []
        for prop in resource.properties:
            if prop.name == "variables":
                for arg in prop.args:
                    names.extend(f"template variable '{key}'" for key in _secret_keys(arg))
            elif (
                SECRET_NAME.search(prop.name)
                and (resource.type, prop.name) not in MASKED
                and _carries_value(prop.value)
            ):
                names.append(f"property '{prop.name}'")
        if names:
            listed = ", ".join(dict.fromkeys(names))
            yield _violation(
                resource.head,
                f"{_name(resource)} sets {listed} without `sensitive true` (it can appear in "
                "logs and reports)",
            )


# --------------------------------------------------------------------------- 5xx


@check("CB501")
def guard_string_in_block(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        for guard in resource.guards:
            if guard.form == "block" and guard.block_string is not None:
                shown = guard.block_string.display()
                yield _violation(
                    guard.span,
                    f"{guard.keyword} block returns the string {shown}: the command never "
                    f"runs and the block is always true (write `{guard.keyword} {shown}`)",
                )


@check("CB502")
def guard_without_block(doc: ChefDocument, ctx: CheckContext) -> Iterator[Violation]:
    for resource in _resources(doc):
        for guard in resource.guards:
            if guard.keyword == "creates" or guard.form != "other" or guard.value is None:
                continue
            if guard.value.kind in ("dynamic",) and not _evaluated_expression(guard.value):
                continue
            yield _violation(
                guard.span,
                f"{guard.keyword} {guard.value.source} is evaluated once, at compile time "
                f"(wrap it in a block: {guard.keyword} {{ {guard.value.source} }})",
            )


def _evaluated_expression(value: Value) -> bool:
    """Ruby that is clearly an expression, not a variable that could hold a command string."""
    source = value.source.strip()
    if re.fullmatch(r"[a-z_][a-zA-Z0-9_]*", source):
        return False  # a local variable or method returning a command
    if re.fullmatch(r"node(\[[^\]]+\])+", source) or source.startswith("new_resource."):
        return False  # an attribute or property that may hold the command
    return not source.startswith(('"', "'", "%"))
