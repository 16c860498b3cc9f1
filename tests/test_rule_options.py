"""A rule's option defaults live in its document only: the config layer hands every check all
of its rule's options, defaults filled in, so no check needs a default of its own."""

from __future__ import annotations

import pytest

from infralint.catalog import Rule, load_catalog
from infralint.config import Config, ConfigError, config_from_dict, rule_options
from tests.helpers import run_check

CATALOG = load_catalog()
WITH_OPTIONS = [rule for rule in CATALOG if rule.options]


def test_some_rules_declare_options() -> None:
    assert WITH_OPTIONS


@pytest.mark.parametrize("rule", WITH_OPTIONS, ids=lambda rule: rule.code)
def test_every_declared_option_reaches_the_check_with_its_default(rule: Rule) -> None:
    options = rule_options(Config(), rule)
    assert options == {name: option.default for name, option in rule.options.items()}


def test_a_configured_option_replaces_only_its_default() -> None:
    rule = CATALOG.rules["DF103"]
    config = config_from_dict({"rules": {"DF103": {"allowed-images": ["myorg/*"]}}}, None, CATALOG)
    options = rule_options(config, rule)
    assert options["allowed-images"] == ["myorg/*"]
    assert options["allowed-registries"] == rule.options["allowed-registries"].default


def test_run_check_takes_options_through_the_config_layer() -> None:
    text = "FROM ubuntu:dev\n"
    assert run_check("DF102", text) == []  # the document's floating tags omit dev
    assert [v.span.line for v in run_check("DF102", text, options={"floating-tags": ["dev"]})] == [
        1
    ]
    with pytest.raises(ConfigError, match="expected a list"):
        run_check("DF102", text, options={"floating-tags": "dev"})
