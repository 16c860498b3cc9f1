"""Facts from files a checked file uses: compose files that `extends:`/`include:` name
(compose_refs.py), devcontainer.json (devcontainer.py), scripts a Dockerfile copies in and runs
(run_scripts.py; the engine checks them after the Dockerfile), and the cookbooks and custom
resources of a Chef repository (project_links_chef.py). The engine calls `link_facts` in its
link stage; reads go through the reader, inside the scanned tree, and what is read is recorded
on Project (part of the results cache key).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from infralint.reader import read_text_or_none
from infralint.source import SourceFile

if TYPE_CHECKING:
    from infralint.engine import FileJob, Settings
    from infralint.project import Project

# Rules that follow `extends:` and `include:` into other compose files: the pulled-image rules
# (a service extending a build builds) and the name rules.
COMPOSE_REFERENCE_RULES = frozenset({"DC101", "DC102", "DC103", "DC104", "DC106", "DC503", "DC504"})


def link_facts(jobs: list[FileJob], settings: Settings, project: Project) -> None:
    from infralint import run_scripts

    enabled = settings.enabled
    compose = [job for job in jobs if job.language == "compose"]
    if compose and enabled & COMPOSE_REFERENCE_RULES:
        _link_compose_references(compose, settings, project)
    if compose and "DC304" in enabled:
        from infralint import devcontainer

        on_disk = [Path(job.path) for job in compose if job.path]
        devcontainer.read_devcontainer_services(project, [p for p in on_disk if p.is_absolute()])
    if enabled & run_scripts.SCRIPT_RULES:
        _link_run_scripts(jobs, settings, project)
    if enabled & {"CB105", "CB401"}:
        from infralint import project_links_chef

        chef = [Path(job.path) for job in jobs if job.language == "chef" and job.path]
        chef = [path for path in chef if path.is_absolute()]
        if "CB105" in enabled:
            project_links_chef.read_cookbook_names(project, chef)
        if "CB401" in enabled:
            project_links_chef.read_sensitive_properties(project, chef)


def _read(job: FileJob, settings: Settings, project: Project) -> str | None:
    """The file's text, or None when it cannot be read (reported when it is checked)."""
    return read_text_or_none(job.path, project.roots, settings.config.max_file_size)


def _link_compose_references(compose: list[FileJob], settings: Settings, project: Project) -> None:
    """The compose files the run's compose files extend or include, read transitively."""
    from infralint import compose_refs
    from infralint.parsers import compose as compose_parser

    documents = []
    for job in compose:
        if not job.path or not os.path.isabs(job.path):
            continue
        document = project.parsed.get(job.path)
        if document is None:
            text = _read(job, settings, project)
            if text is None or ("extends" not in text and "include" not in text):
                continue  # the common case: nothing to follow, nothing to parse
            source = SourceFile(Path(job.path), job.display_path, text, job.language)
            try:
                document = compose_parser.parse(source)
            except Exception:  # a parse error or parser bug: reported when the file is checked
                continue
        documents.append(document)
    compose_refs.read_compose_references(project, documents)


def _link_run_scripts(jobs: list[FileJob], settings: Settings, project: Project) -> None:
    """Read the scripts Dockerfiles copy into the image (or bind-mount) and run."""
    from infralint import run_scripts
    from infralint.parsers import dockerfile

    runs: list[tuple[str, list[Path]]] = []
    for job in jobs:
        if job.language != "dockerfile" or not job.path or not os.path.isabs(job.path):
            continue
        text = _read(job, settings, project)
        if text is None or not run_scripts.may_run_a_script(text):
            continue  # the common case: no second parse
        source = SourceFile(Path(job.path), job.display_path, text, job.language)
        try:
            document = dockerfile.parse(source)
        except Exception:  # a parse error or parser bug: reported when the file is checked
            continue
        found = [item.script for item in run_scripts.scripts_run(document, project)]
        runs.append((str(document.source.path), found))
    run_scripts.read_run_scripts(project, runs)
