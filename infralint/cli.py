"""The `infralint` command line (docs/interfaces.md is the contract)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from infralint import __version__
from infralint.check_command import (
    EXIT_ERROR,
    CheckOptions,
    UsageError,
    load_settings,
    project_root,
    run_check,
    warn,
)

if TYPE_CHECKING:
    from infralint import engine
    from infralint.catalog import Catalog, Rule
    from infralint.config import Config

app = typer.Typer(
    name="infralint",
    help="Lint infrastructure code for reproducibility, drift, logging and security.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(message: str) -> NoReturn:
    warn(f"infralint: error: {message}")
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
        bool,
        typer.Option("--exit-zero", help="Exit 0 even with findings (same as --fail-on never)."),
    ] = False,
    config: Annotated[
        Path | None, typer.Option(help="Config file to use instead of searching upward for one.")
    ] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Use no config file.")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache.")
    ] = False,
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
        typer.Option(
            "--force-exclude",
            help="Apply the config's exclude patterns to explicitly named files too.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print findings only.")] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Count findings per rule.")
    ] = False,
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
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply safe fixes, then report what is left.")
    ] = False,
    unsafe_fixes: Annotated[
        bool, typer.Option("--unsafe-fixes", help="With --fix or --diff, apply unsafe fixes too.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Show the fixes as a unified diff; change no file.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Say more about configuration decisions.")
    ] = False,
) -> None:
    """Check files and directories; exit 1 when a finding reaches --fail-on."""
    options = CheckOptions(
        paths=paths or None,
        format=format or None,
        output=output,
        select=select or None,
        extend_select=extend_select or None,
        ignore=ignore or None,
        fail_on=fail_on,
        exit_zero=exit_zero,
        config=config,
        no_config=no_config,
        no_cache=no_cache,
        jobs=jobs,
        stdin_filename=stdin_filename,
        force_exclude=force_exclude,
        quiet=quiet,
        statistics=statistics,
        sarif_category=sarif_category,
        project_root=project_root,
        baseline=baseline,
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        diff=diff,
        verbose=verbose,
    )
    try:
        status = run_check(options)
    except UsageError as error:
        _fail(str(error))
    raise typer.Exit(status)


def _load_settings(config: Path | None, no_config: bool) -> tuple[Catalog, Config, set[str]]:
    try:
        return load_settings(config, no_config, None, None, None)
    except UsageError as error:
        _fail(str(error))


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


# The keys of `rules --format json` and `rule --format json`, in docs/interfaces.md's order.
RULE_JSON_KEYS = (
    "code",
    "name",
    "language",
    "severity",
    "enabled",
    "tags",
    "summary",
    "fix",
    "peers",
    "precision",
    "options",
)


def _rule_json(rule: Rule) -> dict[str, Any]:
    from infralint.catalog import rule_record

    record = rule_record(rule)
    return {key: record[key] for key in RULE_JSON_KEYS}


def rules_markdown_table(rules: list[Rule]) -> str:
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


def _print_rule(rule: Rule, format: str) -> None:
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
    no_config: Annotated[bool, typer.Option("--no-config", help="Use no config file.")] = False,
    force_exclude: Annotated[
        bool, typer.Option("--force-exclude", help="Apply excludes to explicit files.")
    ] = False,
) -> None:
    """Show what would be checked, as which language, and why anything is skipped."""
    from infralint import engine

    cwd = Path.cwd()
    catalog, cfg, enabled = _load_settings(config, no_config)
    settings = engine.Settings(
        cfg,
        catalog,
        frozenset(enabled),
        cwd,
        project_root(cwd, None, paths),
        force_exclude=force_exclude,
    )
    collected = engine.collect_jobs(paths or ["."], settings)
    missing, candidates = collected.missing, collected.candidates
    from infralint.textsafe import visible

    for candidate in sorted(candidates, key=lambda c: engine.display_path(c.path, cwd)):
        shown = visible(engine.display_path(candidate.path, cwd))
        reason = visible(candidate.reason)
        typer.echo(f"{shown}\t{candidate.language or 'skipped'}\t{reason}")
    for path in missing:
        warn(f"infralint: error: {path}: no such file or directory")
    if missing:
        raise typer.Exit(EXIT_ERROR)


@app.command("config")
def config_command(
    config: Annotated[Path | None, typer.Option(help="Config file to use.")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Use no config file.")] = False,
    schema: Annotated[
        bool,
        typer.Option("--schema", help="Print the JSON schema of the configuration, for editors."),
    ] = False,
) -> None:
    """Print the effective configuration."""
    if schema:
        from infralint.catalog import load_catalog
        from infralint.config import json_schema

        typer.echo(json.dumps(json_schema(load_catalog()), indent=2))
        return
    _catalog, cfg, enabled = _load_settings(config, no_config)
    from infralint.textsafe import visible

    source = visible(str(cfg.path)) if cfg.path else "none (defaults)"
    typer.echo(f"# config file: {source}")
    typer.echo(cfg.as_toml())
    typer.echo(f"\n# enabled rules ({len(enabled)}): {' '.join(sorted(enabled))}")


baseline_app = typer.Typer(
    help="Record today's findings so that only new ones fail (check --baseline FILE).",
    no_args_is_help=True,
)
app.add_typer(baseline_app, name="baseline")


def _baseline_run(
    paths: list[str] | None, config: Path | None, no_config: bool
) -> engine.RunResult:
    from infralint import engine

    cwd = Path.cwd()
    catalog, cfg, enabled = _load_settings(config, no_config)
    settings = engine.Settings(
        cfg,
        catalog,
        frozenset(enabled),
        cwd,
        project_root(cwd, None, paths),
        jobs=os.cpu_count() or 1,
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
    no_config: Annotated[bool, typer.Option("--no-config", help="Use no config file.")] = False,
) -> None:
    """Write every current finding to a new baseline file."""
    from infralint import baseline as baselines

    result = _baseline_run(paths, config, no_config)
    repo_paths = result.repo_paths
    entries = [
        baselines.entry_for(finding, repo_paths.get(finding.path, finding.path))
        for finding in result.findings
    ]
    output.write_text(baselines.dump(entries), encoding="utf-8")
    typer.echo(f"wrote {len(entries)} findings to {output}")


@baseline_app.command("update")
def baseline_update(
    paths: Annotated[list[str] | None, typer.Argument(help="Files and directories.")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Baseline file.")] = Path(
        ".infralint-baseline.json"
    ),
    prune: Annotated[
        bool, typer.Option("--prune", help="Drop entries that match nothing any more.")
    ] = False,
    config: Annotated[Path | None, typer.Option(help="Config file to use.")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Use no config file.")] = False,
) -> None:
    """Add new findings to a baseline (and with --prune, drop stale entries)."""
    from infralint import baseline as baselines

    try:
        entries = baselines.load(output) if output.exists() else []
    except baselines.BaselineError as error:
        _fail(str(error))
    result = _baseline_run(paths, config, no_config)
    new_entries = baselines.updated(entries, result.findings, prune, result.repo_paths)
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
    from infralint.config import ConfigError, find_hadolint_config
    from infralint.discovery import find_git_root

    cwd = Path.cwd()
    path = file or find_hadolint_config(cwd, find_git_root(cwd))
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

    root = project_root(Path.cwd(), None)
    removed = cache.clean(root)
    typer.echo(f"removed {root / cache.CACHE_DIR}" if removed else "no cache to remove")


@app.command("server")
def server_command() -> None:
    """Run the language server over standard input and output, for editors.

    It needs the `lsp` extra: pip install 'infralint[lsp]'. Diagnostics come from the same
    checks, configuration, suppressions and baseline (.infralint-baseline.json) as `infralint
    check` run in the workspace folder. Client settings (section "infralint", or
    initializationOptions): select, ignore (lists of rule codes), minSeverity (error, warning,
    note), run (onType or onSave) and timeBudget (seconds one check may take, default 10).
    README.md, "Editors", configures Neovim, Helix and VS Code.
    """
    try:
        from infralint.lsp.server import serve
    except ImportError as error:
        _fail(
            f"the language server needs the lsp extra ({error.name or error} is missing): "
            "pip install 'infralint[lsp]'"
        )
    serve()
