"""Dev containers: where `sleep infinity` is the documented way to keep a container up.

A dev container's tools attach to a container that must stay alive while the editor is
connected; its main process is not an application. Two ways to be one:

- the file lies under a `.devcontainer/` directory (the Dockerfile or compose file of a dev
  container configuration);
- a compose service is the `service` of a `devcontainer.json` whose `dockerComposeFile` names
  the compose file: a link-stage fact (`read_devcontainer_services`), since the compose file may
  live anywhere in the repository.

devcontainer.json files are looked for beside the compose file and in the `.devcontainer/`
directory (and its subdirectories) of the compose file's directory and the directories above
it, inside the scanned tree only. They are read as JSON with comments, through the reader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path, PurePath

from infralint.project import Project
from infralint.reader import inside, read_text_or_none

MAX_CONFIG_BYTES = 200_000
MAX_CONFIGS = 40  # subdirectories of one .devcontainer/ looked at
MAX_PARENTS = 4  # directories above a compose file looked at for a .devcontainer/
CONFIG_NAMES = ("devcontainer.json", ".devcontainer.json")
# An unclosed comment runs to the end of the text: every match succeeds, so the scan is linear.
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?(?:\*/|\Z)', re.DOTALL)
_STRING_OR_TRAILING_COMMA = re.compile(r'"(?:[^"\\\n]|\\.)*"|,(?=\s*[}\]])')


def under_devcontainer(path: PurePath) -> bool:
    """The file belongs to a dev container configuration directory."""
    return ".devcontainer" in path.parts[:-1]


def read_devcontainer_services(project: Project, compose_files: Iterable[Path]) -> None:
    """Fill `project.devcontainer_services` (compose file -> the services dev containers use)."""
    for compose in compose_files:
        key = str(compose)
        if key in project.devcontainer_services:
            continue
        services: set[str] = set()
        for config in _configs_near(compose.parent, project):
            services.update(_services_for(config, compose, project))
        project.devcontainer_services[key] = tuple(sorted(services))


def _configs_near(directory: Path, project: Project) -> list[Path]:
    found: list[Path] = []
    for base in [directory, *directory.parents[:MAX_PARENTS]]:
        if not inside(base, project.roots):
            break
        found.extend(base / name for name in CONFIG_NAMES)
        folder = base / ".devcontainer"
        if base.name != ".devcontainer" and folder.is_dir():
            found.append(folder / "devcontainer.json")
            found.extend(_subfolder_configs(folder))
    return [path for path in dict.fromkeys(found) if path.is_file()]


def _subfolder_configs(folder: Path) -> list[Path]:
    """`.devcontainer/<name>/devcontainer.json`: one repository, several configurations."""
    try:
        subfolders = sorted(sub for sub in folder.iterdir() if sub.is_dir())[:MAX_CONFIGS]
    except OSError:
        return []
    return [sub / "devcontainer.json" for sub in subfolders]


def _services_for(config: Path, compose: Path, project: Project) -> list[str]:
    text = read_text_or_none(config, project.roots, MAX_CONFIG_BYTES)
    data = _load_jsonc(text) if text is not None else None
    if not isinstance(data, dict):
        return []
    files = data.get("dockerComposeFile")
    named = [files] if isinstance(files, str) else files if isinstance(files, list) else []
    resolved = {
        (config.parent / name).resolve() for name in named if isinstance(name, str) and name
    }
    if compose.resolve() not in resolved:
        return []
    service = data.get("service")
    return [service] if isinstance(service, str) else []


def _load_jsonc(text: str) -> object:
    """devcontainer.json allows comments and trailing commas."""

    def keep_strings(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0).startswith('"') else " "

    plain = _STRING_OR_TRAILING_COMMA.sub(keep_strings, _STRING_OR_COMMENT.sub(keep_strings, text))
    try:
        return json.loads(plain)
    except (ValueError, RecursionError):
        return None
