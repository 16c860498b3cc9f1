"""Configuration: `[tool.infralint]` in pyproject.toml or a `.infralint.toml`, validated strictly
(an unknown key is an error, never silently ignored). Which file governs which path, and
`extend`, are in infralint/config_tree.py.

Config files from the scanned repository are data only: nothing in them can load code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from infralint import peer_codes
from infralint.catalog import Catalog, Rule, option_value_ok
from infralint.languages import FILE_LANGUAGES
from infralint.model import Severity
from infralint.reader import ReadRefused, read_bytes, read_named
from infralint.textsafe import UNSAFE, brief_repr

CONFIG_FILES = (".infralint.toml", "infralint.toml", "pyproject.toml")
PRESETS = ("recommended", "strict")
FAIL_ON = ("error", "warning", "note", "never")
MIN_SEVERITY = ("note", "warning", "error")
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024  # bytes; larger files are IL001, not read
MAX_CONFIG_SIZE = 1024 * 1024  # bytes; a config (or hadolint config, or pyproject) is far smaller
FILE_GLOB_LANGUAGES = tuple(language.name for language in FILE_LANGUAGES)


class ConfigError(Exception):
    """A configuration or usage problem: exit status 2 with this one-line message."""


@dataclass
class Config:
    """The effective configuration: a config file's settings over the defaults."""

    path: Path | None = None
    extends: str = "recommended"
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    fail_on: str = "warning"
    min_severity: str = "note"  # reports show findings at or above it; the exit status ignores it
    severity: dict[str, str] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    chef: dict[str, Any] = field(default_factory=dict)
    python: dict[str, Any] = field(default_factory=dict)
    hadolint_config: bool = False  # also read .hadolint.yaml when an infralint config exists
    hadolint_pragmas: bool = True  # honour `# hadolint ignore=` comments
    inline_suppressions: bool = True  # false: inline ignore comments suppress nothing (IL003)
    # Where a key's patterns or paths are relative to: the directory of the config file that
    # set it (an `extend`ed file's own directory for what it set). Keys not here: `root`.
    anchors: dict[str, Path] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)  # this file, then what it extends

    @property
    def root(self) -> Path:
        """The directory relative to which this config's patterns apply."""
        return self.path.parent if self.path else Path.cwd()

    def anchor(self, key: str) -> Path:
        """The directory the patterns (or paths) of `key` are relative to."""
        return self.anchors.get(key, self.root)

    def as_toml(self) -> str:
        return render_toml(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "extends": self.extends,
            "select": self.select if self.select is not None else [],
            "extend-select": self.extend_select,
            "ignore": self.ignore,
            "exclude": self.exclude,
            "fail-on": self.fail_on,
            "min-severity": self.min_severity,
            "max-file-size": self.max_file_size,
            "per-file-ignores": self.per_file_ignores,
            "severity": self.severity,
            "files": self.files,
            "chef": self.chef,
            "python": self.python,
            "rules": self.rules,
            "hadolint-config": self.hadolint_config,
            "hadolint-pragmas": self.hadolint_pragmas,
            "inline-suppressions": self.inline_suppressions,
        }
        if self.select is None:
            del data["select"]
        return data


# --------------------------------------------------------------------------- finding the file


def find_config(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


HADOLINT_FILE_NAMES = (".hadolint.yaml", ".hadolint.yml")


def find_hadolint_config(start: Path, stop: Path | None) -> Path | None:
    """The nearest .hadolint.yaml from START up to STOP (here, not in hadolint.py, so a run
    without one never imports the translator)."""
    for directory in (start, *start.parents):
        for name in HADOLINT_FILE_NAMES:
            if (directory / name).is_file():
                return directory / name
        if stop is not None and directory == stop:
            break
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = read_config_text(pyproject)
    except ConfigError:
        return False
    if "infralint" not in text:
        return False  # most pyproject.toml files: no need to load tomllib and parse them
    try:
        data = parse_toml(text, pyproject)
    except ConfigError:
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "infralint" in tool


def read_config_text(path: Path | str, kind: str = "config file", root: str | None = None) -> str:
    """A config file's text, read with a size bound (the scanned repository may provide it):
    inside `root` through the contained reader (no link out of it is followed), else as a
    regular file the user names or the run finds upward."""
    try:
        if root is not None:
            raw = read_bytes(str(path), (root,), MAX_CONFIG_SIZE, limit="size limit")
        else:
            raw = read_named(path, MAX_CONFIG_SIZE)
    except ReadRefused as error:
        if "over the size limit" in str(error):
            raise ConfigError(
                f"{path}: the {kind} is larger than {MAX_CONFIG_SIZE} bytes"
            ) from None
        raise ConfigError(f"{path}: cannot read the {kind} ({error})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the {kind} ({error})") from None
    if len(raw) > MAX_CONFIG_SIZE:
        raise ConfigError(f"{path}: the {kind} is larger than {MAX_CONFIG_SIZE} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: cannot read the {kind} ({error})") from None


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        # tomllib recurses once per nested table or array.
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


def load_config(path: Path | None, catalog: Catalog) -> Config:
    if path is None:
        return Config()
    data: Any = parse_toml(read_config_text(path), path)
    if path.name == "pyproject.toml":
        for key in ("tool", "infralint"):
            data = data.get(key, {})
            if not isinstance(data, dict):
                raise ConfigError(f"{path}: {key}: expected a table, got {brief_repr(data)}")
    return config_from_dict(data, path, catalog)


# --------------------------------------------------------------------------- validation


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ConfigError(f"{where}: expected a list of strings, got {brief_repr(value)}")


def config_from_dict(data: Mapping[str, Any], path: Path | None, catalog: Catalog) -> Config:
    where = str(path) if path else "config"
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: expected a table, got {brief_repr(data)}")
    config = Config(path=path)
    handlers = {
        "extends": _set_extends,
        "select": lambda c, v, w: setattr(c, "select", _strings(v, w)),
        "extend-select": lambda c, v, w: setattr(c, "extend_select", _strings(v, w)),
        "ignore": lambda c, v, w: setattr(c, "ignore", _strings(v, w)),
        "exclude": lambda c, v, w: setattr(c, "exclude", _strings(v, w)),
        "fail-on": _set_fail_on,
        "min-severity": _set_min_severity,
        "max-file-size": _set_max_file_size,
        "per-file-ignores": _set_per_file_ignores,
        "severity": _set_severity,
        "rules": _set_rules,
        "files": _set_files,
        "chef": _set_chef,
        "python": _set_python,
        "hadolint-config": _set_bool("hadolint_config"),
        "hadolint-pragmas": _set_bool("hadolint_pragmas"),
        "inline-suppressions": _set_bool("inline_suppressions"),
    }
    for key, value in data.items():
        if key == "extend":  # applied by config_tree before this table is read
            continue
        handler = handlers.get(key)
        if handler is None:
            known = sorted([*handlers, "extend"])
            raise ConfigError(f"{where}: unknown key {key!r} (expected one of {known})")
        handler(config, value, f"{where}: {key}")
    # Codes named anywhere must exist: a typo would otherwise silently do nothing.
    for selector in [*(config.select or []), *config.extend_select, *config.ignore]:
        resolve_selector(selector, catalog, where)
    for pattern, codes in config.per_file_ignores.items():
        for code in codes:
            resolve_selector(code, catalog, f"{where}: per-file-ignores {pattern!r}")
    for code, level in config.severity.items():
        if catalog.get(code) is None:
            raise ConfigError(f"{where}: severity: unknown rule {code!r}")
        if level not in ("error", "warning", "note"):
            raise ConfigError(f"{where}: severity.{code}: expected error, warning or note")
    for code, options in config.rules.items():
        _validate_rule_options(catalog.get(code), code, options, where)
    return config


def _set_bool(attribute: str) -> Callable[[Config, Any, str], None]:
    def setter(config: Config, value: Any, where: str) -> None:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {brief_repr(value)}")
        setattr(config, attribute, value)

    return setter


def _set_extends(config: Config, value: Any, where: str) -> None:
    if value not in PRESETS:
        raise ConfigError(f"{where}: expected one of {list(PRESETS)}, got {brief_repr(value)}")
    config.extends = value


def _set_fail_on(config: Config, value: Any, where: str) -> None:
    if value not in FAIL_ON:
        raise ConfigError(f"{where}: expected one of {list(FAIL_ON)}, got {brief_repr(value)}")
    config.fail_on = value


def _set_min_severity(config: Config, value: Any, where: str) -> None:
    if value not in MIN_SEVERITY:
        raise ConfigError(f"{where}: expected one of {list(MIN_SEVERITY)}, got {brief_repr(value)}")
    config.min_severity = value


def _set_max_file_size(config: Config, value: Any, where: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{where}: expected a positive number of bytes, got {brief_repr(value)}")
    config.max_file_size = value


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table, got {brief_repr(value)}")
    return value


def _set_per_file_ignores(config: Config, value: Any, where: str) -> None:
    table = _table(value, where)
    config.per_file_ignores = {
        pattern: _strings(codes, f"{where}.{pattern}") for pattern, codes in table.items()
    }


def _set_severity(config: Config, value: Any, where: str) -> None:
    table = _table(value, where)
    for code, level in table.items():
        if not isinstance(level, str):
            raise ConfigError(f"{where}.{code}: expected error, warning or note")
    config.severity = {code.upper(): level.lower() for code, level in table.items()}


def _set_rules(config: Config, value: Any, where: str) -> None:
    table = _table(value, where)
    config.rules = {code.upper(): _table(opts, f"{where}.{code}") for code, opts in table.items()}


def _set_files(config: Config, value: Any, where: str) -> None:
    table = _table(value, where)
    for language, globs in table.items():
        if language not in FILE_GLOB_LANGUAGES:
            raise ConfigError(f"{where}: unknown language {language!r}")
        config.files[language] = _strings(globs, f"{where}.{language}")


def _set_chef(config: Config, value: Any, where: str) -> None:
    table = _table(value, where)
    for key, item in table.items():
        if key != "cookbook-kind":
            raise ConfigError(f"{where}: unknown key {key!r} (expected 'cookbook-kind')")
        if item not in ("application", "library", "auto"):
            raise ConfigError(f"{where}.cookbook-kind: expected application, library or auto")
    config.chef = dict(table)


def _set_python(config: Config, value: Any, where: str) -> None:
    table = _table(value, where)
    for key, item in table.items():
        if key != "paths":
            raise ConfigError(f"{where}: unknown key {key!r} (expected 'paths')")
        _strings(item, f"{where}.paths")
    config.python = dict(table)


def _validate_rule_options(
    rule: Rule | None, code: str, options: Mapping[str, Any], where: str
) -> None:
    if rule is None:
        raise ConfigError(f"{where}: rules: unknown rule {code!r}")
    for name, value in options.items():
        declared = rule.options.get(name)
        if declared is None:
            known = ", ".join(sorted(rule.options)) or "none"
            raise ConfigError(
                f"{where}: rules.{rule.code}: unknown option {name!r} (options: {known})"
            )
        if not option_value_ok(declared.type, value):
            shown = brief_repr(value)
            raise ConfigError(
                f"{where}: rules.{rule.code}.{name}: expected a {declared.type}, got {shown}"
            )


# --------------------------------------------------------------------------- selection


def resolve_selector(selector: str, catalog: Catalog, where: str = "selector") -> set[str]:
    """Codes named by a selector: ALL, a code, a code prefix (DF, DF1), or a rule name."""
    text = selector.strip()
    if not text:
        raise ConfigError(f"{where}: empty rule selector")
    if text.upper() == "ALL":
        return set(catalog.rules) | peer_codes.shellcheck_codes()
    foreign = peer_codes.resolve(text, catalog)  # hadolint DL and ShellCheck SC codes
    if isinstance(foreign, str):
        raise ConfigError(f"{where}: {foreign}")
    if foreign is not None:
        return foreign
    named = catalog.lookup(text)
    if named:
        return {rule.code for rule in named}
    prefix = text.upper()
    matches = {code for code in catalog.rules if code.startswith(prefix)}
    if matches and prefix[:2].isalpha() and (prefix[2:].isdigit() or not prefix[2:]):
        return matches
    raise ConfigError(f"{where}: unknown rule or prefix {selector!r}")


def enabled_codes(
    config: Config,
    catalog: Catalog,
    select: Iterable[str] | None = None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> set[str]:
    """The rules a run checks: preset, then select (replaces), extend-select, ignore."""
    chosen_select = list(select) if select is not None else config.select
    if chosen_select is not None:
        codes: set[str] = set()
        for selector in chosen_select:
            codes |= resolve_selector(selector, catalog, "--select")
    else:
        codes = {rule.code for rule in catalog if rule.enabled or (config.extends in rule.presets)}
        codes |= peer_codes.shellcheck_codes()  # ShellCheck: dropped when its binary is missing
    for selector in [*config.extend_select, *extend_select]:
        codes |= resolve_selector(selector, catalog, "--extend-select")
    for selector in [*config.ignore, *ignore]:
        codes -= resolve_selector(selector, catalog, "--ignore")
    return codes


@lru_cache(maxsize=4096)
def _glob(pattern: str) -> Any:
    """One gitignore-style pattern, compiled once per process."""
    from infralint.gitignore import gitignore_pathspec

    return gitignore_pathspec([pattern])


def glob_matches(pattern: str, relative_path: str) -> bool:
    """The one glob dialect of the configuration: a gitignore pattern (pathspec), matched
    against a path relative to the config file's directory. `Dockerfile` and `*.yml` (no
    slash) match at any depth, `/compose.yaml` and `docker/*.yml` only from the config's
    directory, `**/` any number of directories, including none."""
    return bool(_glob(pattern).match_file(relative_path))


def path_for_globs(path: str | Path, anchor: Path) -> str:
    """`path` relative to `anchor` (POSIX); a path outside it is judged by its name alone."""
    import os

    absolute = os.path.abspath(path)
    prefix = os.path.join(os.path.abspath(anchor), "")
    if absolute.startswith(prefix):
        return absolute[len(prefix) :].replace(os.sep, "/")
    return os.path.basename(absolute)


def ignored_for_path(config: Config, path: str | Path, catalog: Catalog) -> set[str]:
    """Codes that `per-file-ignores` switches off for a file. A pattern starting with `!`
    applies to the files it does not match (as in ruff)."""
    relative = path_for_globs(path, config.anchor("per-file-ignores"))
    codes: set[str] = set()
    for pattern, selectors in config.per_file_ignores.items():
        negated = pattern.startswith("!")
        if glob_matches(pattern[1:] if negated else pattern, relative) != negated:
            for selector in selectors:
                codes |= resolve_selector(selector, catalog)
    return codes


def rule_options(config: Config, rule: Rule) -> dict[str, Any]:
    options = {name: option.default for name, option in rule.options.items()}
    options.update(config.rules.get(rule.code, {}))
    return options


def effective_severity(config: Config, rule: Rule) -> Severity:
    level = config.severity.get(rule.code)
    return Severity(level) if level else rule.severity


# --------------------------------------------------------------------------- JSON schema

_JSON_TYPES = {"string": "string", "list": "array", "bool": "boolean", "int": "integer"}


def json_schema(catalog: Catalog) -> dict[str, Any]:
    """A JSON schema of `.infralint.toml` (and `[tool.infralint]`) for editors."""
    codes = sorted(catalog.rules)
    names = sorted({rule.name for rule in catalog})
    prefixes = sorted({code[:n] for code in codes for n in (2, 3)})
    hadolint = sorted({*catalog.peer_map("hadolint"), *peer_codes.NOT_PORTED})
    selector = {
        "anyOf": [
            {"type": "string", "enum": ["ALL", *codes, *prefixes, *names, *hadolint]},
            {"type": "string", "pattern": "^SC([123][0-9]{0,3})?$"},  # ShellCheck's codes
        ]
    }
    selectors = {"type": "array", "items": selector}
    rule_options: dict[str, Any] = {}
    for rule in catalog:
        if rule.options:
            rule_options[rule.code] = {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    name: {
                        "type": _JSON_TYPES[option.type],
                        "description": option.description,
                        "default": option.default,
                    }
                    for name, option in rule.options.items()
                },
            }
    level = {"type": "string", "enum": ["error", "warning", "note"]}
    globs = {"type": "array", "items": {"type": "string"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "infralint configuration",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "extends": {"type": "string", "enum": list(PRESETS)},
            "select": selectors,
            "extend-select": selectors,
            "ignore": selectors,
            "exclude": globs,
            "per-file-ignores": {"type": "object", "additionalProperties": selectors},
            "fail-on": {"type": "string", "enum": list(FAIL_ON)},
            "min-severity": {"type": "string", "enum": list(MIN_SEVERITY)},
            "max-file-size": {"type": "integer", "minimum": 1},
            "severity": {
                "type": "object",
                "propertyNames": {"enum": codes},
                "additionalProperties": level,
            },
            "rules": {
                "type": "object",
                "additionalProperties": False,
                "properties": rule_options,
            },
            "files": {
                "type": "object",
                "additionalProperties": False,
                "properties": dict.fromkeys(FILE_GLOB_LANGUAGES, globs),
            },
            "chef": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "cookbook-kind": {"enum": ["application", "library", "auto"]},
                },
            },
            "python": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"paths": globs},
            },
            "hadolint-config": {"type": "boolean"},
            "hadolint-pragmas": {"type": "boolean"},
            "inline-suppressions": {"type": "boolean"},
            "extend": {"type": "string"},
        },
    }


# --------------------------------------------------------------------------- rendering


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    # TOML strings may not hold raw controls; bidi overrides would hide text from the reader.
    text = UNSAFE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)
    return f'"{text}"'


def render_toml(data: Mapping[str, Any], prefix: str = "tool.infralint") -> str:
    """TOML that tomllib reads back to `data` (empty tables left out): every key quoted when
    it is not a bare key (patterns such as `tests/**` are not)."""
    scalars = [
        f"{_toml_key(key)} = {_toml_value(v)}" for key, v in data.items() if not isinstance(v, dict)
    ]
    lines = [f"[{prefix}]", *scalars]
    for key, value in data.items():
        if isinstance(value, dict) and value:
            nested = render_toml(value, f"{prefix}.{_toml_key(key)}")
            lines.extend(["", nested])
    return "\n".join(lines)


def _toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else _toml_value(key)
