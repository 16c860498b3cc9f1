"""One workspace folder of the language server: its configuration, its links, its checks.

Nothing here knows the protocol (no pygls, no lsprotocol), so it is tested directly. The checks
are the engine's: `engine.link_workspace` runs discovery and the link stage once, and
`engine.check_document` lints a buffer as `infralint check .` run in the folder would lint that
file. Edited buffers update the links without re-reading the project: a compose buffer's
`build:` links, a Dockerfile buffer's stages and ARGs that compose rules quote.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from infralint import engine
from infralint.model import Finding, ParseError, Severity

if TYPE_CHECKING:
    from infralint.catalog import Catalog, Rule
    from infralint.config import Config
    from infralint.config_tree import ConfigTree

# Files whose change means the configuration, the baseline or the set of linked files changed.
CONFIG_NAMES = frozenset({".infralint.toml", "pyproject.toml", ".hadolint.yaml", ".hadolint.yml"})
BASELINE_NAME = ".infralint-baseline.json"
RUN_MODES = ("onType", "onSave")
DEFAULT_TIME_BUDGET = 10.0
SETTING_NAMES = frozenset({"select", "ignore", "minSeverity", "run", "timeBudget"})


class ClientSettings(NamedTuple):
    """What the editor's settings add to the project's configuration."""

    select: tuple[str, ...] = ()  # replaces the configured selection, as `--select` does
    ignore: tuple[str, ...] = ()  # as `--ignore`
    min_severity: Severity = Severity.NOTE  # findings below it are not shown
    run: str = "onType"  # "onSave": buffers are checked when opened and saved only
    time_budget: float = DEFAULT_TIME_BUDGET  # seconds one check of one buffer may take

    @classmethod
    def from_json(cls, value: Any) -> tuple[ClientSettings, list[str]]:
        """The settings in an editor's JSON object, and what was wrong in it (ignored)."""
        problems: list[str] = []
        if not isinstance(value, dict):
            return cls(), problems if value is None else ["settings: expected an object"]
        problems.extend(f"unknown setting {key!r}" for key in value if key not in SETTING_NAMES)
        select = _codes(value.get("select"), "select", problems)
        ignore = _codes(value.get("ignore"), "ignore", problems)
        severity = Severity.NOTE
        if value.get("minSeverity") is not None:
            try:
                severity = Severity.parse(str(value["minSeverity"]))
            except ValueError as error:
                problems.append(f"minSeverity: {error}")
        run = value.get("run", "onType")
        if run not in RUN_MODES:
            problems.append(f"run: expected onType or onSave, got {run!r}")
            run = "onType"
        budget = value.get("timeBudget", DEFAULT_TIME_BUDGET)
        if isinstance(budget, bool) or not isinstance(budget, int | float) or budget <= 0:
            problems.append(f"timeBudget: expected a positive number of seconds, got {budget!r}")
            budget = DEFAULT_TIME_BUDGET
        return cls(select, ignore, severity, run, float(budget)), problems


def _codes(value: Any, key: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(f"{key}: expected a list of rule codes")
        return ()
    return tuple(value)


class Checked(NamedTuple):
    """One buffer's check: the findings to show and those suppressed (kept for hover)."""

    findings: list[Finding]
    suppressed: list[Finding]


class Workspace:
    """A workspace folder: the engine's settings for it and the project's links."""

    def __init__(self, root: Path, client: ClientSettings, only: Path | None = None) -> None:
        """`only`: a file outside every workspace folder, the one file of its workspace."""
        self.root = root.resolve()
        self.client = client
        self.only = only
        self.tree: ConfigTree | None = None
        self.problems: list[str] = []  # configuration errors to show the user once
        self.settings = self._settings()
        paths = [str(only)] if only is not None else None
        self.collected = engine.link_workspace(self.settings, paths)
        self._lock = threading.Lock()
        self.context = engine.document_context(self.settings, self.collected)

    @property
    def catalog(self) -> Catalog:
        return self.settings.catalog

    def _settings(self) -> engine.Settings:
        from infralint.check_command import UsageError, project_root

        select = list(self.client.select) or None
        ignore = list(self.client.ignore) or None
        root = project_root(self.root, None, [str(self.root)])
        try:
            catalog, config, enabled = self._load_config(select, ignore, root, no_config=False)
        except UsageError as error:  # a broken config: say so, and lint with the defaults
            self.problems.append(f"configuration: {error}; using the defaults")
            catalog, config, enabled = self._load_config(select, ignore, root, no_config=True)
        baseline = None
        baseline_path = self.root / BASELINE_NAME
        if baseline_path.is_file():
            from infralint import baseline as baselines

            try:
                baseline = baselines.load(baseline_path)
            except baselines.BaselineError as error:
                self.problems.append(f"baseline: {error}")
        return engine.Settings(
            config=config,
            catalog=catalog,
            enabled=frozenset(enabled),
            cwd=self.root,
            project_root=root,
            use_cache=False,
            baseline=baseline,
            configs=self.tree,
        )

    def _load_config(
        self, select: list[str] | None, ignore: list[str] | None, root: Path, no_config: bool
    ) -> tuple[Catalog, Config, set[str]]:
        """The configuration `infralint check` run in the folder uses (the CLI's own loader)."""
        from infralint.check_command import load_config_tree

        paths = [str(self.root)]
        catalog, self.tree, resolved = load_config_tree(
            None, no_config, select, None, ignore, paths=paths, root=root
        )
        return catalog, resolved.config, set(resolved.enabled)

    def _limit(self, path: str) -> int:
        """The max-file-size that governs the file at `path`."""
        return self.settings.config_for(path).max_file_size

    def contains(self, path: Path) -> bool:
        if self.only is not None:
            return path == self.only
        return path == self.root or self.root in path.parents

    def job(self, path: Path) -> engine.FileJob | None:
        """How `infralint check .` would check `path`; None when it would not."""
        return engine.document_job(path, self.settings, self.collected)

    def check(self, job: engine.FileJob, text: str) -> Checked:
        result = engine.check_document(job, text, self.settings, self.context)
        bar = self.client.min_severity.rank
        shown = [finding for finding in result.findings if finding.severity.rank >= bar]
        return Checked(shown, result.suppressed)

    def fix_all(self, job: engine.FileJob, text: str, unsafe: bool = False) -> str:
        """The buffer with every safe fix applied (and unsafe ones when asked), re-checked as
        `--fix` does: a fix that would add a finding is not applied."""
        from infralint import fixes

        def recheck(candidate: str) -> list[Finding]:
            return engine.check_document(job, candidate, self.settings, self.context).findings

        # Given the buffer as it is, fix_text keeps its line endings; checks see LF only.
        findings = recheck(fixes.normalise_newlines(text))
        return fixes.fix_text(text, findings, recheck, unsafe, job.display_path).fixed

    def rule(self, code: str) -> Rule | None:
        return self.catalog.rules.get(code)

    # ------------------------------------------------------------------ links from buffers

    def update_links(self, job: engine.FileJob, text: str) -> set[Path]:
        """Take an edited buffer's cross-file facts into the links; return the other files
        whose findings may change (the Dockerfiles a compose file builds, the compose files
        that build a Dockerfile)."""
        limit = self._limit(job.path)
        if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
            return set()  # refused when checked (IL001): nothing of it is read
        with self._lock:  # buffers are checked in several threads
            if job.language == "compose":
                return self._update_compose(job, text)
            if job.language == "dockerfile":
                return self._update_dockerfile(job, text)
            return set()

    def file_changed(self, path: Path) -> set[Path]:
        """Take a file's content on disk into the links (changed outside the editor, or its
        buffer closed unsaved); return the other files whose findings may change."""
        job = self.job(path)
        if job is None or job.language not in ("compose", "dockerfile"):
            return set()
        limit = self._limit(job.path)
        try:
            text = engine.read_text(job.path, limit, self.collected.project.roots)
        except ParseError:
            return set()
        return self.update_links(job, text)

    def _update_compose(self, job: engine.FileJob, text: str) -> set[Path]:
        from infralint import project_links
        from infralint.parsers import compose
        from infralint.source import SourceFile

        project = self.collected.project
        path = Path(job.path)
        old = [link for link in project.links if link.compose_path == path]
        try:
            document = compose.parse(SourceFile(path, job.display_path, text, "compose"))
        except Exception:  # unparsable: its IL001 is shown, and the links stay as they were
            return set()
        disk = project_links.DiskPaths.of(project)
        new = engine.links_inside(
            project_links.build_project(project.root, [document], disk), project.roots
        )
        if new == old:
            return set()
        project_links.probe_builds(disk, project_links.build_queries(document))
        links = [link for link in project.links if link.compose_path != path] + new
        updated = dataclasses.replace(
            project, links=links, dockerfiles=dict(project.dockerfiles), _by_dockerfile=None
        )
        project_links.read_dockerfiles(updated, new)
        self._replace_project(updated)
        return {link.dockerfile for link in [*old, *new] if link.dockerfile is not None}

    def _update_dockerfile(self, job: engine.FileJob, text: str) -> set[Path]:
        from infralint import project_links

        project = self.collected.project
        key = job.path
        if key not in project.dockerfiles:
            return set()  # no compose file builds it
        facts = project_links.dockerfile_facts(Path(key), text)
        if facts == project.dockerfiles[key]:
            return set()
        dockerfiles = {**project.dockerfiles, key: facts}
        self._replace_project(dataclasses.replace(project, dockerfiles=dockerfiles))
        return {link.compose_path for link in project.links_to(Path(key))}

    def _replace_project(self, project: Any) -> None:
        # Checks running in other threads keep the context they started with.
        self.collected = self.collected._replace(project=project)
        self.context = engine.document_context(self.settings, self.collected)


def is_config_file(path: Path) -> bool:
    return path.name in CONFIG_NAMES or path.name == BASELINE_NAME


def workspace_for(workspaces: list[Workspace], path: Path) -> Workspace | None:
    """The innermost workspace folder holding `path`."""
    holding = [space for space in workspaces if space.contains(path)]
    return max(holding, key=lambda space: len(space.root.parts), default=None)


def real_path(path: str) -> Path:
    return Path(os.path.realpath(path))
