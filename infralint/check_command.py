"""`infralint check`: its options, and the run itself, without the typer front end.

The typer command in cli.py and the start-up fast path in entry.py both build a CheckOptions and
call run_check, so the two ways in cannot drift apart. Nothing here imports typer: importing it
and building its command tree costs more than linting a small Dockerfile.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from infralint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github", "gitlab", "checkstyle", "junit")
THRESHOLDS = ("error", "warning", "note", "never")

if TYPE_CHECKING:
    from infralint.baseline import Entry
    from infralint.catalog import Catalog
    from infralint.config import Config
    from infralint.engine import RunResult
    from infralint.fixing import FixReport


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


def run_check(options: CheckOptions) -> int:
    """Check, report, and return the exit status; raise UsageError for a bad invocation."""
    from infralint import engine
    from infralint.reporters import Report, render_chunks

    engine.tune_gc()
    cwd = Path.cwd()
    catalog, cfg, enabled = load_settings(
        options.config,
        options.no_config,
        options.select,
        options.extend_select,
        options.ignore,
        options.verbose,
    )
    threshold = "never" if options.exit_zero else (options.fail_on or cfg.fail_on)
    if threshold not in THRESHOLDS:
        fail(f"--fail-on: expected error, warning, note or never, got {threshold!r}")
    outputs = parse_outputs(options.format, options.output)
    targets = options.paths or ["."]
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
        project_root=project_root(cwd, options.project_root, targets),
        jobs=jobs if jobs and jobs > 0 else (os.cpu_count() or 1),
        use_cache=not options.no_cache,
        force_exclude=options.force_exclude,
        stdin_text=stdin_text,
        stdin_filename=options.stdin_filename or "-",
        fix=fix,
        baseline=_load_baseline(options.baseline) if options.baseline is not None else None,
    )
    progress = None if options.quiet else _progress_bar()
    settings.on_progress = progress.update if progress else None
    try:
        result = engine.run(targets, settings)
    finally:
        if progress:
            progress.close()
    if options.verbose:
        for note in result.cache_notes:
            warn(f"infralint: {note}")
    if result.fixes is not None:
        _report_fixes(result.fixes, write=not options.diff)
        if options.diff:
            return EXIT_FINDINGS if result.fixes.changed_files else EXIT_CLEAN
    for missing in result.missing_paths:
        warn(f"infralint: error: {missing}: no such file or directory")
    if result.stale_baseline:
        warn(
            f"infralint: {result.stale_baseline} baseline entries match nothing any more "
            f"(run `infralint baseline update --prune`)"
        )
    report = Report(
        findings=result.findings,
        suppressed=result.suppressed,
        notifications=result.notifications,
        files_checked=result.files_checked,
        checked_paths=result.checked_paths,
        rules=[rule for rule in catalog if rule.code in enabled],
        catalog=catalog,
        project_root=settings.project_root,
        cwd=cwd,
        tool_version=__version__,
        options={
            "quiet": options.quiet,
            "statistics": options.statistics,
            "sarif_category": options.sarif_category,
        },
        source_lines=_read_lines,
    )
    for name, target in outputs:
        tty = target is None and sys.stdout.isatty()
        chunks = render_chunks(name, report._replace(options={**report.options, "tty": tty}))
        if target is None:
            # Undecodable file names are written back as the bytes they were (like `ls`).
            reconfigure = getattr(sys.stdout, "reconfigure", None)  # not on a replaced stdout
            if reconfigure is not None:
                reconfigure(encoding="utf-8", errors="surrogateescape")
            sys.stdout.writelines(chunks)
        else:
            try:
                with target.open("w", encoding="utf-8", errors="surrogateescape") as handle:
                    handle.writelines(chunks)
            except OSError as error:
                fail(f"cannot write {target}: {error.strerror}")
    return exit_status(result, threshold)


# --------------------------------------------------------------------------- the fast path

# The options of `check` that take a value, with the CheckOptions field and the value's type.
VALUE_OPTIONS: dict[str, tuple[str, type]] = {
    "-f": ("format", list),
    "--format": ("format", list),
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


def load_settings(
    config_path: Path | None,
    no_config: bool,
    select: list[str] | None,
    extend_select: list[str] | None,
    ignore: list[str] | None,
    verbose: bool = False,
    start: Path | None = None,
) -> tuple[Catalog, Config, set[str]]:
    """The catalogue, the effective config and the enabled codes (UsageError when invalid).
    Config files are searched upward from `start` (default: the working directory)."""
    from infralint.catalog import load_catalog
    from infralint.config import ConfigError, enabled_codes, find_config, load_config

    catalog = load_catalog()
    try:
        if no_config:
            found = None
        elif config_path is not None:
            if not config_path.is_file():
                raise ConfigError(f"{config_path}: config file not found")
            found = config_path
        else:
            found = find_config(start or Path.cwd())
        config = load_config(found, catalog)
        if not no_config and (found is None or config.hadolint_config):
            config = _with_hadolint_config(config, catalog, verbose, start or Path.cwd())
        enabled = enabled_codes(
            config,
            catalog,
            select=split_codes(select),
            extend_select=split_codes(extend_select) or [],
            ignore=split_codes(ignore) or [],
        )
    except ConfigError as error:
        fail(str(error))
    return catalog, config, enabled


def _with_hadolint_config(config: Config, catalog: Catalog, verbose: bool, cwd: Path) -> Config:
    """Teams coming from hadolint keep their .hadolint.yaml (see infralint/hadolint.py)."""
    from infralint.config import find_hadolint_config
    from infralint.discovery import find_git_root

    path = find_hadolint_config(cwd, find_git_root(cwd))
    if path is None:
        return config
    from infralint import hadolint

    translation = hadolint.translate(hadolint.load_yaml(path), path, catalog, config)
    if verbose:
        for code in translation.unmapped:
            warn(f"infralint: {path.name}: {code} has no infralint equivalent")
    return translation.config


def parse_outputs(formats: list[str] | None, output: Path | None) -> list[tuple[str, Path | None]]:
    if not formats:
        default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        return [(default, output)]
    outputs: list[tuple[str, Path | None]] = []
    for item in formats:
        name, _, target = item.partition(":")
        if name not in FORMATS:
            fail(f"unknown format {name!r} (expected one of {', '.join(FORMATS)})")
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
    import re

    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


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


def _report_fixes(report: FixReport, write: bool) -> None:
    """--diff prints each file's diff; both say which files were not fixed, and why."""
    for diff in report.diffs:
        sys.stdout.write(diff)
    for path, reason in report.refusals:
        warn(f"infralint: {path}: not fixed: {reason}")
    if write and report.applied:
        warn(f"infralint: fixed {report.applied} findings in {report.changed_files} files")


def exit_status(result: RunResult, threshold: str) -> int:
    from infralint.model import Severity

    if result.missing_paths:
        return EXIT_ERROR
    if threshold == "never":
        return EXIT_CLEAN
    bar = Severity(threshold).rank
    return EXIT_FINDINGS if any(f.severity.rank >= bar for f in result.findings) else EXIT_CLEAN
