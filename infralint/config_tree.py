"""Which configuration governs each file, as ruff decides it: the closest config file above the
file (`.infralint.toml`, `infralint.toml`, or a `pyproject.toml` with `[tool.infralint]`, in
that order within one directory), whatever the working directory. `--config FILE` governs every
file; `--no-config` gives every file the defaults. A config may `extend` another file, and the
closest `.hadolint.yaml` applies where no infralint config does (or where one asks for it with
`hadolint-config = true`).

The scanned repository is hostile, and `extend` is a path it chooses: the file extended must lie
inside the same trusted tree as the config that names it (the project root, when the config is
inside it; else the config's own directory), links resolved, read through infralint/reader.py.
A chain is at most MAX_EXTEND_DEPTH files long and may not come back to a file it holds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from infralint.catalog import Catalog
from infralint.config import (
    CONFIG_FILES,
    HADOLINT_FILE_NAMES,
    Config,
    ConfigError,
    config_from_dict,
    enabled_codes,
    parse_toml,
    read_config_text,
)
from infralint.textsafe import brief_repr

MAX_EXTEND_DEPTH = 8  # files in one `extend` chain, the first included
# Keys whose patterns or paths are relative to the directory of the file that set them.
ANCHORED_KEYS = ("exclude", "per-file-ignores", "files", "python")
# Keys an extending file adds to (unless it sets `select`, which starts the selection over).
ADDITIVE_KEYS = ("extend-select", "ignore")
MERGED_TABLES = ("severity", "rules")  # merged per rule code


class Resolved(NamedTuple):
    """The configuration that governs a directory, with its rules."""

    key: str  # the same for every directory the same files govern
    config: Config
    enabled: frozenset[str]
    hadolint: str | None = None  # the .hadolint.yaml applied, if any


class Selection(NamedTuple):
    """The command line's rule selection, applied over every config."""

    select: list[str] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


class ConfigTree:
    """The configuration of every directory of a run, found once per directory."""

    def __init__(
        self,
        catalog: Catalog,
        project_root: Path,
        *,
        explicit: Path | None = None,
        no_config: bool = False,
        selection: Selection | None = None,
    ) -> None:
        self.catalog = catalog
        self.project_root = Path(os.path.realpath(project_root))
        # The root as the walk spells it and as it resolves (a link to the repository).
        self._root_forms = {str(self.project_root), os.path.abspath(project_root)}
        self.explicit = Path(os.path.abspath(explicit)) if explicit is not None else None
        self.no_config = no_config
        self.selection = selection or Selection()
        self._config_file: dict[str, str | None] = {}  # directory -> governing config file
        self._hadolint_file: dict[str, str | None] = {}
        self._resolved: dict[tuple[str | None, str | None], Resolved] = {}
        self._chains: dict[str, Config] = {}
        self.unmapped: dict[str, list[str]] = {}  # hadolint file -> codes with no equivalent
        if self.explicit is not None and not self.explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")

    # ----------------------------------------------------------------------- per directory

    def for_directory(self, directory: str | Path, names: Iterable[str] | None = None) -> Resolved:
        """The configuration governing files in `directory`. `names`, when the caller has
        listed the directory already, spares the look for config files there."""
        directory = os.path.abspath(directory)
        if self.no_config:
            return self._resolve(None, None)
        config_file = self.explicit_or_found(directory, names)
        hadolint_file = None
        if config_file is None or self._chain(config_file).hadolint_config:
            hadolint_file = self._find_hadolint(directory, names)
        return self._resolve(config_file, hadolint_file)

    def forget_directories(self) -> None:
        """Drop the answers kept per directory (a config file and a hadolint file for each
        one walked: a large tree's directories, for the whole run). Asked again, they are
        looked up again; the configurations resolved so far are kept."""
        self._config_file.clear()
        self._hadolint_file.clear()

    def for_file(self, path: str | Path) -> Resolved:
        return self.for_directory(os.path.dirname(os.path.abspath(path)))

    def explicit_or_found(self, directory: str, names: Iterable[str] | None = None) -> str | None:
        if self.explicit is not None:
            return str(self.explicit)
        return self._find_config(directory, names)

    def resolved(self) -> list[Resolved]:
        """Every configuration resolved so far (the union of their rules drives the link
        stage)."""
        return list(self._resolved.values())

    def _find_config(self, directory: str, names: Iterable[str] | None) -> str | None:
        pending: list[str] = []
        found: str | None = None
        current = directory
        while True:
            if current in self._config_file:
                found = self._config_file[current]
                break
            here = self._config_in(current, names if current == directory else None)
            if here is not None:
                found = here
                self._config_file[current] = here
                break
            pending.append(current)
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for seen in pending:
            self._config_file[seen] = found
        return found

    def _config_in(self, directory: str, names: Iterable[str] | None) -> str | None:
        listed = set(names) if names is not None else None
        for name in CONFIG_FILES:
            if listed is not None and name not in listed:
                continue
            candidate = os.path.join(directory, name)
            if not os.path.isfile(candidate):
                continue
            if name != "pyproject.toml" or self._has_table(candidate):
                return candidate
        return None

    def _has_table(self, pyproject: str) -> bool:
        """A pyproject.toml that cannot be read or parsed is not a config (it is someone
        else's file), as before discovery was per directory."""
        try:
            text = self._read(pyproject, trusted_root=None)
            if "infralint" not in text:
                return False  # most pyproject.toml files: no need to parse them
            tool = parse_toml(text, Path(pyproject)).get("tool")
        except ConfigError:
            return False
        return isinstance(tool, dict) and "infralint" in tool

    def _find_hadolint(self, directory: str, names: Iterable[str] | None) -> str | None:
        """The closest .hadolint.yaml from `directory` up to the project root (when the
        directory lies in it; else up to the file system's root)."""
        stop = self._root_forms if _inside(directory, str(self.project_root)) else ()
        pending: list[str] = []
        found: str | None = None
        current = directory
        while True:
            if current in self._hadolint_file:
                found = self._hadolint_file[current]
                break
            listed = set(names) if names is not None and current == directory else None
            here = [
                os.path.join(current, name)
                for name in HADOLINT_FILE_NAMES
                if listed is None or name in listed
            ]
            here = [path for path in here if os.path.isfile(path)]
            pending.append(current)
            if here:
                found = here[0]
                break
            parent = os.path.dirname(current)
            if current in stop or parent == current:
                break
            current = parent
        for seen in pending:
            self._hadolint_file[seen] = found
        return found

    # ----------------------------------------------------------------------- loading

    def _resolve(self, config_file: str | None, hadolint_file: str | None) -> Resolved:
        key = (config_file, hadolint_file)
        resolved = self._resolved.get(key)
        if resolved is None:
            config = self._chain(config_file) if config_file is not None else Config()
            if hadolint_file is not None:
                config = self._with_hadolint(config, Path(hadolint_file))
            selection = self.selection
            enabled = enabled_codes(
                config,
                self.catalog,
                select=selection.select,
                extend_select=selection.extend_select,
                ignore=selection.ignore,
            )
            name = f"{config_file or 'defaults'}|{hadolint_file or ''}"
            resolved = Resolved(name, config, frozenset(enabled), hadolint_file)
            self._resolved[key] = resolved
        return resolved

    def _with_hadolint(self, config: Config, path: Path) -> Config:
        from infralint import hadolint

        text = self._read(str(path), None, "hadolint config")
        data = hadolint.load_yaml(path, text)
        translation = hadolint.translate(data, path, self.catalog, config)
        self.unmapped[str(path)] = translation.unmapped
        return translation.config

    def _chain(self, config_file: str) -> Config:
        """A config file with everything it extends applied."""
        config = self._chains.get(config_file)
        if config is None:
            path = Path(config_file)
            trusted = self._trusted_root(path)
            data, anchors, sources = self._load_chain(path, trusted, [])
            config = config_from_dict(data, path, self.catalog)
            config.anchors = anchors
            config.sources = sources
            if self.explicit is not None and not _inside(trusted, str(self.project_root)):
                # --config from outside the repository (an organisation's shared file): its
                # patterns mean paths of the repository checked, whatever the cwd.
                config.anchors = dict.fromkeys(ANCHORED_KEYS, self.project_root)
            self._chains[config_file] = config
        return config

    def _trusted_root(self, path: Path) -> str:
        real = os.path.realpath(path)
        root = str(self.project_root)
        return root if _inside(real, root) else os.path.dirname(real)

    def _load_chain(
        self, path: Path, trusted: str, seen: list[str]
    ) -> tuple[dict[str, Any], dict[str, Path], list[Path]]:
        real = os.path.realpath(path)
        if real in seen:
            raise ConfigError(f"{path}: extend: the chain of extended files comes back to it")
        if len(seen) >= MAX_EXTEND_DEPTH:
            raise ConfigError(f"{path}: extend: more than {MAX_EXTEND_DEPTH} files in one chain")
        # The first file was found upward or named by the user; what it extends is read only
        # inside the trusted tree.
        text = self._read(str(path), trusted if seen else None)
        # A pyproject.toml named by --config without the table means the defaults (as before);
        # one named by `extend` must hold what it is meant to.
        data = self._table(path, text, required=bool(seen))
        config_from_dict(data, path, self.catalog)  # each file's errors name that file
        directory = path.parent
        own_anchors = {key: directory for key in ANCHORED_KEYS if key in data}
        target = data.get("extend")
        if target is None:
            return dict(data), own_anchors, [path]
        if not isinstance(target, str) or not target.strip():
            raise ConfigError(f"{path}: extend: expected a path, got {brief_repr(target)}")
        base_path = Path(os.path.normpath(directory / target))
        if not _inside(os.path.realpath(base_path), trusted):
            raise ConfigError(
                f"{path}: extend: {brief_repr(target)} lies outside {trusted}; a config may"
                " extend only files inside its repository"
            )
        base, anchors, sources = self._load_chain(base_path, trusted, [*seen, real])
        return _merge(base, data), {**anchors, **own_anchors}, [path, *sources]

    def _read(self, path: str, trusted_root: str | None, kind: str = "config file") -> str:
        """A config's text: inside the trusted root through the contained reader (no link out
        of it is followed), else (a config found above the repository, or named by the user)
        as a regular file of bounded size."""
        root = trusted_root
        spellings = (os.path.abspath(path), os.path.realpath(path))
        if root is None and any(_inside(p, r) for p in spellings for r in self._root_forms):
            root = str(self.project_root)  # in the repository: no link out of it is followed
        return read_config_text(path, kind, root)

    @staticmethod
    def _table(path: Path, text: str, required: bool) -> dict[str, Any]:
        data: Any = parse_toml(text, path)
        if path.name == "pyproject.toml":
            for key in ("tool", "infralint"):
                data = data.get(key, None if required else {})
                if data is None:
                    raise ConfigError(f"{path}: has no [tool.infralint] table")
                if not isinstance(data, dict):
                    raise ConfigError(f"{path}: {key}: expected a table, got {brief_repr(data)}")
        return dict(data)


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """`child` over `base`: a key the child sets replaces the inherited value, except that
    `extend-select` and `ignore` add to it (unless the child sets `select`) and `severity` and
    `rules` merge per rule."""
    merged = {key: value for key, value in base.items() if key != "extend"}
    if "select" in child:
        for key in ADDITIVE_KEYS:
            merged.pop(key, None)
    for key, value in child.items():
        if key == "extend":
            continue
        inherited = merged.get(key)
        if key in ADDITIVE_KEYS and inherited is not None:
            merged[key] = [*_as_list(inherited), *_as_list(value)]
        elif key in MERGED_TABLES and isinstance(inherited, dict) and isinstance(value, dict):
            table = {str(code).upper(): item for code, item in inherited.items()}
            for raw_code, item in value.items():
                code = str(raw_code).upper()
                previous: Any = table.get(code)
                both = key == "rules" and isinstance(previous, dict) and isinstance(item, dict)
                table[code] = {**previous, **item} if both else item
            merged[key] = table
        else:
            merged[key] = value
    return merged


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(os.path.join(root, ""))
