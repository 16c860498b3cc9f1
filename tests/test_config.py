"""Configuration: discovery, validation with clear messages, selection, options."""

from __future__ import annotations

from pathlib import Path

import pytest

from infralint.catalog import load_catalog
from infralint.config import (
    Config,
    ConfigError,
    config_from_dict,
    enabled_codes,
    find_config,
    load_config,
    resolve_selector,
)
from infralint.peer_codes import shellcheck_codes

CATALOG = load_catalog()


def test_found_upward_and_pyproject_needs_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) is None
    (tmp_path / "pyproject.toml").write_text("[tool.infralint]\nignore = ['IL002']\n")
    assert find_config(deep) == tmp_path / "pyproject.toml"
    assert load_config(find_config(deep), CATALOG).ignore == ["IL002"]
    (tmp_path / "a" / ".infralint.toml").write_text("fail-on = 'error'\n")
    assert find_config(deep) == tmp_path / "a" / ".infralint.toml"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"selekt": []}, "unknown key 'selekt'"),
        ({"select": ["NOPE"]}, "unknown rule or prefix 'NOPE'"),
        ({"fail-on": "sometimes"}, "expected one of"),
        ({"extends": "lax"}, "expected one of"),
        ({"severity": {"IL001": "fatal"}}, "expected error, warning or note"),
        ({"rules": {"IL001": {"colour": 1}}}, "unknown option 'colour'"),
        ({"rules": {"XX001": {}}}, "unknown rule 'XX001'"),
        ({"max-file-size": -1}, "positive number"),
        ({"files": {"terraform": ["*.tf"]}}, "unknown language"),
        ({"chef": {"cookbook-kind": "both"}}, "application, library or auto"),
        ({"exclude": "x"}, None),
        ({"select": 3}, "select: expected a list of strings, got 3"),
        ({"per-file-ignores": {"*.py": 3}}, r"per-file-ignores\.\*\.py: expected a list"),
        ({"per-file-ignores": {"*.py": [["DF101"]]}}, "expected a list of strings"),
        ({"severity": {"DF101": ["error"]}}, "severity.DF101: expected error, warning or note"),
        ({"rules": {"DF117": {"trusted-registries": {"a": 1}}}}, "expected a list"),
    ],
)
def test_validation(data: dict[str, object], message: str | None) -> None:
    if message is None:
        assert config_from_dict(data, None, CATALOG).exclude == ["x"]
        return
    with pytest.raises(ConfigError, match=message):
        config_from_dict(data, Path("/r/.infralint.toml"), CATALOG)


def test_selectors() -> None:
    assert resolve_selector("IL001", CATALOG) == {"IL001"}
    assert resolve_selector("unused-suppression", CATALOG) == {"IL002"}
    assert resolve_selector("IL00", CATALOG) == {"IL001", "IL002", "IL003"}
    assert resolve_selector("all", CATALOG) == set(CATALOG.rules) | shellcheck_codes()
    with pytest.raises(ConfigError):
        resolve_selector("IL9", CATALOG)


def test_selection_order_select_extend_ignore() -> None:
    config = Config(select=["IL001"], extend_select=["IL002"], ignore=["IL001"])
    assert enabled_codes(config, CATALOG) == {"IL002"}
    assert enabled_codes(config, CATALOG, select=["IL"], ignore=["IL003"]) == {"IL002"}


def test_off_rules_need_select_or_strict() -> None:
    off = {rule.code for rule in CATALOG if not rule.enabled}
    default = enabled_codes(Config(), CATALOG)
    assert not (off & default)
    strict = enabled_codes(Config(extends="strict"), CATALOG)
    strict_rules = {rule.code for rule in CATALOG if "strict" in rule.presets}
    assert strict_rules <= strict
    assert off <= enabled_codes(Config(), CATALOG, select=["ALL"])


def test_json_schema_agrees_with_the_validator() -> None:
    import jsonschema

    from infralint.config import json_schema

    schema = json_schema(CATALOG)
    good = {
        "extends": "strict",
        "select": ["IL", "IL001", "DL3008", "SC", "SC2086"],
        "severity": {"IL002": "warning"},
        "chef": {"cookbook-kind": "library"},
        "python": {"paths": ["svc"]},
    }
    jsonschema.validate(good, schema)
    config_from_dict(good, None, CATALOG)
    bad_selects = ({"select": ["NOPE"]}, {"select": ["SC9999"]}, {"select": ["DL3099"]})
    for bad in ({"selekt": []}, {"fail-on": "sometimes"}, *bad_selects):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
        with pytest.raises(ConfigError):
            config_from_dict(bad, None, CATALOG)


def test_wrong_shapes_of_the_whole_table_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected a table"):
        config_from_dict([1], None, CATALOG)  # type: ignore[arg-type]
    pyproject = tmp_path / "pyproject.toml"
    for text, key in (("tool = 3\n", "tool"), ("[tool]\ninfralint = [1]\n", "infralint")):
        pyproject.write_text(text)
        with pytest.raises(ConfigError, match=f"pyproject.toml: {key}: expected a table"):
            load_config(pyproject, CATALOG)


def test_deep_nesting_and_size_are_bounded(tmp_path: Path) -> None:
    config = tmp_path / ".infralint.toml"
    config.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(config, CATALOG)
    config.write_text("#" * (2 * 1024 * 1024))
    with pytest.raises(ConfigError, match="larger than"):
        load_config(config, CATALOG)


def test_printed_config_escapes_controls_and_reads_back() -> None:
    import tomllib

    odd = 'a\x1b]52;c;x\x07\n[tool.evil]\u202e"\\'
    config = config_from_dict({"exclude": [odd]}, None, CATALOG)
    text = config.as_toml()
    assert "\x1b" not in text and "\u202e" not in text and "\n[tool.evil]" not in text
    assert tomllib.loads(text)["tool"]["infralint"]["exclude"] == [odd]
