"""`infralint check`: its options, and the run itself, without the typer front end.

The typer command in cli.py and the start-up fast path in entry.py both build a CheckOptions and
call run_check, so the two ways in cannot drift apart. Nothing here imports typer: importing it
and building its command tree costs more than linting a small Dockerfile.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from infralint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# ruff's names where they mean the same; `text` (the default) is also accepted (reporters/).
FORMATS = (
    "concise",
    "full",
    "grouped",
    "json",
    "json-lines",
    "rdjson",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "checkstyle",
    "azure",
)
ACCEPTED_FORMATS = ("text", *FORMATS)
TEXT_FORMATS = frozenset({"text", "concise", "full", "grouped"})
THRESHOLDS = ("error", "warning", "note", "never")
SEVERITIES = ("note", "warning", "error")

if TYPE_CHECKING:
    from infralint import engine
    from infralint.baseline import Entry
    from infralint.catalog import Catalog
    from infralint.config import Config
    from infralint.config_tree import ConfigTree, Resolved
    from infralint.engine import RunResult
    from infralint.fixing import FixReport
    from infralint.model import Finding
    from infralint.reporters import Report


class UsageError(Exception):
    """Exit status 2 with a one-line message."""


def fail(message: str) -> NoReturn:
    raise UsageError(message)


def warn(message: str) -> None:
    """One line on stderr; paths and values in it may come from the scanned tree."""
    from infralint.textsafe import visible

    print(visible(message), file=sys.stderr)


class CheckOptions(NamedTuple):
    """Every option of `infralint check`, as docs/interfaces.md lists them."""

    paths: list[str] | None = None
    format: list[str] | None = None
    output: Path | None = None
    select: list[str] | None = None
    extend_select: list[str] | None = None
    ignore: list[str] | None = None
    fail_on: str | None = None
    exit_zero: bool = False
    config: Path | None = None
    no_config: bool = False
    no_cache: bool = False
    jobs: int | None = None
    stdin_filename: str | None = None
    force_exclude: bool = False
    quiet: bool = False
    statistics: bool = False
    sarif_category: str | None = None
    project_root: Path | None = None
    baseline: Path | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    verbose: bool = False
    show_fixes: bool = False
    min_severity: str | None = None
    watch: bool = False


def run_check(options: CheckOptions) -> int:
    """Check, report, and return the exit status; raise UsageError for a bad invocation.
    With `--watch`, check again whenever a file changes, until interrupted."""
    return _watch(options) if options.watch else check_once(options)


EXIT_INTERRUPTED = 130
CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H"  # clear, drop the scrollback, cursor home


def _watch(options: CheckOptions) -> int:
    """Check now and after every change, until interrupted. Each round is a whole run: an
    edited config takes effect, and the cache makes only the changed files cost time."""
    from infralint import watch

    targets = options.paths or ["."]
    if "-" in targets:
        fail("--watch cannot watch standard input")
    existing = [path for path in targets if Path(path).exists()]
    if not existing:
        fail("--watch: none of the paths exists")
    reports = [str(target) for _, target in parse_outputs(options.format, options.output) if target]

    def run_round() -> None:
        if sys.stdout.isatty():
            sys.stdout.write(CLEAR_SCREEN)
        try:
            status = check_once(options)
        except UsageError as error:  # a config being edited: say so, wait for the next save
            warn(f"infralint: error: {error}")
            status = EXIT_ERROR
        sys.stdout.flush()
        warn(f"infralint: exit status {status}; watching for changes (Ctrl-C stops)")
        sys.stderr.flush()

    try:
        watch.watch(existing, reports, run_round)
    except watch.Unavailable as error:
        fail(str(error))
    except KeyboardInterrupt:
        pass
    return EXIT_INTERRUPTED


def check_once(options: CheckOptions) -> int:
    from infralint import engine
    from infralint.config import ConfigError
    from infralint.reporters import Report

    engine.tune_gc()
    cwd = Path.cwd()
    targets = options.paths or ["."]
    root = project_root(cwd, options.project_root, targets)
    catalog, tree, resolved = load_config_tree(
        options.config,
        options.no_config,
        options.select,
        options.extend_select,
        options.ignore,
        options.verbose,
        paths=targets,
        root=root,
    )
    cfg, enabled = resolved.config, set(resolved.enabled)
    enabled = _shellcheck_or_not(enabled, options, cfg)
    threshold = "never" if options.exit_zero else (options.fail_on or cfg.fail_on)
    if threshold not in THRESHOLDS:
        fail(f"--fail-on: expected error, warning, note or never, got {threshold!r}")
    shown_from = options.min_severity or cfg.min_severity
    if shown_from not in SEVERITIES:
        fail(f"--min-severity: expected note, warning or error, got {shown_from!r}")
    outputs = parse_outputs(options.format, options.output)
    stdin_text = sys.stdin.read() if "-" in targets else None
    jobs = options.jobs
    fix = None
    if options.fix or options.diff:
        from infralint.fixing import FixRequest

        fix = FixRequest(options.unsafe_fixes, write=not options.diff, targets=tuple(targets))
    settings = engine.Settings(
        config=cfg,
        catalog=catalog,
        enabled=frozenset(enabled),
        cwd=cwd,
        project_root=root,
        jobs=jobs if jobs and jobs > 0 else (os.cpu_count() or 1),
        use_cache=not options.no_cache,
        force_exclude=options.force_exclude,
        stdin_text=stdin_text,
        stdin_filename=options.stdin_filename or "-",
        fix=fix,
        baseline=_load_baseline(options.baseline) if options.baseline is not None else None,
        configs=tree,
        spill_findings=True,  # reports read findings one file at a time
    )
    progress = None if options.quiet else _progress_bar()
    settings.on_progress = progress.update if progress else None
    try:
        result = engine.run(targets, settings)
    except ConfigError as error:  # a config file found below the paths given
        fail(str(error))
    finally:
        if progress:
            progress.close()
    if options.verbose:
        report_unmapped(tree)
        for resolved in tree.resolved():
            warn(f"infralint: configuration in use: {describe_sources(resolved)}")
        for note in result.cache_notes:
            warn(f"infralint: {note}")
    if result.fixes is not None:
        _report_fixes(result.fixes, not options.diff, options.show_fixes, catalog)
        if options.diff:
            return EXIT_FINDINGS if result.fixes.changed_files else EXIT_CLEAN
    for missing in result.missing_paths:
        warn(f"infralint: error: {missing}: no such file or directory")
    if not result.files_checked and not result.missing_paths:
        warn(no_files_message(targets))
    if result.stale_baseline:
        warn(
            f"infralint: {_stale_entries(result.stale_baseline)} nothing any more "
            f"(run `infralint baseline update --prune`)"
        )
    everything = result.all_findings()
    shown = _at_least(everything, shown_from)
    report = Report(
        findings=shown,
        suppressed=_at_least(result.suppressed, shown_from),
        notifications=result.notifications,
        files_checked=result.files_checked,
        checked_paths=result.checked_paths,
        rules=[rule for rule in catalog if rule.code in settings.enabled],
        catalog=catalog,
        project_root=settings.project_root,
        cwd=cwd,
        tool_version=__version__,
        options={
            "quiet": options.quiet,
            "statistics": options.statistics,
            "sarif_category": options.sarif_category,
            "unsafe_fixes": options.unsafe_fixes,
            "fixed": result.fixes is not None,
            "hidden": (len(everything) - len(shown), shown_from),
        },
        source_lines=_read_lines if stdin_text is None else _with_stdin(settings, stdin_text),
    )
    try:
        for name, target in outputs:
            write_report(name, target, report)
        return exit_status(result, threshold)
    finally:
        result.close()


def _stale_entries(count: int) -> str:
    return "1 baseline entry matches" if count == 1 else f"{count} baseline entries match"


def _at_least(findings: Collection[Finding], level: str) -> Collection[Finding]:
    """The findings `--min-severity` lets every report show."""
    if level == "note":
        return findings
    from infralint.finding_log import FindingLog, FindingView
    from infralint.model import Severity

    bar = Severity(level).rank
    if isinstance(findings, FindingLog):
        return FindingView(findings, bar)
    return [finding for finding in findings if finding.severity.rank >= bar]


def write_report(name: str, target: Path | None, report: Report) -> None:
    """Render one format to standard output, or atomically to its file: a run that fails
    half-way (an internal error, a full disk) leaves the file as it was, never half a report."""
    from infralint.reporters import render_chunks

    tty = target is None and sys.stdout.isatty()
    options: dict[str, Any] = {**report.options, "tty": tty}
    if name in TEXT_FORMATS:
        from infralint.reporters.text import colour_enabled

        options["colour"] = target is None and colour_enabled(tty)
    chunks = render_chunks(name, report._replace(options=options))
    if target is None:
        # Undecodable file names are written back as the bytes they were (like `ls`).
        reconfigure = getattr(sys.stdout, "reconfigure", None)  # not on a replaced stdout
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="surrogateescape")
        sys.stdout.writelines(chunks)
        return
    write_output(target, chunks)


def write_output(target: Path, chunks: Iterable[str]) -> None:
    """Write a file the user named (a report, a baseline) whole or not at all."""
    data = (chunk.encode("utf-8", "surrogateescape") for chunk in chunks)
    try:
        if writes_in_place(target):
            with target.open("wb") as handle:
                handle.writelines(data)
        else:
            _write_file(target, data)
    except OSError as error:
        fail(f"cannot write {target}: {error.strerror or error}")


def writes_in_place(target: Path) -> bool:
    """`-o /dev/stdout`, `/dev/null`, `/proc/self/fd/3`: names of streams, not files. Replacing
    one would swap a system's device node or link for a regular file; they are written to."""
    return os.path.abspath(target).startswith(("/dev/", "/proc/"))


def _write_file(target: Path, data: Iterator[bytes]) -> None:
    """The user names the report file, but it may lie in the scanned tree, where a planted
    symbolic link would redirect an ordinary write: the writer replaces the name instead, and a
    file that was there keeps its permissions."""
    from infralint.writer import write_atomic

    if target.name in ("", ".", ".."):
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    directory = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            existing = os.stat(target.name, dir_fd=directory, follow_symlinks=False)
        except FileNotFoundError:
            existing = None
        if existing is not None and stat.S_ISDIR(existing.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory")
        if existing is not None and stat.S_ISREG(existing.st_mode):
            mode = stat.S_IMODE(existing.st_mode)
        else:
            mode = 0o666 & ~_umask()
        write_atomic(directory, target.name, data, mode=mode)
    finally:
        os.close(directory)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- the fast path

# The options of `check` that take a value, with the CheckOptions field and the value's type.
VALUE_OPTIONS: dict[str, tuple[str, type]] = {
    "-f": ("format", list),
    "--format": ("format", list),
    "--output-format": ("format", list),
    "-o": ("output", Path),
    "--output": ("output", Path),
    "--select": ("select", list),
    "--extend-select": ("extend_select", list),
    "--ignore": ("ignore", list),
    "--fail-on": ("fail_on", str),
    "--config": ("config", Path),
    "-j": ("jobs", int),
    "--jobs": ("jobs", int),
    "--stdin-filename": ("stdin_filename", str),
    "--sarif-category": ("sarif_category", str),
    "--project-root": ("project_root", Path),
    "--baseline": ("baseline", Path),
    "--min-severity": ("min_severity", str),
}
FLAG_OPTIONS: dict[str, str] = {
    "--exit-zero": "exit_zero",
    "--no-config": "no_config",
    "--no-cache": "no_cache",
    "--force-exclude": "force_exclude",
    "-q": "quiet",
    "--quiet": "quiet",
    "--statistics": "statistics",
    "--fix": "fix",
    "--unsafe-fixes": "unsafe_fixes",
    "--diff": "diff",
    "-v": "verbose",
    "--verbose": "verbose",
    "--show-fixes": "show_fixes",
    "--watch": "watch",
}


def parse_check_argv(argv: list[str]) -> CheckOptions | None:
    """The options of `check ARGV...` when every token has a plain form, else None.

    This is how a pre-commit hook calls us, and reading it here saves typer's start-up. None
    hands the command line to typer, which also owns help and every usage error, so anything
    unusual (`--help`, `--`, `-j2`, a value that looks like an option) takes that road.
    tests/test_check_argv.py checks that both readers agree.
    """
    values: dict[str, Any] = {}
    paths: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token == "-" or not token.startswith("-"):
            paths.append(token)
            continue
        name, equals, attached = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in FLAG_OPTIONS and not equals:
            values[FLAG_OPTIONS[name]] = True
            continue
        if name not in VALUE_OPTIONS:
            return None
        value = attached if equals else next(tokens, None)
        if value is None or (value.startswith("-") and value != "-"):
            return None
        key, kind = VALUE_OPTIONS[name]
        if kind is list:
            values.setdefault(key, []).append(value)
        elif kind is int:
            if not (value.isascii() and value.isdigit()):
                return None
            values[key] = int(value)
        else:
            values[key] = Path(value) if kind is Path else value
    return CheckOptions(paths=paths or None, **values)


# --------------------------------------------------------------------------- settings


def split_codes(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def project_root(cwd: Path, explicit: Path | None, paths: list[str] | None = None) -> Path:
    """The root of repo-relative paths, fingerprints and the cache: `--project-root`, else the
    git top level above the paths given (the working directory when none), else the
    directory that holds them all (a directory path itself, a file's parent). Never the
    working directory when a path is given: `check repo` from the parent must match `check .`
    inside it, and the order of several paths must not matter."""
    from infralint.discovery import find_git_root

    if explicit is not None:
        return explicit.resolve()
    starts = [_start_directory(cwd, path) for path in paths or [] if path != "-"]
    start = Path(os.path.commonpath(starts)) if starts else cwd
    return find_git_root(start) or start


def _start_directory(cwd: Path, path: str) -> str:
    absolute = Path(os.path.normpath(cwd / path))
    return str(absolute if absolute.is_dir() else absolute.parent)


def load_config_tree(
    config_path: Path | None,
    no_config: bool,
    select: list[str] | None,
    extend_select: list[str] | None,
    ignore: list[str] | None,
    verbose: bool = False,
    *,
    paths: list[str] | None = None,
    root: Path | None = None,
) -> tuple[Catalog, ConfigTree, Resolved]:
    """The catalogue, the tree of configs (each file is judged by the closest one above it,
    see infralint/config_tree.py), and the config of the paths' common directory, which
    also decides what concerns the whole run (`fail-on`)."""
    from infralint.catalog import load_catalog
    from infralint.config import ConfigError
    from infralint.config_tree import ConfigTree, Selection

    catalog = load_catalog()
    cwd = Path.cwd()
    try:
        tree = ConfigTree(
            catalog,
            root or project_root(cwd, None, paths),
            explicit=None if no_config else config_path,
            no_config=no_config,
            selection=Selection(
                split_codes(select),
                tuple(split_codes(extend_select) or ()),
                tuple(split_codes(ignore) or ()),
            ),
        )
        resolved = tree.for_directory(run_directory(cwd, paths))
    except ConfigError as error:
        fail(str(error))
    if verbose:
        report_unmapped(tree)
    return catalog, tree, resolved


def _shellcheck_or_not(enabled: set[str], options: CheckOptions, config: Config) -> set[str]:
    """The enabled codes, without ShellCheck's when its binary is missing: an error when SC
    codes were asked for by name, else said under -v."""
    from infralint import peer_codes

    for note in peer_codes.take_notes():
        warn(f"infralint: note: {note}")
    everything = peer_codes.shellcheck_codes()
    if enabled.isdisjoint(everything):
        return enabled
    from infralint.shellcheck.runner import find_binary

    if find_binary() is not None:
        return enabled
    named = [
        selector
        for selector in [
            *(split_codes(options.select) or []),
            *(split_codes(options.extend_select) or []),
            *(config.select or []),
            *config.extend_select,
        ]
        if selector.strip().upper().startswith("SC")
    ]
    if named:
        fail(
            f"{named[0]} needs ShellCheck, which is not installed "
            "(pip install 'infralint[shellcheck]', or put shellcheck on PATH)"
        )
    if options.verbose:
        warn("infralint: ShellCheck is not installed: the SC rules were skipped")
    return enabled - everything


def run_directory(cwd: Path, paths: list[str] | None) -> Path:
    """The common directory of the paths given (the working directory without any)."""
    starts = [_start_directory(cwd, path) for path in paths or [] if path != "-"]
    return Path(os.path.commonpath(starts)) if starts else cwd


def describe_sources(resolved: Resolved) -> str:
    """Where a configuration comes from, for -v: its file, what it extends, a .hadolint.yaml."""
    sources = [str(path) for path in resolved.config.sources] or ["defaults"]
    text = " extending ".join(sources)
    return text + (f" with {resolved.hadolint}" if resolved.hadolint else "")


def report_unmapped(tree: ConfigTree) -> None:
    """-v: the .hadolint.yaml codes that have no infralint equivalent, once per file."""
    for path, unmapped in tree.unmapped.items():
        for code in unmapped:
            warn(f"infralint: {Path(path).name}: {code} has no infralint equivalent")
    tree.unmapped.clear()


def parse_outputs(formats: list[str] | None, output: Path | None) -> list[tuple[str, Path | None]]:
    if not formats:
        default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        return [(default, output)]
    outputs: list[tuple[str, Path | None]] = []
    for item in formats:
        name, _, target = item.partition(":")
        if name not in ACCEPTED_FORMATS:
            fail(f"unknown format {name!r} (expected one of {', '.join(FORMATS)}; text = concise)")
        outputs.append((name, Path(target) if target else None))
    if output is not None:
        unnamed = [i for i, (_, target) in enumerate(outputs) if target is None]
        if len(unnamed) > 1:
            fail("--output names one file, but several formats have no file of their own")
        if unnamed:
            outputs[unnamed[0]] = (outputs[unnamed[0]][0], output)
    if sum(1 for _, target in outputs if target is None) > 1:
        fail("only one format can go to standard output; give the others a file (-f sarif:FILE)")
    return outputs


def _read_lines(path: str) -> list[str]:
    """Lines with their endings, split only at CR/LF as GitHub's line hash does."""
    from infralint import reader

    # The file was checked (read through the contained reader); read again the same safe way.
    native = reader.native_name(path)  # a display path is UTF-8 text whatever the locale
    try:
        text = reader.read_text(native, (os.path.realpath(native),), 100_000_000)
    except (OSError, ValueError):
        return []
    return _split_lines(text)


def _split_lines(text: str) -> list[str]:
    import re

    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


def _with_stdin(settings: engine.Settings, text: str) -> Callable[[str], list[str]]:
    """Standard input's lines under its name (--stdin-filename), which may also name a file
    on disk with other content (an editor's unsaved buffer): excerpts and SARIF line hashes
    must come from what was checked."""
    name = settings.stdin_filename

    def source_lines(path: str) -> list[str]:
        return _split_lines(text) if path == name else _read_lines(path)

    return source_lines


# --------------------------------------------------------------------------- after the run


class _ProgressBar:
    """A rich progress bar on stderr, shown only on a terminal and only for large runs."""

    THRESHOLD = 200

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        if total < self.THRESHOLD:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import Progress

            self._progress = Progress(console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("checking", total=total)
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def _progress_bar() -> _ProgressBar | None:
    return _ProgressBar() if sys.stderr.isatty() else None


def _load_baseline(path: Path) -> list[Entry]:
    from infralint import baseline as baselines

    try:
        return baselines.load(path)
    except baselines.BaselineError as error:
        fail(str(error))


def _report_fixes(report: FixReport, write: bool, show: bool, catalog: Catalog) -> None:
    """--diff prints each file's diff; both say which files were not fixed, and why;
    --show-fixes lists what was fixed, per file and rule."""
    from infralint.reporters.text import plural

    for diff in report.diffs:
        sys.stdout.write(diff)
    for path, reason in report.refusals:
        warn(f"infralint: {path}: not fixed: {reason}")
    if write and report.applied:
        findings, files = plural(report.applied, "finding"), plural(report.changed_files, "file")
        warn(f"infralint: fixed {findings} in {files}")
    if show and report.fixed:
        warn(f"infralint: {'fixed' if write else 'would fix'}:")
        for path, codes in report.fixed:
            warn(f"- {path}:")
            for code, count in sorted(codes.items()):
                rule = catalog.get(code)
                warn(f"    {count} × {code} ({rule.name if rule else code})")


def no_files_message(targets: list[str], hint: bool = True) -> str:
    """What an empty run says, so that a wrong path or an exclude that took everything is not
    mistaken for a clean tree (`infralint files` says why each file was skipped)."""
    where = ", ".join(targets)
    more = " (`infralint files` shows what was skipped and why)" if hint else ""
    return f"infralint: warning: No infrastructure files found under {where}{more}"


def exit_status(result: RunResult, threshold: str) -> int:
    from infralint.model import Severity

    if result.missing_paths:
        return EXIT_ERROR
    if threshold == "never":
        return EXIT_CLEAN
    bar = Severity(threshold).rank
    if result.finding_log is not None:
        found = result.finding_log.count(lambda severity: severity.rank >= bar)
        return EXIT_FINDINGS if found else EXIT_CLEAN
    return EXIT_FINDINGS if any(f.severity.rank >= bar for f in result.findings) else EXIT_CLEAN
