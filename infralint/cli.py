"""The `infralint` command line (INTERFACES.md is the contract)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from infralint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github", "gitlab", "checkstyle", "junit")

app = typer.Typer(
    name="infralint",
    help="Lint infrastructure code for reproducibility, drift, logging and security.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class UsageError(Exception):
    """Exit status 2 with a one-line message."""


def _fail(message: str) -> NoReturn:
    typer.echo(f"infralint: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"infralint {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """infralint: reproducible builds, declarative servers, logs on STDOUT."""


def _split_codes(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _project_root(cwd: Path, explicit: Path | None) -> Path:
    from infralint.discovery import find_git_root

    if explicit is not None:
        return explicit.resolve()
    return find_git_root(cwd) or cwd


def _load_settings(
    config_path: Path | None,
    no_config: bool,
    select: list[str] | None,
    extend_select: list[str] | None,
    ignore: list[str] | None,
    verbose: bool = False,
) -> tuple[Any, Any, set[str]]:
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
            found = find_config(Path.cwd())
        config = load_config(found, catalog)
        if not no_config and (found is None or config.hadolint_config):
            config = _with_hadolint_config(config, catalog, verbose)
        enabled = enabled_codes(
            config,
            catalog,
            select=_split_codes(select),
            extend_select=_split_codes(extend_select) or [],
            ignore=_split_codes(ignore) or [],
        )
    except ConfigError as error:
        _fail(str(error))
    return catalog, config, enabled


def _with_hadolint_config(config: Any, catalog: Any, verbose: bool) -> Any:
    """Teams coming from hadolint keep their .hadolint.yaml (see infralint/hadolint.py)."""
    from infralint.discovery import find_git_root

    cwd = Path.cwd()
    from infralint import hadolint

    path = hadolint.find_hadolint_config(cwd, find_git_root(cwd))
    if path is None:
        return config
    translation = hadolint.translate(hadolint.load_yaml(path), path, catalog, config)
    if verbose:
        for code in translation.unmapped:
            typer.echo(f"infralint: {path.name}: {code} has no infralint equivalent", err=True)
    return translation.config


def _parse_outputs(formats: list[str] | None, output: Path | None) -> list[tuple[str, Path | None]]:
    if not formats:
        default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
        return [(default, output)]
    outputs: list[tuple[str, Path | None]] = []
    for item in formats:
        name, _, target = item.partition(":")
        if name not in FORMATS:
            _fail(f"unknown format {name!r} (expected one of {', '.join(FORMATS)})")
        outputs.append((name, Path(target) if target else None))
    if output is not None:
        unnamed = [i for i, (_, target) in enumerate(outputs) if target is None]
        if len(unnamed) > 1:
            _fail("--output names one file, but several formats have no file of their own")
        if unnamed:
            outputs[unnamed[0]] = (outputs[unnamed[0]][0], output)
    if sum(1 for _, target in outputs if target is None) > 1:
        _fail("only one format can go to standard output; give the others a file (-f sarif:FILE)")
    return outputs


def _read_lines(path: str) -> list[str]:
    """Lines with their endings, split only at CR/LF as GitHub's line hash does."""
    try:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return []
    import re

    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files and directories to check (default: .). '-' reads standard input."
        ),
    ] = None,
    format: Annotated[
        list[str] | None,
        typer.Option(
            "-f",
            "--format",
            help="Output format: text, json, sarif, github, gitlab, checkstyle, junit. "
            "Repeat with FORMAT:FILE to write several (e.g. -f text -f sarif:out.sarif).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write the report to this file instead of standard output."
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            help="Rules to check, replacing the defaults: codes, prefixes (DF, DF1), names, or ALL "
            "(ALL includes rules that are off by default). Comma-separated."
        ),
    ] = None,
    extend_select: Annotated[
        list[str] | None, typer.Option(help="Rules to check in addition to the selection.")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Rules not to check.")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            help="Exit 1 when a finding is at or above: error, warning (default), note, never."
        ),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option(help="Exit 0 even with findings (same as --fail-on never).")
    ] = False,
    config: Annotated[
        Path | None, typer.Option(help="Config file to use instead of searching upward for one.")
    ] = None,
    no_config: Annotated[bool, typer.Option(help="Use no config file.")] = False,
    no_cache: Annotated[bool, typer.Option(help="Neither read nor write the cache.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option("-j", "--jobs", help="Worker processes for large runs (default: CPU count)."),
    ] = None,
    stdin_filename: Annotated[
        str | None,
        typer.Option(
            help="The name to report standard input under (it also decides the language)."
        ),
    ] = None,
    force_exclude: Annotated[
        bool,
        typer.Option(help="Apply the config's exclude patterns to explicitly named files too."),
    ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print findings only.")] = False,
    statistics: Annotated[bool, typer.Option(help="Count findings per rule.")] = False,
    sarif_category: Annotated[
        str | None,
        typer.Option(help="SARIF automationDetails.id category, for several analyses of one repo."),
    ] = None,
    project_root: Annotated[
        Path | None,
        typer.Option(
            help="Root for repository-relative paths and the cache (default: git top level)."
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="Report only findings that are not in this baseline file."),
    ] = None,
    fix: Annotated[bool, typer.Option(help="Apply safe fixes, then report what is left.")] = False,
    unsafe_fixes: Annotated[
        bool, typer.Option(help="With --fix or --diff, apply unsafe fixes too.")
    ] = False,
    diff: Annotated[
        bool, typer.Option(help="Show the fixes as a unified diff; change no file.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Say more about configuration decisions.")
    ] = False,
) -> None:
    """Check files and directories; exit 1 when a finding reaches --fail-on."""
    from infralint import engine
    from infralint.reporters import Report, render

    cwd = Path.cwd()
    catalog, cfg, enabled = _load_settings(
        config, no_config, select, extend_select, ignore, verbose
    )
    threshold = "never" if exit_zero else (fail_on or cfg.fail_on)
    if threshold not in ("error", "warning", "note", "never"):
        _fail(f"--fail-on: expected error, warning, note or never, got {threshold!r}")
    outputs = _parse_outputs(format, output)
    targets = paths or ["."]
    stdin_text = sys.stdin.read() if "-" in targets else None
    settings = engine.Settings(
        config=cfg,
        catalog=catalog,
        enabled=frozenset(enabled),
        cwd=cwd,
        project_root=_project_root(cwd, project_root),
        jobs=jobs if jobs and jobs > 0 else (os.cpu_count() or 1),
        use_cache=not no_cache,
        force_exclude=force_exclude,
        stdin_text=stdin_text,
        stdin_filename=stdin_filename or "-",
        want_fixes=fix or diff,
    )
    progress = None if quiet else _progress_bar()
    settings.on_progress = progress.update if progress else None
    try:
        result = engine.run(targets, settings)
    finally:
        if progress:
            progress.close()
    if fix or diff:
        changed = _apply_fixes(result, unsafe_fixes, write=not diff)
        if diff:
            raise typer.Exit(EXIT_FINDINGS if changed else EXIT_CLEAN)
        if changed:
            result = engine.run(targets, settings)
    for missing in result.missing_paths:
        typer.echo(f"infralint: error: {missing}: no such file or directory", err=True)
    if baseline is not None:
        _apply_baseline(result, baseline)
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
        options={"quiet": quiet, "statistics": statistics, "sarif_category": sarif_category},
        source_lines=_read_lines,
    )
    for name, target in outputs:
        report.options["tty"] = target is None and sys.stdout.isatty()
        text = render(name, report)
        if target is None:
            # Undecodable file names are written back as the bytes they were (like `ls`).
            sys.stdout.reconfigure(  # type: ignore[union-attr]
                encoding="utf-8", errors="surrogateescape"
            )
            sys.stdout.write(text)
        else:
            try:
                target.write_text(text, encoding="utf-8", errors="surrogateescape")
            except OSError as error:
                _fail(f"cannot write {target}: {error.strerror}")
    raise typer.Exit(_exit_status(result, threshold))


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


def _apply_baseline(result: Any, path: Path) -> None:
    from infralint import baseline as baselines

    try:
        entries = baselines.load(path)
    except baselines.BaselineError as error:
        _fail(str(error))
    applied = baselines.apply(result.findings, entries)
    result.findings = applied.new
    result.suppressed = sorted([*result.suppressed, *applied.baselined], key=lambda f: f.sort_key)
    if applied.stale:
        typer.echo(
            f"infralint: {len(applied.stale)} baseline entries match nothing any more "
            f"(run `infralint baseline update --prune`)",
            err=True,
        )


def _apply_fixes(result: Any, unsafe: bool, write: bool) -> int:
    """Fix every file that has fixable findings; return how many files changed."""
    from infralint import engine, fixes

    by_path: dict[str, list[Any]] = {}
    for finding in result.findings:
        by_path.setdefault(finding.path, []).append(finding)
    changed = applied = 0
    for job in result.jobs:
        findings = by_path.get(job.display_path, [])
        if not job.path or not any(f.fix for f in findings):
            continue
        raw = Path(job.path).read_bytes()
        text = engine.decode(raw)

        def recheck(candidate: str, job: Any = job) -> list[Any]:
            return engine.check_text(job, result.context, candidate)

        outcome = fixes.fix_text(text, findings, recheck, unsafe, job.display_path)
        for reason in outcome.refused:
            typer.echo(f"infralint: {job.display_path}: not fixed: {reason}", err=True)
        if outcome.fixed == text:
            continue
        changed += 1
        applied += outcome.applied
        if write:
            fixes.write_preserving(Path(job.path), outcome.fixed, raw)
        else:
            sys.stdout.write(outcome.diff())
    if write and applied:
        typer.echo(f"infralint: fixed {applied} findings in {changed} files", err=True)
    return changed


def _exit_status(result: Any, threshold: str) -> int:
    from infralint.model import Severity

    if result.missing_paths:
        return EXIT_ERROR
    if threshold == "never":
        return EXIT_CLEAN
    bar = Severity(threshold).rank
    return EXIT_FINDINGS if any(f.severity.rank >= bar for f in result.findings) else EXIT_CLEAN


@app.command("rules")
def rules_command(
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json or markdown.")
    ] = "table",
    language: Annotated[
        str | None,
        typer.Option(help="Only this language: dockerfile, compose, chef, python, engine."),
    ] = None,
    tag: Annotated[str | None, typer.Option(help="Only rules with this tag.")] = None,
) -> None:
    """List the rules."""
    from infralint.catalog import load_catalog

    rules = [
        rule
        for rule in load_catalog()
        if (language is None or rule.language == language) and (tag is None or tag in rule.tags)
    ]
    if format == "json":
        typer.echo(json.dumps([_rule_json(rule) for rule in rules], indent=2))
    elif format == "markdown":
        typer.echo(rules_markdown_table(rules))
    elif format == "table":
        for rule in rules:
            state = rule.severity.value if rule.enabled else "off"
            typer.echo(f"{rule.code}  {rule.name:<34} {state:<8} {rule.summary}")
    else:
        _fail(f"--format: expected table, json or markdown, got {format!r}")


def _rule_json(rule: Any) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "language": rule.language,
        "severity": rule.severity.value,
        "enabled": rule.enabled,
        "tags": list(rule.tags),
        "summary": rule.summary,
        "fix": rule.fix,
        "peers": {tool: list(codes) for tool, codes in rule.peers.items()},
        "precision": rule.precision,
        "options": {
            name: {"type": o.type, "default": o.default, "description": o.description}
            for name, o in rule.options.items()
        },
    }


def rules_markdown_table(rules: list[Any]) -> str:
    lines = ["| code | name | default | fix | peers | summary |", "|---|---|---|---|---|---|"]
    for rule in rules:
        state = rule.severity.value if rule.enabled else "off"
        peers = " ".join(code for codes in rule.peers.values() for code in codes)
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| {rule.code} | {rule.name} | {state} | {rule.fix} | {peers} | {summary} |")
    return "\n".join(lines)


@app.command("rule")
def rule_command(
    code: Annotated[str, typer.Argument(help="A rule code (DF101) or name.")],
    format: Annotated[str, typer.Option("--format", "-f", help="markdown or json.")] = "markdown",
) -> None:
    """Show one rule's documentation."""
    from infralint.catalog import load_catalog

    rules = load_catalog().lookup(code)
    if not rules:
        _fail(f"unknown rule {code!r}")
    for rule in rules:
        _print_rule(rule, format)


def _print_rule(rule: Any, format: str) -> None:
    if format == "json":
        data = _rule_json(rule)
        data["documentation"] = rule.document
        typer.echo(json.dumps(data, indent=2))
    elif format == "markdown":
        state = rule.severity.value if rule.enabled else "off by default"
        peers = ", ".join(f"{tool} {' '.join(c)}" for tool, c in rule.peers.items()) or "none"
        header = (
            f"{rule.code} {rule.name} ({rule.language}, {state}; fix: {rule.fix}; peers: {peers})"
        )
        if sys.stdout.isatty():
            from rich.console import Console
            from rich.markdown import Markdown

            console = Console()
            console.print(header, style="bold")
            console.print(Markdown(rule.document.strip()))
        else:
            typer.echo(header + "\n\n" + rule.document.strip())
    else:
        _fail(f"--format: expected markdown or json, got {format!r}")


@app.command("files")
def files_command(
    paths: Annotated[list[str] | None, typer.Argument(help="Files and directories.")] = None,
    config: Annotated[Path | None, typer.Option(help="Config file to use.")] = None,
    no_config: Annotated[bool, typer.Option(help="Use no config file.")] = False,
    force_exclude: Annotated[bool, typer.Option(help="Apply excludes to explicit files.")] = False,
) -> None:
    """Show what would be checked, as which language, and why anything is skipped."""
    from infralint import engine

    cwd = Path.cwd()
    catalog, cfg, enabled = _load_settings(config, no_config, None, None, None)
    settings = engine.Settings(
        cfg, catalog, frozenset(enabled), cwd, _project_root(cwd, None), force_exclude=force_exclude
    )
    collected = engine.collect_jobs(paths or ["."], settings)
    missing, candidates = collected.missing, collected.candidates
    for candidate in sorted(candidates, key=lambda c: engine.display_path(c.path, cwd)):
        shown = engine.display_path(candidate.path, cwd)
        typer.echo(f"{shown}\t{candidate.language or 'skipped'}\t{candidate.reason}")
    for path in missing:
        typer.echo(f"infralint: error: {path}: no such file or directory", err=True)
    if missing:
        raise typer.Exit(EXIT_ERROR)


@app.command("config")
def config_command(
    config: Annotated[Path | None, typer.Option(help="Config file to use.")] = None,
    no_config: Annotated[bool, typer.Option(help="Use no config file.")] = False,
    schema: Annotated[
        bool, typer.Option(help="Print the JSON schema of the configuration, for editors.")
    ] = False,
) -> None:
    """Print the effective configuration."""
    if schema:
        from infralint.catalog import load_catalog
        from infralint.config import json_schema

        typer.echo(json.dumps(json_schema(load_catalog()), indent=2))
        return
    _catalog, cfg, enabled = _load_settings(config, no_config, None, None, None)
    source = str(cfg.path) if cfg.path else "none (defaults)"
    typer.echo(f"# config file: {source}")
    typer.echo(cfg.as_toml())
    typer.echo(f"\n# enabled rules ({len(enabled)}): {' '.join(sorted(enabled))}")


baseline_app = typer.Typer(
    help="Record today's findings so that only new ones fail (check --baseline FILE).",
    no_args_is_help=True,
)
app.add_typer(baseline_app, name="baseline")


def _baseline_run(paths: list[str] | None, config: Path | None, no_config: bool) -> Any:
    from infralint import engine

    cwd = Path.cwd()
    catalog, cfg, enabled = _load_settings(config, no_config, None, None, None)
    settings = engine.Settings(
        cfg, catalog, frozenset(enabled), cwd, _project_root(cwd, None), jobs=os.cpu_count() or 1
    )
    result = engine.run(paths or ["."], settings)
    for missing in result.missing_paths:
        _fail(f"{missing}: no such file or directory")
    return result


@baseline_app.command("create")
def baseline_create(
    paths: Annotated[list[str] | None, typer.Argument(help="Files and directories.")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Baseline file.")] = Path(
        ".infralint-baseline.json"
    ),
    config: Annotated[Path | None, typer.Option(help="Config file to use.")] = None,
    no_config: Annotated[bool, typer.Option(help="Use no config file.")] = False,
) -> None:
    """Write every current finding to a new baseline file."""
    from infralint import baseline as baselines

    result = _baseline_run(paths, config, no_config)
    entries = [baselines.entry_for(finding) for finding in result.findings]
    output.write_text(baselines.dump(entries), encoding="utf-8")
    typer.echo(f"wrote {len(entries)} findings to {output}")


@baseline_app.command("update")
def baseline_update(
    paths: Annotated[list[str] | None, typer.Argument(help="Files and directories.")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Baseline file.")] = Path(
        ".infralint-baseline.json"
    ),
    prune: Annotated[bool, typer.Option(help="Drop entries that match nothing any more.")] = False,
    config: Annotated[Path | None, typer.Option(help="Config file to use.")] = None,
    no_config: Annotated[bool, typer.Option(help="Use no config file.")] = False,
) -> None:
    """Add new findings to a baseline (and with --prune, drop stale entries)."""
    from infralint import baseline as baselines

    try:
        entries = baselines.load(output) if output.exists() else []
    except baselines.BaselineError as error:
        _fail(str(error))
    result = _baseline_run(paths, config, no_config)
    new_entries = baselines.updated(entries, result.findings, prune)
    output.write_text(baselines.dump(new_entries), encoding="utf-8")
    typer.echo(f"wrote {len(new_entries)} findings to {output} (was {len(entries)})")


migrate_app = typer.Typer(help="Translate another linter's configuration.", no_args_is_help=True)
app.add_typer(migrate_app, name="migrate")


@migrate_app.command("hadolint")
def migrate_hadolint(
    file: Annotated[
        Path | None, typer.Argument(help="The .hadolint.yaml (default: found upward).")
    ] = None,
) -> None:
    """Print the [tool.infralint] block equivalent to a .hadolint.yaml."""
    from infralint import hadolint
    from infralint.catalog import load_catalog
    from infralint.config import ConfigError
    from infralint.discovery import find_git_root

    cwd = Path.cwd()
    path = file or hadolint.find_hadolint_config(cwd, find_git_root(cwd))
    if path is None or not path.is_file():
        _fail("no .hadolint.yaml found")
    try:
        typer.echo(hadolint.migrate(path, load_catalog()), nl=False)
    except ConfigError as error:
        _fail(str(error))


@app.command("clean")
def clean_command() -> None:
    """Delete the cache directory (.infralint_cache) at the project root."""
    from infralint import cache

    root = _project_root(Path.cwd(), None)
    removed = cache.clean(root)
    typer.echo(f"removed {root / cache.CACHE_DIR}" if removed else "no cache to remove")


def main() -> None:
    """Console entry point: no traceback ever reaches a user."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("infralint: interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as error:  # pragma: no cover - the last line of defence
        if os.environ.get("INFRALINT_DEBUG"):
            raise
        typer.echo(f"infralint: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_ERROR)
