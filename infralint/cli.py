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
    ACCEPTED_FORMATS,
    EXIT_ERROR,
    SEVERITIES,
    CheckOptions,
    UsageError,
    load_config_tree,
    no_files_message,
    project_root,
    run_check,
    warn,
)

if TYPE_CHECKING:
    from infralint import engine
    from infralint.catalog import Rule
    from infralint.config_tree import Resolved

app = typer.Typer(
    name="infralint",
    help="Lint infrastructure code for reproducibility, drift, logging and security.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (entry.py lets them through)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(message: str) -> NoReturn:
    warn(f"infralint: error: {message}")
    raise typer.Exit(EXIT_ERROR)


def _completions(values: tuple[str, ...], incomplete: str) -> list[str]:
    return [value for value in values if value.startswith(incomplete)]


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
            "-V",
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
            "--output-format",
            "--format",
            help="Output format: concise, full, grouped, json, json-lines, rdjson, sarif, github, "
            "gitlab, junit, checkstyle, azure (default text: concise, with source excerpts on a "
            "terminal). Repeat with FORMAT:FILE to write several (-f text -f sarif:out.sarif).",
            autocompletion=lambda incomplete: _completions(ACCEPTED_FORMATS, incomplete),
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
        bool, typer.Option("--statistics", help="Print only a count of findings per rule.")
    ] = False,
    min_severity: Annotated[
        str | None,
        typer.Option(
            help="Show only findings at or above: note (default), warning, error. The exit "
            "status still follows --fail-on.",
            autocompletion=lambda incomplete: _completions(SEVERITIES, incomplete),
        ),
    ] = None,
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
    show_fixes: Annotated[
        bool,
        typer.Option("--show-fixes", help="With --fix or --diff, list what was fixed, per file."),
    ] = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Check again whenever a file changes (needs the extra: infralint[watch]).",
        ),
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
        show_fixes=show_fixes,
        min_severity=min_severity,
        watch=watch,
    )
    try:
        status = run_check(options)
    except UsageError as error:
        _fail(str(error))
    raise typer.Exit(status)


def _run_settings(
    paths: list[str] | None, config: Path | None, no_config: bool, **extra: Any
) -> engine.Settings:
    """The settings of a run over PATHS, each file judged by the config above it."""
    from infralint import engine

    cwd = Path.cwd()
    root = project_root(cwd, None, paths)
    try:
        catalog, tree, resolved = load_config_tree(
            config, no_config, None, None, None, paths=paths or ["."], root=root
        )
    except UsageError as error:
        _fail(str(error))
    return engine.Settings(
        resolved.config,
        catalog,
        resolved.enabled,
        cwd,
        root,
        configs=tree,
        **extra,
    )


def _collect(paths: list[str] | None, settings: engine.Settings) -> engine.Collected:
    from infralint import engine
    from infralint.config import ConfigError

    try:
        return engine.collect_jobs(paths or ["."], settings)
    except ConfigError as error:
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
        if language in (None, "dockerfile") and tag in (None, "shellcheck"):
            typer.echo(_shellcheck_line())
    else:
        _fail(f"--format: expected table, json or markdown, got {format!r}")


def _shellcheck_line() -> str:
    from infralint.shellcheck.runner import find_binary

    binary = find_binary()
    found = (
        f"ShellCheck {binary.version}, {binary.path}"
        if binary
        else "not installed: pip install 'infralint[shellcheck]'"
    )
    return f"SCxxxx  ShellCheck's checks on RUN scripts (`infralint rule SC2086`; {found})"


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
    from infralint import peer_codes
    from infralint.catalog import load_catalog

    catalog = load_catalog()
    rules = catalog.lookup(code)
    not_ported = peer_codes.not_ported(code)
    if not rules and not_ported:
        typer.echo(not_ported)
        return
    if not rules:
        _fail(peer_codes.unknown_message(code, catalog) or f"unknown rule {code!r}")
    key = code.strip().upper()
    if format == "markdown" and key.startswith("DL"):
        typer.echo(f"hadolint {key} is {', '.join(rule.code for rule in rules)}\n")
    elif format == "markdown" and peer_codes.is_shellcheck_code(key):
        typer.echo(f"ShellCheck {key}: {peer_codes.wiki_url(key)}\n")
    for rule in rules:
        _print_rule(rule, format)


def _print_rule(rule: Rule, format: str) -> None:
    if format == "json":
        data = _rule_json(rule)
        data["documentation"] = rule.user_document
        typer.echo(json.dumps(data, indent=2))
    elif format == "markdown":
        state = rule.severity.value if rule.enabled else "off by default"
        peers = ", ".join(f"{tool} {' '.join(c)}" for tool, c in rule.peers.items()) or "none"
        header = (
            f"{rule.code} {rule.name} ({rule.language}, {state}; fix: {rule.fix}; peers: {peers})"
        )
        from infralint.links import rule_url

        footer = f"Online: {rule_url(rule.code)}"
        if sys.stdout.isatty():
            from rich.console import Console
            from rich.markdown import Markdown

            console = Console()
            console.print(header, style="bold")
            console.print(Markdown(rule.user_document.strip()))
            console.print(footer)
        else:
            typer.echo(header + "\n\n" + rule.user_document.strip() + "\n\n" + footer)
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
    settings = _run_settings(paths, config, no_config, force_exclude=force_exclude)
    collected = _collect(paths, settings)
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
    if not any(candidate.language for candidate in candidates):
        warn(no_files_message(paths or ["."], hint=False))


@app.command("config")
def config_command(
    path: Annotated[
        Path | None,
        typer.Argument(help="Show the settings that govern this file or directory (default: .)."),
    ] = None,
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
    from infralint.config import ConfigError

    target = path or Path()
    if not target.exists():
        _fail(f"{target}: no such file or directory")
    paths = [str(target)]
    try:
        _catalog, tree, _resolved = load_config_tree(
            config, no_config, None, None, None, paths=paths
        )
        directory = target if target.is_dir() else target.parent
        resolved = tree.for_directory(os.path.abspath(directory))
    except (UsageError, ConfigError) as error:
        _fail(str(error))
    typer.echo(effective_config_toml(resolved))


def effective_config_toml(resolved: Resolved) -> str:
    """The effective settings as TOML that `tomllib` reads and infralint accepts as a config;
    where they come from, in comments."""
    from infralint.textsafe import visible

    cfg, enabled = resolved.config, resolved.enabled
    lines = []
    if cfg.sources:
        lines.append(f"# config file: {visible(str(cfg.sources[0]))}")
        lines.extend(f"# extend: {visible(str(source))}" for source in cfg.sources[1:])
    else:
        lines.append("# config file: none (defaults)")
    for key, anchor in sorted(cfg.anchors.items()):
        if anchor != cfg.root:
            lines.append(f"# {key}: patterns relative to {visible(str(anchor))}")
    if resolved.hadolint is not None:
        lines.append(f"# hadolint config: {visible(resolved.hadolint)}")
    lines.append(cfg.as_toml())
    lines.append(f"\n# enabled rules ({len(enabled)}): {' '.join(sorted(enabled))}")
    return "\n".join(lines)


baseline_app = typer.Typer(
    help="Record today's findings so that only new ones fail (check --baseline FILE).",
    no_args_is_help=True,
)
app.add_typer(baseline_app, name="baseline")


def _baseline_run(
    paths: list[str] | None, config: Path | None, no_config: bool
) -> engine.RunResult:
    from infralint import engine
    from infralint.config import ConfigError

    settings = _run_settings(paths, config, no_config, jobs=os.cpu_count() or 1)
    try:
        result = engine.run(paths or ["."], settings)
    except ConfigError as error:
        _fail(str(error))
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
    _write_baseline(output, baselines.dump(entries))
    typer.echo(f"wrote {_findings(len(entries))} to {output}")


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
    _write_baseline(output, baselines.dump(new_entries))
    typer.echo(f"wrote {_findings(len(new_entries))} to {output} (was {len(entries)})")


def _findings(count: int) -> str:
    return f"{count} finding{'' if count == 1 else 's'}"


def _write_baseline(output: Path, text: str) -> None:
    """Atomically, and never through a symbolic link planted at its name (check_command)."""
    from infralint.check_command import write_output

    try:
        write_output(output, [text])
    except UsageError as error:
        _fail(str(error))


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
