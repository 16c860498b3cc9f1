"""The run: discover -> read -> parse -> link -> check -> suppress -> sort.

One file's failure never stops the run: any exception from a parser, and a crashing check (named),
is an IL001 finding on the file, and every other file keeps its findings. Per-file work
is a plain function over picklable inputs so large runs can use a process pool; results are sorted,
so the output is identical for every `--jobs`.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Collection, Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from infralint import reader, registry
from infralint.catalog import Catalog
from infralint.config import Config, effective_severity, ignored_for_path, rule_options
from infralint.discovery import NOT_READ, Candidate, classify_content, classify_name, discover
from infralint.languages import LANGUAGES
from infralint.model import (
    FileResult,
    Finding,
    Notification,
    ParseError,
    ParseProblem,
    Severity,
    Span,
    Violation,
)
from infralint.project import BuildLink, BuildQuery, Project
from infralint.sha256 import Hash, sha256
from infralint.source import Document, SourceFile
from infralint.suppressions import (
    Coverage,
    Suppression,
    SuppressionProblem,
    check_directive,
    parse_suppressions,
    python_comments,
    unused,
)

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from infralint.baseline import Entry, Matcher
    from infralint.cache import Cache
    from infralint.config_tree import ConfigTree
    from infralint.finding_log import FindingLog
    from infralint.fixing import FixReport, FixRequest
    from infralint.project_links import DiskPaths
    from infralint.shellcheck.runner import Binary
    from infralint.shellcheck.scripts import FileScripts

# code, severity, message, span, anchor, and the violation (None for engine findings).
RawFinding = tuple[str, Severity, str, Span, str | None, Violation | None]

PARALLEL_THRESHOLD = 48  # below this many files a process pool costs more than it saves
SPILL_THRESHOLD = 500  # files from which a run keeps its findings off the heap (finding_log.py)
# Compose documents parsed for the links are kept, to be checked without a second parse, up to
# this many: each holds its YAML tree, and a 10,000-file run kept 885 of them (24 MiB). The
# rest are parsed again where they are checked, by the workers when there are several. At 128,
# a 10,000-file run still peaked 3 MiB higher than at 32, for no time saved (12.2 s, 12.5 s).
PARSED_KEEP = 32
# The compose rules that ask whether a build's paths exist, recorded by the link stage.
BUILD_PATH_RULES = frozenset({"DC508", "DC509", "DC510"})
# Rules that read the names sibling compose files declare (services, volumes, secrets...).
SIBLING_RULES = frozenset({"DC503", "DC504", "DC511", "DC514"})
COMMENT_LANGUAGES = {language.name for language in LANGUAGES if language.comment}


@dataclass
class Settings:
    """Everything a run needs to know, resolved from the command line and config."""

    config: Config
    catalog: Catalog
    enabled: frozenset[str]
    cwd: Path
    project_root: Path
    jobs: int = 1
    use_cache: bool = True
    force_exclude: bool = False
    stdin_text: str | None = None
    stdin_filename: str = "-"
    fix: FixRequest | None = None  # --fix or --diff: the engine fixes, re-checks and re-runs
    baseline: list[Entry] | None = None  # findings it holds are reported as suppressed
    # Called with (files done, files in all) as results arrive; the CLI draws a progress bar.
    on_progress: Callable[[int, int], None] | None = None
    # The config of each directory (the closest config file above it); None: `config` governs
    # every file. With a tree, `enabled` becomes the union of the rules of every config used.
    configs: ConfigTree | None = None
    # A large run may keep its findings in a temporary file (RunResult.finding_log) for
    # callers that read them through RunResult.all_findings().
    spill_findings: bool = False

    def config_for(self, path: str | Path) -> Config:
        """The configuration that governs the file at `path`."""
        return self.configs.for_file(path).config if self.configs is not None else self.config

    @property
    def want_fixes(self) -> bool:
        """Costly fixes (a libcst codemod) are computed only when they will be applied."""
        return self.fix is not None


class FileJob(NamedTuple):
    """One file to check: where it is, how to show it, and its language."""

    path: str  # absolute path ("" for stdin)
    display_path: str
    repo_path: str  # relative to the project root, for fingerprints
    language: str
    reason: str
    text: str | None = None  # stdin content
    config: str = ""  # the key of its config in WorkerContext.configs ("": the run's)


@dataclass
class RunResult:
    """What a whole run produced, sorted for the reporters."""

    findings: list[Finding]
    suppressed: Collection[Finding]  # a large run's on disk too (a FindingLog)
    notifications: list[Notification]
    files_checked: int
    checked_paths: list[str]
    missing_paths: list[str]
    # Each checked file's shown path -> its path relative to the project root (baselines),
    # for the files where the two differ: a path it does not hold is its own repo path.
    repo_paths: dict[str, str] = field(default_factory=dict)
    cache_notes: list[str] = field(default_factory=list)  # why the cache was off or discarded
    fixes: FixReport | None = None  # what --fix or --diff did
    stale_baseline: int = 0  # baseline entries that matched nothing
    # A large run's findings, off the heap (then `findings` is empty): see finding_log.py.
    finding_log: FindingLog | None = None

    def all_findings(self) -> Collection[Finding]:
        return self.finding_log if self.finding_log is not None else self.findings

    def close(self) -> None:
        """Let go of the temporary files of a large run's findings."""
        for log in (self.finding_log, self.suppressed):
            close = getattr(log, "close", None)
            if close is not None:
                close()


# --------------------------------------------------------------------------- reading


def decode(raw: bytes) -> str:
    """Bytes to text as the build tools read them; ParseError says why not."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _normalise_newlines(raw.decode("utf-16"))
        except UnicodeDecodeError:
            raise ParseError("invalid UTF-16 text") from None
    if b"\0" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        raise ParseError("binary file (it contains NUL bytes)", Span(line))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        byte = raw[error.start]
        raise ParseError(
            f"not valid UTF-8 (byte 0x{byte:02x} on line {line})", Span(line)
        ) from None
    return _normalise_newlines(text)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_text(path: str, max_size: int, roots: reader.Roots) -> str:
    """Read a regular file inside the scanned roots within the size limit (see reader.py)."""
    try:
        raw = reader.read_bytes(path, roots, max_size, limit="max-file-size limit")
    except reader.ReadRefused as error:
        raise ParseError(str(error)) from None
    return decode(raw)


# --------------------------------------------------------------------------- per-file work


@dataclass(frozen=True)
class WorkerContext:
    """Everything a worker needs, picklable."""

    catalog_dir: str
    config: Config
    enabled: frozenset[str]
    project: Project
    want_fixes: bool = False
    # Each job's config and rules, by FileJob.config (config_tree.Resolved.key).
    configs: dict[str, tuple[Config, frozenset[str]]] = field(default_factory=dict)
    shellcheck: Binary | None = None  # the binary SC rules run, when one is enabled and found
    # Per language, config and rule set: the checks to run with their contexts, built once per
    # process.
    plans: dict[tuple[str, str, frozenset[str]], list[CheckPlan]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def settings_for(self, job: FileJob) -> tuple[Config, frozenset[str]]:
        """The config that governs the job's file, and the rules it enables."""
        return self.configs.get(job.config) or (self.config, self.enabled)


class CheckPlan(NamedTuple):
    """One enabled check with its resolved severity and options."""

    code: str
    function: registry.CheckFunction
    context: registry.CheckContext
    severity: Severity
    configured: bool  # the user set this rule's severity: it beats a violation's own


def _plan(
    job: FileJob, enabled: AbstractSet[str], catalog: Catalog, context: WorkerContext
) -> list[CheckPlan]:
    language = job.language
    key = (language, job.config, frozenset(enabled))
    if key not in context.plans:
        config = context.settings_for(job)[0]
        settings: dict[str, Any] = {**config.chef, **config.python}
        # ShellCheck's codes have no check functions: one pass runs them all (_shellcheck).
        codes = {
            code
            for code in enabled
            if not code.startswith("SC") and catalog.rules[code].language == language
        }
        context.plans[key] = [
            CheckPlan(
                code,
                function,
                registry.CheckContext(
                    code=code,
                    options=rule_options(config, catalog.rules[code]),
                    project=context.project,
                    settings=settings,
                    want_fixes=context.want_fixes,
                ),
                effective_severity(config, catalog.rules[code]),
                code in config.severity,
            )
            for code, function in registry.checks_for(language, codes)
        ]
    return context.plans[key]


class _Fingerprints:
    """The fingerprints of one file's findings: sha256 of code, path, anchor (whitespace
    collapsed) and occurrence number.

    Many findings share an anchor (16,000 packages of one install line all anchor on that
    line), so each distinct anchor is normalised, and each (code, anchor) hashed, once; a
    finding adds only its occurrence number. Per finding, the work was the whole line's.
    """

    def __init__(self, repo_path: str) -> None:
        self.repo_path = repo_path
        self._normalised: dict[str, str] = {}
        self._prefixes: dict[tuple[str, str], Hash] = {}
        self._seen: dict[tuple[str, str], int] = {}

    def _key(self, code: str, anchor: str) -> tuple[str, str]:
        normalised = self._normalised.get(anchor)
        if normalised is None:
            normalised = self._normalised[anchor] = " ".join(anchor.split())
        return code, normalised

    def next(self, code: str, anchor: str) -> str:
        """The fingerprint of the next finding of `code` at `anchor`, counting occurrences."""
        key = self._key(code, anchor)
        occurrence = self._seen.get(key, 0)
        self._seen[key] = occurrence + 1
        return self._digest(key, occurrence)

    def first(self, code: str, anchor: str) -> str:
        """The fingerprint of occurrence 0, without counting it."""
        return self._digest(self._key(code, anchor), 0)

    def _digest(self, key: tuple[str, str], occurrence: int) -> str:
        prefix = self._prefixes.get(key)
        if prefix is None:
            code, normalised = key
            material = f"{code}\0{self.repo_path}\0{normalised}\0"
            prefix = self._prefixes[key] = sha256(material.encode("utf-8", "surrogateescape"))
        digest = prefix.copy()
        digest.update(str(occurrence).encode("ascii"))
        return str(digest.hexdigest()[:32])


def _il001(
    problem: ParseProblem | ParseError, catalog: Catalog, config: Config
) -> tuple[Severity, str, Span]:
    rule = catalog.rules["IL001"]
    return effective_severity(config, rule), problem.message, problem.span


class _Checked(NamedTuple):
    """A file after its rules ran, before suppressions: what _finish needs."""

    job: FileJob
    source: SourceFile
    document: Document | None
    raw_findings: list[RawFinding]
    enabled: AbstractSet[str]
    result: FileResult


def check_file(job: FileJob, context: WorkerContext, parsed: Document | None = None) -> FileResult:
    return check_files([job], context, {job.path: parsed} if parsed is not None else None)[0]


def check_files(
    jobs: list[FileJob], context: WorkerContext, parsed: dict[str, Document] | None = None
) -> list[FileResult]:
    """Check several files; their RUN scripts go to ShellCheck together (one process per batch
    of scripts, not one per file)."""
    from infralint.catalog import load_catalog

    catalog = load_catalog(Path(context.catalog_dir))
    checked = [_check_rules(job, context, catalog, (parsed or {}).get(job.path)) for job in jobs]
    if context.shellcheck is not None:
        _shellcheck(checked, context, catalog)
    results = []
    for item in checked:
        _finish(
            item.job,
            item.source,
            item.document,
            item.raw_findings,
            item.enabled,
            catalog,
            context.settings_for(item.job)[0],
            item.result,
        )
        results.append(item.result)
    return results


def _check_rules(
    job: FileJob, context: WorkerContext, catalog: Catalog, parsed: Document | None
) -> _Checked:
    config, run_enabled = context.settings_for(job)
    result = FileResult()
    # The config's frozenset itself unless per-file-ignores change it: with ShellCheck's codes
    # it holds thousands, and _plan keys on it (a frozenset hashes once; a copy, once per file).
    enabled: AbstractSet[str] = run_enabled
    if config.per_file_ignores:
        enabled = enabled - ignored_for_path(config, job.path or job.display_path, catalog)
    raw_findings: list[RawFinding] = []
    source: SourceFile | None = None
    document: Document | None = None
    try:
        text = (
            job.text
            if job.text is not None
            else read_text(job.path, config.max_file_size, context.project.roots)
        )
        source = SourceFile(
            Path(job.path or job.display_path), job.display_path, text, job.language, job.reason
        )
        if parsed is not None and parsed.source.text == text:
            document = parsed  # parsed already (compose files, while linking)
        else:
            document = registry.parser_module(job.language).parse(source)
    except ParseError as error:
        if "IL001" in enabled:
            severity, message, span = _il001(error, catalog, config)
            raw_findings.append(("IL001", severity, message, span, None, None))
    except RecursionError:
        message = "nesting too deep to read (over the parser's depth limit)"
        _internal_il001(message, enabled, catalog, config, job, result, raw_findings)
    except Exception as error:  # any parser's failure (ruamel, libcst, ours): the file is unread
        message = f"could not parse this file ({_describe(error)}); its findings are missing"
        _internal_il001(message, enabled, catalog, config, job, result, raw_findings)
    if document is not None:
        if "IL001" in enabled:
            for problem in document.problems:
                severity, message, span = _il001(problem, catalog, config)
                raw_findings.append(("IL001", severity, message, span, None, None))
        failures: list[str] = []
        raw_findings.extend(_run_checks(job, document, enabled, catalog, context, failures))
        if job.language == "dockerfile" and job.path in context.project.script_reporters.values():
            _check_run_scripts(job, document, enabled, catalog, context, result)
        for failure in failures:
            _internal_il001(failure, enabled, catalog, config, job, result, raw_findings)
    if source is None:
        source = SourceFile(Path(job.path), job.display_path, "", job.language)
    return _Checked(job, source, document, raw_findings, enabled, result)


# ShellCheck's levels -> ours: "info" and "style" are advice.
SHELLCHECK_LEVELS = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.NOTE,
    "style": Severity.NOTE,
}


# The languages whose shell scripts ShellCheck reads (see _shell_scripts).
SHELLCHECK_LANGUAGES = frozenset({"dockerfile", "compose", "chef"})


def _shell_scripts(language: str, document: Document) -> FileScripts:
    """The scripts of one file that ShellCheck reads (imported only when ShellCheck runs)."""
    if language == "dockerfile":
        from infralint.shellcheck.scripts import file_scripts

        return file_scripts(document)  # type: ignore[arg-type]
    from infralint.shellcheck import embedded

    if language == "compose":
        return embedded.compose_file_scripts(document)  # type: ignore[arg-type]
    return embedded.chef_file_scripts(document)  # type: ignore[arg-type]


def _shellcheck(checked: list[_Checked], context: WorkerContext, catalog: Catalog) -> None:
    """ShellCheck's findings on the shell scripts of the checked files (Dockerfile RUNs,
    compose and Chef scripts), all in one go."""
    from infralint.peer_codes import shellcheck_codes
    from infralint.shellcheck import runner, scripts

    binary = context.shellcheck
    assert binary is not None
    everything = shellcheck_codes()
    wanted: list[tuple[_Checked, scripts.ShellScript]] = []
    for item in checked:
        if item.job.language not in SHELLCHECK_LANGUAGES or item.document is None:
            continue
        if item.enabled.isdisjoint(everything):
            continue
        try:
            found = _shell_scripts(item.job.language, item.document)
        except Exception as error:  # a bug reading scripts costs only this file's SC findings
            message = f"ShellCheck could not read this file's scripts ({_describe(error)})"
            _shellcheck_lost(item, message, catalog, context)
            continue
        if found.skipped:
            item.result.notifications.append(
                Notification(
                    f"ShellCheck skipped {found.skipped} script(s) over its size bounds "
                    f"({scripts.MAX_SCRIPT} characters or {scripts.MAX_EXPANSIONS} expansions "
                    "per script)",
                    item.job.display_path,
                    Severity.NOTE,
                )
            )
        wanted.extend((item, script) for script in found.scripts)
    if not wanted:
        return
    try:
        comments = runner.check_scripts(binary, [script.text for _, script in wanted])
    except runner.ShellCheckFailed as error:
        for item in {id(entry[0]): entry[0] for entry in wanted}.values():
            message = f"{error}; this file's ShellCheck findings are missing"
            _shellcheck_lost(item, message, catalog, context)
        return
    configured = context.config.severity
    for (item, script), found_comments in zip(wanted, comments, strict=True):
        for comment in found_comments:
            if comment.code not in item.enabled:
                continue
            span = script.span(comment.line, comment.column, comment.end_line, comment.end_column)
            if span is None:
                continue
            level = configured.get(comment.code)
            severity = Severity(level) if level else SHELLCHECK_LEVELS[comment.level]
            item.raw_findings.append((comment.code, severity, comment.message, span, None, None))


def _check_run_scripts(
    job: FileJob,
    document: Document,
    enabled: AbstractSet[str],
    catalog: Catalog,
    context: WorkerContext,
    result: FileResult,
) -> None:
    """The RUN rules on the scripts this Dockerfile copies in and runs, each finding at the
    script's own path and line (run_scripts.py)."""
    from infralint import run_scripts
    from infralint.parsers.dockerfile import DockerfileDocument

    codes = enabled & run_scripts.SCRIPT_RULES
    if not codes or not isinstance(document, DockerfileDocument) or not job.path:
        return
    project = context.project
    for item in run_scripts.scripts_run(document, project):
        key = str(item.script)
        text = project.run_scripts.get(key)
        if text is None or project.script_reporters.get(key) != job.path:
            continue
        stage = document.stage_of(item.run)
        base = " ".join((stage.from_instruction.value or "").split()) if stage is not None else ""
        wrapped, offset = run_scripts.heredoc_wrapped(text, f"FROM {base or 'scratch'}")
        shown = _beside(job.display_path, job.path, key)
        where = f" (script run by {job.display_path}:{item.run.span.line})"
        script_job = job._replace(
            path=key, display_path=shown, repo_path=_beside(job.repo_path, job.path, key)
        )
        source = SourceFile(Path(key), shown, wrapped, "dockerfile", job.reason)
        try:
            wrapped_document = registry.parser_module("dockerfile").parse(source)
        except Exception:  # a script the Dockerfile reader cannot take: nothing to report
            continue
        raw: list[RawFinding] = []
        failures: list[str] = []
        for code, severity, message, span, _anchor, violation in _run_checks(
            script_job, wrapped_document, codes, catalog, context, failures
        ):
            line = span.line - offset
            if line < 1 or span.end_line - offset > text.count("\n") + 1:
                continue  # on the wrapper's own lines
            moved = Span(line, span.column, span.end_line - offset, span.end_column)
            # Fixes are offered on the Dockerfile's own text only: the wrapper is not a file.
            plain = violation._replace(fix=None) if violation is not None else None
            raw.append((code, severity, message + where, moved, None, plain))
        if raw:
            script_source = SourceFile(Path(key), shown, text, "dockerfile", job.reason)
            _finish(script_job, script_source, None, raw, codes, catalog, context.config, result)


def _beside(shown: str, path: str, other: str) -> str:
    """How to show `other` given how `path` is shown (relative stays relative)."""
    if os.path.isabs(shown):
        return other.replace(os.sep, "/")
    relative = os.path.relpath(other, os.path.dirname(path)).replace(os.sep, "/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(shown), relative))


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


def _shellcheck_lost(
    item: _Checked, message: str, catalog: Catalog, context: WorkerContext
) -> None:
    """IL001 for a file whose ShellCheck findings are missing, at the severity its own
    config gives IL001."""
    config = context.settings_for(item.job)[0]
    _internal_il001(
        message, item.enabled, catalog, config, item.job, item.result, item.raw_findings
    )


def _internal_il001(
    message: str,
    enabled: AbstractSet[str],
    catalog: Catalog,
    config: Config,
    job: FileJob,
    result: FileResult,
    raw_findings: list[RawFinding],
) -> None:
    """A file that could not be fully checked is an IL001 finding: it counts for the exit
    status, where a notification alone let a file nobody checked pass."""
    if "IL001" in enabled:
        severity = effective_severity(config, catalog.rules["IL001"])
        raw_findings.append(("IL001", severity, message, Span(1), None, None))
    else:  # IL001 switched off: still say so
        result.notifications.append(Notification(message, job.display_path))


def _run_checks(
    job: FileJob,
    document: Document,
    enabled: AbstractSet[str],
    catalog: Catalog,
    context: WorkerContext,
    failures: list[str],
) -> Iterable[RawFinding]:
    for plan in _plan(job, enabled, catalog, context):
        try:
            violations = list(plan.function(document, plan.context))
        except Exception as error:  # a check bug must not cost the other findings
            failures.append(
                f"rule {plan.code} failed ({_describe(error)}); its findings are missing"
            )
            continue
        for violation in violations:
            severity = plan.severity
            if violation.severity is not None and not plan.configured:
                severity = violation.severity
            yield (
                plan.code,
                severity,
                violation.message,
                violation.span,
                violation.anchor,
                violation,
            )


def _finish(
    job: FileJob,
    source: SourceFile,
    document: Document | None,
    raw: list[RawFinding],
    enabled: AbstractSet[str],
    catalog: Catalog,
    config: Config,
    result: FileResult,
) -> None:
    lines = source.lines
    construct_end = document.construct_end if document is not None else (lambda line: line)
    suppressions: list[Suppression] = []
    problems: list[SuppressionProblem] = []
    if job.language in COMMENT_LANGUAGES and lines:
        suppressions, problems = parse_suppressions(
            lines,
            catalog,
            construct_end,
            hadolint_pragmas=job.language == "dockerfile" and config.hadolint_pragmas,
            allowed=config.inline_suppressions,
            comments=python_comments(source.text) if job.language == "python" else None,
        )
    raised: frozenset[str] = frozenset()
    if job.language == "dockerfile" and lines and "check" in getattr(document, "directives", ()):
        directive = check_directive(lines, catalog)
        suppressions += [directive.skipped] if directive.skipped else []
        raised = directive.errors
    fingerprints = _Fingerprints(job.repo_path)
    coverage = Coverage(suppressions)
    for code, severity, message, span, anchor, violation in sorted(
        raw, key=lambda item: (item[3].line, item[3].column, item[0], item[2])
    ):
        anchor_text = anchor if anchor is not None else source.line(span.line)
        finding = Finding(
            code=code,
            name=catalog.rules[code].name,
            severity=Severity.ERROR if code in raised else severity,
            message=message,
            path=job.display_path,
            span=span,
            fingerprint=fingerprints.next(code, anchor_text),
            peer=(violation.peer if violation else None) or _single_peer(catalog, code),
            fix=violation.fix if violation else None,
            related=violation.related if violation else (),
        )
        covering = coverage.first(code, span.line)
        if covering is not None:
            covering.used.add(code)
            result.suppressed.append(_suppressed(finding, covering.reason))
        else:
            result.findings.append(finding)
    for problem in [*problems, *unused(suppressions, enabled)]:
        if problem.code in enabled:
            rule = catalog.rules[problem.code]
            anchor_text = source.line(problem.span.line)
            result.findings.append(
                Finding(
                    code=problem.code,
                    name=rule.name,
                    severity=rule.severity,
                    message=problem.message,
                    path=job.display_path,
                    span=problem.span,
                    fingerprint=fingerprints.first(problem.code, anchor_text),
                )
            )


def _single_peer(catalog: Catalog, code: str) -> str | None:
    """A rule with exactly one hadolint equivalent names it on every finding."""
    peers = catalog.rules[code].peers.get("hadolint", ())
    return peers[0] if len(peers) == 1 else None


def _suppressed(finding: Finding, reason: str | None) -> Finding:
    return finding._replace(suppressed=True, suppression_reason=reason or "inline suppression")


# --------------------------------------------------------------------------- the run


def display_path(path: Path | str, cwd: Path | str) -> str:
    """Relative to `cwd` when under it, else absolute; POSIX separators; UTF-8 whatever the
    locale (reader.utf8_name)."""
    absolute = os.path.abspath(path)
    prefix = os.path.join(os.path.abspath(cwd), "")
    shown = absolute[len(prefix) :] if absolute.startswith(prefix) else absolute
    return reader.utf8_name(shown.replace(os.sep, "/"))


def repo_path(path: Path | str, root: Path | str) -> str:
    return display_path(path, root)


class Collected(NamedTuple):
    """The files a run will check, and what discovery learned on the way."""

    jobs: list[FileJob]
    missing: list[str]
    candidates: list[Candidate]
    project: Project
    parsed: dict[str, Document]  # absolute path -> document parsed while linking


def collect_jobs(paths: list[str], settings: Settings, store: Cache | None = None) -> Collected:
    config = settings.config
    tree = settings.configs
    walk_paths = [path for path in paths if path != "-"]
    candidates, missing = discover(
        walk_paths,
        config.exclude,
        config.root,
        config.files,
        force_exclude=settings.force_exclude,
        git_root=settings.project_root if (settings.project_root / ".git").exists() else None,
        tree=tree,
    )
    if tree is not None:
        if "-" in paths:
            tree.for_file(settings.cwd / settings.stdin_filename)
        # The link stage reads what any file's rules need.
        for resolved in tree.resolved():
            settings.enabled |= resolved.enabled
    # The repository is the unit of trust: a compose file given alone (as pre-commit passes it)
    # still reads the Dockerfile it builds, while nothing outside the repository is read.
    roots = reader.scan_roots([*walk_paths, settings.project_root])
    project = Project(root=settings.project_root, roots=roots)
    parsed = project.parsed
    if any(c.language == "compose" for c in candidates):
        candidates = _link_compose(candidates, settings, project, parsed, store)
    candidates = _python_scope(candidates, settings, project)
    jobs = []
    for candidate in candidates:
        if candidate.language is None:
            continue
        # A job's three paths often agree (a walked path is absolute already; shown paths are
        # absolute outside the working directory; it is often the project root): one string
        # for equal ones, not up to three per file for the whole run.
        location = candidate.location
        absolute = _same(os.path.abspath(location), location)
        shown = _same(display_path(location, settings.cwd), absolute)
        jobs.append(
            FileJob(
                path=absolute,
                display_path=shown,
                repo_path=_same(repo_path(location, settings.project_root), shown),
                language=candidate.language,
                reason=candidate.reason,
                config=tree.for_file(absolute).key if tree is not None else "",
            )
        )
    if "-" in paths and settings.stdin_text is not None:
        name = settings.stdin_filename
        # Standard input is judged by the config of the directory its name puts it in.
        stdin_config = settings.config_for(settings.cwd / name)
        language, reason = classify_name(
            Path(name), stdin_config.files, stdin_config.anchor("files")
        )
        if language is None or language == "python":
            language, reason = classify_content(settings.stdin_text[:8192])
        if language is not None:
            jobs.append(
                FileJob(
                    "",
                    name,
                    name,
                    language,
                    f"stdin ({reason})",
                    text=_normalise_newlines(settings.stdin_text),
                    config=tree.for_file(settings.cwd / name).key if tree is not None else "",
                )
            )
        candidates.append(Candidate(str(Path(name)), language, f"stdin ({reason})", True))
    _link_facts(jobs, settings, project)
    jobs.sort(key=lambda job: job.display_path)
    _link_requirements(jobs, settings, project)
    missing = [reader.utf8_name(path) for path in missing]
    return Collected(jobs, missing, candidates, project, parsed)


def _same(text: str, other: str) -> str:
    """`other` when it is equal to `text`: one string where two would be kept."""
    return other if text == other else text


def _python_scope(
    candidates: list[Candidate], settings: Settings, project: Project
) -> list[Candidate]:
    """Python files count only inside a build context (a Dockerfile's directory, found in the
    run or upward from the file; a compose build context), in `python.paths`, or as deploy
    scripts (pyinfra, Fabric). The files come from discovery: nothing is walked twice."""
    python = [c for c in candidates if c.language == "python"]
    if not python:
        return candidates
    from infralint import pyscope

    cwd = settings.cwd
    configs = [r.config for r in settings.configs.resolved()] if settings.configs else []
    configured = [
        config.anchor("python") / path
        for config in configs or [settings.config]
        for path in config.python.get("paths", [])
    ]
    contexts = [
        (link.context, f"{display_path(link.compose_path, cwd)} service {link.service}")
        for link in project.links
    ]
    decisions = pyscope.classify_python_files(
        [c.path for c in python],
        [c.path for c in candidates if c.language == "dockerfile"],
        contexts,
        list(dict.fromkeys(configured)),
        project.root,
    )
    result = []
    for candidate in candidates:
        if candidate.language != "python":
            result.append(candidate)
            continue
        in_scope, reason = decisions[Path(os.path.abspath(candidate.path))]
        if not in_scope and pyscope.is_deploy_script(
            candidate.path, _read_head(candidate.path, project.roots)
        ):
            in_scope, reason = True, "deploy script (pyinfra/Fabric)"
        language = "python" if in_scope else None
        result.append(Candidate(candidate.location, language, reason, candidate.explicit))
    return result


def _read_head(path: Path, roots: reader.Roots) -> str:
    """The first 64 KiB of a file inside the roots ("" when refused: no deploy script)."""
    try:
        return reader.read_head(path, roots, 65536).decode("utf-8", errors="replace")
    except reader.ReadRefused:
        return ""


def _link_compose(
    candidates: list[Candidate],
    settings: Settings,
    project: Project,
    parsed: dict[str, Document],
    store: Cache | None,
) -> list[Candidate]:
    """Read each compose file's `build:` links; lint linked Dockerfiles in the same run.

    The links of an unchanged file come from the cache, so a warm run parses no YAML."""
    from infralint import project_links
    from infralint.parsers import compose

    # What the build rules ask of the disk is recorded on Project, afresh each run (never
    # cached); without them it is asked all the same (links name existing Dockerfiles only),
    # but kept off Project and so out of the results cache key.
    recorded = settings.enabled & BUILD_PATH_RULES
    disk = project_links.DiskPaths.of(project if recorded else None)
    referring: list[Candidate] = []  # files that extend or include others
    for candidate in candidates:
        if candidate.language != "compose":
            continue
        absolute = os.path.abspath(candidate.location)
        try:
            text = read_text(absolute, settings.config_for(absolute).max_file_size, project.roots)
        except ParseError:
            continue  # reported when the file itself is checked
        cached = _unchanged_links(store, absolute, text, disk) if store else None
        if cached is not None:
            links, queries = cached
        else:
            source = SourceFile(
                Path(absolute), display_path(candidate.path, settings.cwd), text, "compose"
            )
            try:
                document = compose.parse(source)
            except ParseError:
                continue
            except Exception:  # a parser bug: reported when the file itself is checked
                continue
            if len(parsed) < PARSED_KEEP:
                parsed[absolute] = document
            links = project_links.build_project(settings.project_root, [document], disk)
            queries = project_links.build_queries(document)
            if store is not None:
                basis = project_links.link_basis(disk, queries)
                store.put_links(absolute, text, links, queries, basis)
        if recorded:
            project_links.probe_builds(disk, queries)
        # Links into directories outside the scanned tree are dropped: nothing there is read.
        project.links.extend(link for link in links if _link_inside(link, project.roots))
        if settings.enabled & {"DC508", "DC509"}:  # what they quote from each build's Dockerfile
            project_links.read_dockerfiles(project, links)
        if ("extends" in text and "file" in text) or "include" in text:
            referring.append(candidate)
    if referring:
        _link_other_compose_files(referring, candidates, settings, project, disk)
    known = {os.path.abspath(c.location) for c in candidates if c.language}
    extra = []
    for dockerfile in sorted(project.linked_dockerfiles()):
        # A Dockerfile outside the scanned tree is never read (nor is its content reported).
        if str(dockerfile) in known or not reader.inside(dockerfile, project.roots):
            continue
        if dockerfile.is_file():
            extra.append(
                Candidate(str(dockerfile), "dockerfile", "build: of a compose file in the run")
            )
            known.add(str(dockerfile))
    return candidates + extra


def _link_other_compose_files(
    referring: list[Candidate],
    candidates: list[Candidate],
    settings: Settings,
    project: Project,
    disk: DiskPaths,
) -> None:
    """Builds from other compose files: inherited through `extends: file:` (paths relative to
    the file that declares `build:`), and of files `include:` names that the run does not
    check. Not in the links cache: they depend on other files (and the results cache key covers
    them through Project)."""
    from infralint import compose_builds, project_links
    from infralint.parsers import compose

    documents = []
    for candidate in referring:
        absolute = os.path.abspath(candidate.path)
        document = project.parsed.get(absolute)
        if document is None:
            try:
                text = read_text(
                    absolute, settings.config_for(absolute).max_file_size, project.roots
                )
                source = SourceFile(
                    Path(absolute), display_path(candidate.path, settings.cwd), text, "compose"
                )
                document = compose.parse(source)
            except Exception:  # a parse error or parser bug: reported when the file is checked
                continue
            project.parsed[absolute] = document
        documents.append(document)
    checked = {os.path.abspath(c.location) for c in candidates if c.language == "compose"}
    links = compose_builds.link_other_files(project, documents, disk, checked)
    project.links.extend(link for link in links if _link_inside(link, project.roots))
    if settings.enabled & {"DC508", "DC509"}:
        project_links.read_dockerfiles(project, links)


def _unchanged_links(
    store: Cache, absolute: str, text: str, disk: DiskPaths
) -> tuple[list[BuildLink], list[BuildQuery]] | None:
    """The cached links and build queries of a compose file, unless the disk now answers its
    builds' queries differently (a Dockerfile created, removed or re-pointed)."""
    from infralint import project_links

    cached = store.get_links(absolute, text)
    if cached is None:
        return None
    links, queries, basis = cached
    if project_links.link_basis(disk, queries) != basis:
        return None
    return links, queries


def _link_requirements(jobs: list[FileJob], settings: Settings, project: Project) -> None:
    """Read the requirements files DF121 consults, once, here: the check reads no file, and
    the cache key (which covers the Project) sees what was read."""
    if "DF121" not in settings.enabled:
        return
    from infralint.checks.dockerfile import df121
    from infralint.parsers import dockerfile

    tried: set[str] = set()
    for job in jobs:
        if job.language != "dockerfile":
            continue
        try:
            text = (
                job.text
                if job.text is not None
                else read_text(job.path, settings.config_for(job.path).max_file_size, project.roots)
            )
        except ParseError:
            continue  # reported when the file itself is checked
        if "pip" not in text:  # every pip call names it: pip3, python -m pip, uv pip
            continue
        path = Path(job.path or job.display_path)
        try:
            document = dockerfile.parse(SourceFile(path, job.display_path, text, job.language))
        except Exception:  # a parse error or parser bug: reported when the file is checked
            continue
        for candidate in df121.requirement_files(document):
            key = str(candidate)
            if key in tried:
                continue
            tried.add(key)
            found = reader.read_text_or_none(candidate, project.roots, 5_000_000)
            if found is not None:
                project.hashed_requirements[key] = df121.pins_hashes(found)


def linked_checks_rules() -> frozenset[str]:
    """The rules whose facts linked_checks.link_facts reads (that module imports parsers)."""
    return LINKED_RULES


# Kept here so that a run that enables none of them does not import linked_checks.
LINKED_RULES = frozenset(
    {"DF104", "DF105", "DF106", "DF107", "DF108", "DF109", "DF110", "DF111", "DF112", "DF113",
     "DC101", "DC102", "DC103", "DC104", "DC106", "DC503", "DC504", "DC304", "CB105", "CB401"}
)  # fmt: skip


def _link_facts(jobs: list[FileJob], settings: Settings, project: Project) -> None:
    """Read, once and here, what checks quote from other files: the names sibling compose files
    declare, the Dockerfiles stdin builds, the scripts deploys upload, the INI files of
    fileConfig. Checks never touch the disk, and the facts, kept on Project, are part of the
    results cache key. Reads happen only for the rules that need them."""

    def parse(job: FileJob, text: str) -> Any:
        source = SourceFile(
            Path(job.path or job.display_path), job.display_path, text, job.language, job.reason
        )
        try:
            return registry.parser_module(job.language).parse(source)
        except Exception:  # reported when the file itself is checked
            return None

    enabled = settings.enabled
    if enabled & linked_checks_rules():
        from infralint import linked_checks  # extends/include, dev containers, scripts, Chef

        linked_checks.link_facts(jobs, settings, project)
    compose = [job for job in jobs if job.language == "compose"]
    if compose and enabled & {*SIBLING_RULES, *BUILD_PATH_RULES}:
        from infralint import project_links  # imports the YAML parser: only for compose runs

        paths = [Path(job.path or job.display_path) for job in compose]
        if enabled & SIBLING_RULES:
            project_links.read_compose_siblings(project, [p for p in paths if p.is_absolute()])
        if enabled & BUILD_PATH_RULES:
            # The builds of compose files were read by _link_compose; stdin's are read here.
            parsed = (parse(job, job.text) for job in compose if job.text is not None)
            stdin = [document for document in parsed if document is not None]
            probe = project_links.DiskPaths.of(project)
            links = project_links.build_project(settings.project_root, stdin, probe)
            for document in stdin:
                project_links.probe_builds(probe, project_links.build_queries(document))
            if enabled & {"DC508", "DC509"}:
                project_links.read_dockerfiles(project, links)
    if compose and "DC512" in enabled:
        _link_env_files(compose, settings, project)
    if "DF529" in enabled:
        from infralint import dockerignore

        dockerfiles = [Path(job.path) for job in jobs if job.language == "dockerfile" and job.path]
        dockerignore.read_dockerignores(project, [p for p in dockerfiles if p.is_absolute()])
    if not enabled & {"PY201", "PY301"}:
        return
    documents = []
    for job in jobs:
        if job.language != "python":
            continue
        try:
            text = job.text
            if text is None:
                text = read_text(
                    job.path, settings.config_for(job.path).max_file_size, project.roots
                )
        except ParseError:
            continue  # reported when the file itself is checked
        if "fileConfig" in text or ("pyinfra" in text and "script" in text):
            documents.append(parse(job, text))  # else it names no file PY201 or PY301 reads
    if any(documents):
        from infralint import project_links

        project_links.read_python_facts(project, filter(None, documents))


def _link_env_files(compose: list[FileJob], settings: Settings, project: Project) -> None:
    """Whether the env files compose files name exist (DC512), asked here, inside the scanned
    tree only: a path outside it is not looked at, and the check does not judge it."""
    from infralint import project_links
    from infralint.parsers import compose as compose_parser

    documents = []
    for job in compose:
        if not job.path:
            continue  # stdin: its env files are relative to no directory we know
        document = project.parsed.get(job.path)
        if document is None:
            try:
                text = read_text(job.path, settings.config.max_file_size, project.roots)
            except ParseError:
                continue  # reported when the file itself is checked
            if "env_file" not in text:
                continue
            source = SourceFile(Path(job.path), job.display_path, text, "compose", job.reason)
            try:
                document = compose_parser.parse(source)
            except Exception:  # a parse error or parser bug: reported when the file is checked
                continue
            project.parsed[job.path] = document
        documents.append(document)
    probe = project_links.DiskPaths.of(project)
    for document in documents:
        for entry in project_links.env_files(document):
            path = entry.path
            if not entry.required or path is None or not reader.inside(path, project.roots):
                continue
            if probe.kind(path) == "" and str(path) not in project.gitignored:
                project.gitignored[str(path)] = _gitignored(path, settings.project_root)


def _gitignored(path: Path, root: Path) -> bool:
    """Whether the .gitignore files from `root` down to `path` exclude it: an env file created
    on each machine (and kept out of git) is missing from a checkout on purpose."""
    from infralint.discovery import IgnoreRules

    absolute = os.path.normpath(os.path.abspath(path))
    top = os.path.abspath(root)
    relative = os.path.relpath(os.path.dirname(absolute), top)
    if relative.startswith(".."):
        return False
    specs = []
    directory = top
    for part in [] if relative == "." else relative.split(os.sep):
        spec = IgnoreRules.load(directory)
        if spec is not None:
            specs.append((directory, spec))
        directory = os.path.join(directory, part)
    spec = IgnoreRules.load(directory)
    if spec is not None:
        specs.append((directory, spec))
    return IgnoreRules.gitignored(absolute, False, specs)


def _link_inside(link: BuildLink, roots: reader.Roots) -> bool:
    return reader.inside(link.context, roots) and (
        link.dockerfile is None or reader.inside(link.dockerfile, roots)
    )


def _not_read_notes(candidates: list[Candidate], cwd: Path) -> list[Notification]:
    """Files discovery refused to read (a link out of the tree, an ignore file that is a FIFO):
    a note in every report, so a skipped file is never silent."""
    return [
        Notification(candidate.reason, display_path(candidate.location, cwd), Severity.NOTE)
        for candidate in candidates
        if candidate.language is None and candidate.reason.startswith(NOT_READ)
    ]


def run(paths: list[str], settings: Settings) -> RunResult:
    """Check PATHS; with `settings.fix`, fix first and check again what changed (as ruff's
    lint_fix does); with `settings.baseline`, report the findings it holds as suppressed."""
    # The fix loop works on the list of findings (baselined ones too); other runs may spill
    # it, and match the baseline a file at a time as results arrive.
    spill = settings.spill_findings and settings.fix is None
    streamed_baseline = settings.baseline if settings.fix is None else None
    result, jobs, context = _run_once(paths, settings, spill, streamed_baseline)
    if settings.fix is not None:
        from infralint.fixing import fix_files

        def recheck(job: FileJob, text: str) -> list[Finding]:
            return check_text(job, context, text)

        report = fix_files(
            jobs, result.findings, recheck, settings.config.max_file_size, settings.fix
        )
        if settings.fix.write and report.changed_files:
            result = _run_once(paths, settings, False)[0]
        result.fixes = report
    if settings.baseline is not None and streamed_baseline is None:
        _apply_baseline(result, settings.baseline)
    return result


def _apply_baseline(result: RunResult, entries: list[Entry]) -> None:
    """The baseline is the run's last suppression layer: the findings its entries hold join the
    inline-suppressed ones."""
    from infralint.baseline import apply

    applied = apply(result.findings, entries, result.repo_paths)
    result.findings = applied.new
    result.suppressed = sorted([*result.suppressed, *applied.baselined], key=lambda f: f.sort_key)
    result.stale_baseline = len(applied.stale)


def _run_once(
    paths: list[str], settings: Settings, spill: bool = False, baseline: list[Entry] | None = None
) -> tuple[RunResult, list[FileJob], WorkerContext]:
    store = None
    if settings.use_cache:
        from infralint import cache

        store = cache.Cache.open(settings)
    collected = collect_jobs(paths, settings, store)
    jobs, missing = collected.jobs, collected.missing
    # What the reports need of discovery's candidates (every path it looked at) is the notes
    # on files it did not read: the rest is let go before the files are checked.
    notes = _not_read_notes(collected.candidates, settings.cwd)
    parsed, project = collected.parsed, collected.project
    del collected
    if settings.configs is not None:  # no more walking: each job knows its configuration
        settings.configs.forget_directories()
    context = WorkerContext(
        catalog_dir=str(next(iter(settings.catalog)).path.parent),
        config=settings.config,
        enabled=settings.enabled,
        project=project,
        want_fixes=settings.want_fixes,
        configs=_job_configs(jobs, settings),
        shellcheck=_shellcheck_binary(settings.enabled, jobs),
    )
    # Only the paths shown otherwise: every reader falls back to the shown path.
    repo_paths = {
        job.display_path: job.repo_path for job in jobs if job.repo_path != job.display_path
    }
    folded = _Folded(spill and len(jobs) >= SPILL_THRESHOLD, notes, baseline, repo_paths)
    _execute(jobs, context, settings, store, parsed, folded)
    folded.findings.sort(key=lambda f: f.sort_key)
    folded.suppressed.sort(key=lambda f: f.sort_key)
    folded.notifications.sort(key=lambda n: (n.path or "", n.rule or "", n.message))
    run_result = RunResult(
        findings=folded.findings,
        suppressed=folded.suppressed_log or folded.suppressed,
        notifications=folded.notifications,
        files_checked=len(jobs),
        checked_paths=[job.display_path for job in jobs],
        missing_paths=missing,
        repo_paths=repo_paths,
        cache_notes=store.notes if store is not None else [],
        finding_log=folded.log,
        stale_baseline=len(folded.matcher.stale()) if folded.matcher is not None else 0,
    )
    return run_result, jobs, context


class _Folded:
    """The run's results, folded in as each file's arrive: nothing is kept per file.

    A 10,000-file run kept a FileResult (three lists) per file until the last one arrived.
    In a large run (`spill`) the findings, and the suppressed ones, go to logs on disk as they
    arrive; a baseline is matched a file at a time on the way."""

    def __init__(
        self,
        spill: bool,
        notifications: list[Notification],
        baseline: list[Entry] | None = None,
        repo_paths: dict[str, str] | None = None,
    ) -> None:
        self.log: FindingLog | None = None
        self.suppressed_log: FindingLog | None = None
        if spill:
            from infralint.finding_log import FindingLog

            self.log, self.suppressed_log = FindingLog(), FindingLog()
        self.findings: list[Finding] = []
        self.suppressed: list[Finding] = []
        self.notifications = notifications
        self.matcher: Matcher | None = None
        if baseline is not None:
            from infralint.baseline import Matcher

            self.matcher = Matcher(baseline)
        self._repo_paths = repo_paths or {}

    def add(self, result: FileResult, shown: str) -> None:
        """Fold in the result of the file shown as `shown`."""
        findings, suppressed = result.findings, result.suppressed
        if self.matcher is not None:
            ordered = sorted(findings, key=lambda f: f.sort_key)  # as the run's list would be
            findings, baselined = self.matcher.split(ordered, self._repo_paths)
            suppressed = [*suppressed, *baselined]
        if self.log is not None and self.suppressed_log is not None:
            self.log.add(findings, shown)  # a large run: the findings leave the heap
            self.suppressed_log.add(suppressed, shown)
        else:
            self.findings.extend(findings)
            self.suppressed.extend(suppressed)
        self.notifications.extend(result.notifications)


def _job_configs(
    jobs: list[FileJob], settings: Settings
) -> dict[str, tuple[Config, frozenset[str]]]:
    if settings.configs is None:
        return {}
    used = {job.config for job in jobs}
    return {r.key: (r.config, r.enabled) for r in settings.configs.resolved() if r.key in used}


def _shellcheck_binary(enabled: frozenset[str], jobs: list[FileJob]) -> Binary | None:
    """The shellcheck binary, when an SC rule is enabled and a file with scripts is checked."""
    if not any(job.language in SHELLCHECK_LANGUAGES for job in jobs):
        return None
    from infralint.peer_codes import shellcheck_codes

    if enabled.isdisjoint(shellcheck_codes()):
        return None
    from infralint.shellcheck.runner import find_binary

    return find_binary()


# Files per ShellCheck batch: its scripts go to one process (see _chunks).
SHELLCHECK_FILES = 256


def _chunks(items: list[int], workers: int) -> list[list[int]]:
    """Pending files in runs that each go to one worker call, so that their scripts share a
    ShellCheck process: large enough to start few processes, small enough to spread the work."""
    size = SHELLCHECK_FILES
    if workers > 1:
        size = max(8, min(SHELLCHECK_FILES, -(-len(items) // (workers * 2))))
    return [items[start : start + size] for start in range(0, len(items), size)]


def _execute(
    jobs: list[FileJob],
    context: WorkerContext,
    settings: Settings,
    store: Cache | None,
    parsed: dict[str, Document],
    folded: _Folded,
) -> None:
    """Check every job (from the cache, locally or in worker processes), each file's result
    cached and folded in as it arrives."""

    def finish(index: int, result: FileResult, computed: bool = True) -> None:
        if store is not None and computed:
            store.put(jobs[index], context, result)
        folded.add(result, jobs[index].display_path)

    pending: list[int] = []
    for index, job in enumerate(jobs):
        cached = store.get(job, context) if store else None
        if cached is not None:
            finish(index, cached, computed=False)
        else:
            pending.append(index)
    # Compose files were parsed in this process to link them to their Dockerfiles; they are
    # checked here too, with that parse (while the workers, if any, check the rest).
    local = [i for i in pending if jobs[i].path in parsed]
    pending = [i for i in pending if jobs[i].path not in parsed]

    def check_local() -> None:
        # A chunk at a time, so that their shell scripts share a ShellCheck process.
        for start in range(0, len(local), SHELLCHECK_FILES):
            chunk = local[start : start + SHELLCHECK_FILES]
            # Popped: a checked document (and the Dockerfiles its checks read) can be freed.
            documents = {jobs[index].path: parsed.pop(jobs[index].path) for index in chunk}
            checked = check_files([jobs[index] for index in chunk], context, documents)
            for index, result in zip(chunk, checked, strict=True):
                finish(index, result)

    def arrived(position: int, result: FileResult) -> None:
        finish(pending[position], result)

    done = len(jobs) - len(pending)
    workers = min(settings.jobs, len(pending))
    if context.shellcheck is not None:
        chunks = _chunks(pending, workers if len(pending) >= PARALLEL_THRESHOLD else 1)
        _execute_chunks(jobs, chunks, context, workers, check_local, settings, arrived)
    elif workers > 1 and len(pending) >= PARALLEL_THRESHOLD:
        with _worker_pool(workers, context) as pool:
            batch = [jobs[i] for i in pending]
            chunk = max(1, min(32, len(batch) // (workers * 8)))
            # map() submits every chunk at once: the workers start before the local checks.
            results_iter = pool.map(_check_one, batch, chunksize=chunk)
            check_local()
            _with_progress(results_iter, len(jobs), done, settings, arrived)
    else:
        check_local()
        checked = (check_file(jobs[i], context) for i in pending)
        _with_progress(checked, len(jobs), done, settings, arrived)
    if store is not None:
        store.save()


@contextmanager
def _worker_pool(workers: int, context: WorkerContext) -> Iterator[ProcessPoolExecutor]:
    """A process pool that, when interrupted (or failed), stops at once: a plain `with` block
    would first finish every queued file, and a worker outliving us keeps our output open."""
    from concurrent.futures import ProcessPoolExecutor

    from infralint.interrupts import stop_pool

    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(context, os.getpid())
    )
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown()


def _execute_chunks(
    jobs: list[FileJob],
    chunks: list[list[int]],
    context: WorkerContext,
    workers: int,
    check_local: Callable[[], None],
    settings: Settings,
    arrived: Callable[[int, FileResult], None],
) -> None:
    """Like the per-file paths of _execute, a chunk of files at a time (ShellCheck batches)."""
    pending = sum(len(chunk) for chunk in chunks)
    done = len(jobs) - pending
    batches = [[jobs[i] for i in chunk] for chunk in chunks]
    position = 0

    def gather(results: Iterable[list[FileResult]]) -> None:
        nonlocal position
        for batch in results:
            for result in batch:
                arrived(position, result)
                position += 1
            if settings.on_progress is not None:
                settings.on_progress(done + position, len(jobs))

    if workers > 1 and len(chunks) > 1:
        with _worker_pool(workers, context) as pool:
            results_iter = pool.map(_check_many, batches)
            check_local()
            gather(results_iter)
    else:
        check_local()
        gather(check_files(batch, context) for batch in batches)


def tune_gc() -> None:
    """Collect cyclic garbage less often: a run makes little of it, but keeps every finding.

    With the default threshold (700) the collector's full passes over the growing list of
    findings took 1.1 s of a 22 s, 10,000-file run; at 10,000 they take 0.2 s, and peak memory
    is unchanged. Set for the CLI process and every worker (spawned workers start afresh).
    What exists when it is called (modules, tables) lives as long as the process: frozen, the
    collector never scans it again, and forked workers do not copy it by touching it.
    """
    import gc

    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    gc.enable()


def _with_progress(
    results: Iterable[FileResult],
    total: int,
    done: int,
    settings: Settings,
    arrived: Callable[[int, FileResult], None],
) -> None:
    for position, result in enumerate(results):
        arrived(position, result)
        if settings.on_progress is not None:
            settings.on_progress(done + position + 1, total)


# The run's context, sent once to each worker process: sent with every job, it was pickled
# once per file (with every compose link of the project, so the cost grew with files x links),
# and each job rebuilt the check plans.
_WORKER: dict[str, WorkerContext] = {}


def _start_worker(context: WorkerContext, parent_pid: int) -> None:
    from infralint.interrupts import start_worker

    start_worker(parent_pid)
    _WORKER["context"] = context
    tune_gc()


def _check_one(job: FileJob) -> FileResult:
    return check_file(job, _WORKER["context"])


def _check_many(jobs: list[FileJob]) -> list[FileResult]:
    return check_files(jobs, _WORKER["context"])


def check_text(job: FileJob, context: WorkerContext, text: str) -> list[Finding]:
    """Lint `text` as if it were the content of `job`'s file (used to re-check fixes)."""
    return check_file(job._replace(text=text), context).findings


# --------------------------------------------------------------------------- editors


def link_workspace(settings: Settings, paths: list[str] | None = None) -> Collected:
    """Discovery and the link stage over `paths` (default: `settings.cwd`), as `infralint check`
    run there does them: run once and kept by a long-lived caller (the language server) for
    `check_document`."""
    return collect_jobs(paths or [str(settings.cwd)], settings)


def document_context(settings: Settings, collected: Collected) -> WorkerContext:
    """The check context `check_document` uses; keep it while the links hold (it caches the
    check plans)."""
    return WorkerContext(
        catalog_dir=str(next(iter(settings.catalog)).path.parent),
        config=settings.config,
        enabled=settings.enabled,
        project=collected.project,
        want_fixes=True,  # an editor offers every fix as a code action
        configs={r.key: (r.config, r.enabled) for r in settings.configs.resolved()}
        if settings.configs
        else {},
    )


def links_inside(links: Iterable[BuildLink], roots: reader.Roots) -> list[BuildLink]:
    """The links the link stage keeps: context and Dockerfile inside the scanned roots."""
    return [link for link in links if _link_inside(link, roots)]


def document_job(path: Path, settings: Settings, collected: Collected) -> FileJob | None:
    """The job a run of the whole project gives `path`, or, for a file discovery has not seen
    (new, not saved yet), the one its name gives; None when a run would not check it."""
    absolute = os.path.abspath(path)
    for job in collected.jobs:
        if job.path == absolute:
            return job
    if any(os.path.abspath(c.location) == absolute for c in collected.candidates):
        return None  # excluded, or Python outside every build context
    config = settings.config_for(absolute)  # the configuration that governs the file
    language, reason = classify_name(Path(absolute), config.files)
    if language is None or language == "python":
        return None  # whether Python is in scope is known once it is on disk
    from infralint.discovery import IgnoreRules

    if IgnoreRules(config.exclude, config.root).excluded_by_config(absolute, False):
        return None
    return FileJob(
        path=absolute,
        display_path=display_path(absolute, settings.cwd),
        repo_path=repo_path(absolute, settings.project_root),
        language=language,
        reason=reason,
        config=settings.configs.for_file(absolute).key if settings.configs else "",
    )


def check_document(
    job: FileJob, text: str, settings: Settings, context: WorkerContext
) -> FileResult:
    """Lint `text`, an editor's unsaved buffer, as the content of `job`'s file: the same checks,
    configuration, suppressions and baseline as `infralint check` over the project, with the
    links `context.project` holds. The buffer gets the CLI's limits: over `max-file-size`, or
    binary, it is one IL001 finding and is not parsed."""
    raw = text.encode("utf-8", "surrogatepass")
    config, enabled = _governing(job, settings, context)
    limit = config.max_file_size
    try:
        if len(raw) > limit:
            raise ParseError(
                f"file is {len(raw):,} bytes, over the max-file-size limit of {limit:,}"
            )
        text = decode(raw)
    except ParseError as error:
        return _unreadable_buffer(job, error, config, set(enabled), context)
    result = check_file(job._replace(text=text), context)
    if settings.baseline is not None:
        from infralint.baseline import apply

        applied = apply(result.findings, settings.baseline, {job.display_path: job.repo_path})
        result.findings = applied.new
        result.suppressed = sorted(
            [*result.suppressed, *applied.baselined], key=lambda f: f.sort_key
        )
    return result


def _governing(
    job: FileJob, settings: Settings, context: WorkerContext
) -> tuple[Config, frozenset[str]]:
    """The configuration that governs the job's file, and the rules it enables."""
    return context.settings_for(job)


def _unreadable_buffer(
    job: FileJob, error: ParseError, config: Config, enabled: set[str], context: WorkerContext
) -> FileResult:
    from infralint.catalog import load_catalog

    catalog = load_catalog(Path(context.catalog_dir))
    result = FileResult()
    raw: list[RawFinding] = []
    if "IL001" in enabled:
        severity, message, span = _il001(error, catalog, config)
        raw.append(("IL001", severity, message, span, None, None))
    source = SourceFile(Path(job.path), job.display_path, "", job.language)
    _finish(job, source, None, raw, enabled, catalog, config, result)
    return result
