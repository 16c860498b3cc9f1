"""The link stage for Chef: the cookbooks a repository holds itself (CB105), and the properties
its custom resources declare `sensitive: true` (CB401).

A cookbook that depends on another cookbook of the same repository always gets the version
beside it: a version constraint there pins nothing. For each metadata.rb of the run, the cookbooks
of its repository are those whose metadata.rb lies in a directory next to it under a
`cookbooks/` or `site-cookbooks/` directory (a monorepo), in a directory above it (a test cookbook
under `test/cookbooks/` wrapping the cookbook at the root), and those a Berksfile or Policyfile in
its directory or above names with a `path:` source. Only the scanned tree is looked at; files are
read as text through `infralint.reader` and nothing is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from infralint.project import Project
from infralint.reader import inside, read_text_or_none

MAX_METADATA_BYTES = 200_000
MAX_SIBLING_COOKBOOKS = 200  # directories beside one cookbook that are looked at
MAX_PARENTS = 8  # directories above a cookbook looked at for the cookbook that holds it
_NAME = re.compile(r"""^[ \t]*name[ \t(]+['"]([A-Za-z0-9_.-]+)['"]""", re.MULTILINE)
_PATH_SOURCE = re.compile(
    r"""^[ \t]*cookbook[ \t(]+['"]([A-Za-z0-9_.-]+)['"][^\n]*\bpath(?::|[ \t]*=>)""", re.MULTILINE
)


MONOREPO_DIRECTORIES = ("cookbooks", "site-cookbooks")


def read_cookbook_names(project: Project, chef_files: Iterable[Path]) -> None:
    """Fill `project.own_cookbooks` (metadata.rb -> the cookbooks of its repository). Each
    metadata.rb and each directory listing is read once: a monorepo of n cookbooks costs n."""
    known: dict[Path, str | None] = {}
    listings: dict[Path, list[Path]] = {}
    for path in chef_files:
        if path.name != "metadata.rb" or str(path) in project.own_cookbooks:
            continue
        names: set[str] = set()
        cookbook = path.parent
        others = _above(cookbook, project)
        if cookbook.parent.name in MONOREPO_DIRECTORIES:
            if cookbook.parent not in listings:
                listings[cookbook.parent] = _cookbooks_in(cookbook.parent, project)
            others += [other for other in listings[cookbook.parent] if other.parent != cookbook]
        for other in others:
            if other not in known:
                known[other] = _cookbook_name(other, project)
            found = known[other]
            if found is not None:
                names.add(found)
        for directory in [cookbook, *(other.parent for other in _above(cookbook, project))]:
            for lock_source in ("Berksfile", "Policyfile.rb"):
                names.update(_path_sources(directory / lock_source, project))
        project.own_cookbooks[str(path)] = tuple(sorted(names))


def _cookbook_name(metadata: Path, project: Project) -> str | None:
    text = read_text_or_none(metadata, project.roots, MAX_METADATA_BYTES)
    found = _NAME.search(text) if text is not None else None
    return found.group(1) if found is not None else None


_SENSITIVE_PROPERTY = re.compile(
    r"""^[ \t]*(?:property|attribute)[ \t(]+:(\w+)\b[^\n]*\bsensitive(?::|[ \t]*=>)[ \t]*true\b""",
    re.MULTILINE,
)
_PROVIDES = re.compile(r"""^[ \t]*(?:provides|resource_name)[ \t(]+:(\w+)""", re.MULTILINE)


def read_sensitive_properties(project: Project, chef_files: Iterable[Path]) -> None:
    """Fill `project.sensitive_properties` (resource type -> its sensitive properties) from the
    custom resources of the run (`resources/*.rb`). A resource is known by the names it
    `provides` (or its `resource_name`) and by `<cookbook>_<file name>` (`<cookbook>` for
    default.rb), the cookbook being the `name` of the metadata.rb above `resources/`."""
    for path in sorted(chef_files):
        if path.parent.name != "resources" or path.suffix != ".rb":
            continue
        text = read_text_or_none(path, project.roots, MAX_METADATA_BYTES)
        if text is None:
            continue
        sensitive = tuple(sorted(set(_SENSITIVE_PROPERTY.findall(text))))
        if not sensitive:
            continue
        names = set(_PROVIDES.findall(text))
        metadata = read_text_or_none(
            path.parent.parent / "metadata.rb", project.roots, MAX_METADATA_BYTES
        )
        cookbook = _NAME.search(metadata) if metadata is not None else None
        if cookbook is not None:
            stem = path.stem
            names.add(cookbook.group(1) if stem == "default" else f"{cookbook.group(1)}_{stem}")
        for name in names:
            known = project.sensitive_properties.get(name, ())
            project.sensitive_properties[name] = tuple(sorted({*known, *sensitive}))


def _path_sources(path: Path, project: Project) -> list[str]:
    if not path.is_file():
        return []
    text = read_text_or_none(path, project.roots, MAX_METADATA_BYTES)
    return [match.group(1) for match in _PATH_SOURCE.finditer(text or "")]


def _cookbooks_in(parent: Path, project: Project) -> list[Path]:
    """metadata.rb of the directories of a monorepo's cookbooks/ directory."""
    if not inside(parent, project.roots):
        return []
    try:
        directories = sorted(p for p in parent.iterdir() if p.is_dir())[:MAX_SIBLING_COOKBOOKS]
    except OSError:
        return []
    return [d / "metadata.rb" for d in directories if (d / "metadata.rb").is_file()]


def _above(cookbook: Path, project: Project) -> list[Path]:
    """metadata.rb of the directories above a cookbook (a test cookbook inside the one it
    tests), as far up as the scanned tree goes."""
    found = []
    for directory in cookbook.parents[:MAX_PARENTS]:
        if not inside(directory, project.roots):
            break
        if (directory / "metadata.rb").is_file():
            found.append(directory / "metadata.rb")
    return found
