""".hadolint.yaml translated into infralint configuration, through the rules' `hadolint:` peers.

Used when no infralint config exists, or when the config says `hadolint-config = true`, and by
`infralint migrate hadolint`, which prints the equivalent `[tool.infralint]` block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infralint.catalog import Catalog
from infralint.config import Config, ConfigError, read_config_text
from infralint.textsafe import brief_repr, visible

# hadolint's levels -> ours; hadolint's "info" and "style" are both advice.
LEVELS = {"error": "error", "warning": "warning", "info": "note", "style": "note"}
THRESHOLDS = {**LEVELS, "ignore": "never", "none": "never"}
# Keys of .hadolint.yaml that change how hadolint prints, not what it finds.
PRESENTATION_KEYS = {"format", "no-color", "no-fail", "verbose", "label-schema", "strict-labels"}


@dataclass
class Translation:
    config: Config
    unmapped: list[str] = field(default_factory=list)  # hadolint codes we have no rule for
    notes: list[str] = field(default_factory=list)


def load_yaml(path: Path, text: str | None = None) -> dict[str, Any]:
    """A .hadolint.yaml as a mapping; `text` when the caller has read it (inside the scanned
    tree, through the contained reader)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if text is None:
        text = read_config_text(path, "hadolint config")
    try:
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError as error:
        raise ConfigError(f"{path}: cannot read hadolint config: {error}") from None
    except RecursionError:
        # ruamel composes nested collections recursively.
        raise ConfigError(f"{path}: cannot read hadolint config: nested too deeply") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a hadolint config is a mapping")
    return data


def _codes(value: Any, path: Path, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: {key}: expected a list of rule codes")
    return [item.strip().upper() for item in value]


def translate(data: dict[str, Any], path: Path, catalog: Catalog, base: Config) -> Translation:
    """Apply a hadolint config on top of `base` (a copy is returned)."""
    from dataclasses import replace

    config = replace(
        base,
        ignore=list(base.ignore),
        severity=dict(base.severity),
        rules={code: dict(options) for code, options in base.rules.items()},
    )
    translation = Translation(config)
    peers = catalog.peer_map("hadolint")
    peers.update(catalog.peer_map("shellcheck"))

    def ours(code: str) -> list[str]:
        mapped = peers.get(code, []) or [rule.code for rule in catalog.lookup(code)]
        if not mapped and code not in translation.unmapped:
            translation.unmapped.append(code)
        return mapped

    for key, value in data.items():
        if key == "ignored":
            for code in _codes(value, path, key):
                config.ignore.extend(c for c in ours(code) if c not in config.ignore)
        elif key == "override":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: override: expected a mapping of level -> codes")
            for level, codes in value.items():
                if level not in LEVELS:
                    raise ConfigError(f"{path}: override: unknown level {brief_repr(level)}")
                for code in _codes(codes, path, f"override.{level}"):
                    for mapped in ours(code):
                        config.severity[mapped] = LEVELS[level]
        elif key == "trustedRegistries":
            registries = _codes(value, path, key)
            config.rules.setdefault("DF117", {})["trusted-registries"] = [
                registry.lower() for registry in registries
            ]
        elif key == "failure-threshold":
            if not isinstance(value, str) or value not in THRESHOLDS:
                raise ConfigError(f"{path}: failure-threshold: unknown level {brief_repr(value)}")
            config.fail_on = THRESHOLDS[value]
        elif key == "disable-ignore-pragma":
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: {key}: expected true or false, got {brief_repr(value)}")
            config.hadolint_pragmas = not value
        elif key in PRESENTATION_KEYS:
            translation.notes.append(f"{key}: presentation only, not translated")
        else:
            raise ConfigError(f"{path}: unknown hadolint config key {brief_repr(key)}")
    return translation


def migrate(path: Path, catalog: Catalog) -> str:
    """The `[tool.infralint]` block equivalent to a .hadolint.yaml."""
    translation = translate(load_yaml(path), path, catalog, Config())
    config = translation.config
    data: dict[str, Any] = {}
    if config.ignore:
        data["ignore"] = config.ignore
    if config.fail_on != "warning":
        data["fail-on"] = config.fail_on
    if not config.hadolint_pragmas:
        data["hadolint-pragmas"] = False
    if config.severity:
        data["severity"] = config.severity
    if config.rules:
        data["rules"] = config.rules
    from infralint.config import render_toml

    # A comment ends at a line break: nothing from the file may carry one into the TOML.
    lines = [f"# Translated from {visible(path.name)} by `infralint migrate hadolint`."]
    lines += [
        f"# {visible(code)} has no infralint equivalent; dropped." for code in translation.unmapped
    ]
    lines += [f"# {note}" for note in translation.notes]
    return "\n".join([*lines, render_toml(data)]) + "\n"
