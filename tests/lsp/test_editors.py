"""The README's editor configurations: each parses, starts `infralint server`, and its settings
are ones the server accepts without a complaint."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import pytest

from infralint.lsp.workspace import ClientSettings
from tests.conftest import REPO

SERVER = ["infralint", "server"]


def _block(language: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Editors\n(.*?)(?=^## )", readme, re.M | re.S)
    assert section, "README.md has an Editors section"
    blocks = re.findall(rf"```{language}\n(.*?)```", section.group(1), re.S)
    assert len(blocks) == 1, language
    return str(blocks[0])


def _accepted(settings: Any) -> None:
    assert settings, "the snippet shows the settings"
    assert ClientSettings.from_json(settings)[1] == []


def test_the_install_step_is_the_lsp_extra() -> None:
    assert "pip install 'infralint[lsp]'" in _block("sh")


def test_helix_languages_toml() -> None:
    config = tomllib.loads(_block("toml"))
    server = config["language-server"]["infralint"]
    assert [server["command"], *server["args"]] == SERVER
    _accepted(server["config"])
    languages = {item["name"]: item["language-servers"] for item in config["language"]}
    assert {"dockerfile", "docker-compose", "ruby", "python"} <= set(languages)
    assert all("infralint" in servers for servers in languages.values())


def test_vscode_generic_client_settings() -> None:
    settings = json.loads(_block("json"))
    command = [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]]
    assert command == SERVER
    assert {"dockerfile", "dockercompose"} <= set(settings["glspc.server.languageId"])
    _accepted(settings["glspc.server.initializationOptions"])


def test_neovim_lua_parses_and_configures_the_server() -> None:
    lupa = pytest.importorskip("lupa", reason="lupa (Lua for Python) is in the dev extra")
    lua = lupa.LuaRuntime(unpack_returned_tuples=True)
    source = _block("lua")
    loaded = lua.globals().load(source)  # compiles only; (nil, message) on a syntax error
    assert not isinstance(loaded, tuple), f"README's Lua does not parse: {loaded[1]}"
    # Run it against a stand-in for the two vim.lsp functions it may call, nothing else.
    captured = lua.execute(
        """
        local source = ...
        local seen = {}
        local vim = {lsp = {
          config = function(name, config) seen.name = name; seen.config = config end,
          enable = function(name) seen.enabled = name end,
        }}
        local chunk = assert(load(source, "README", "t", {vim = vim}))
        chunk()
        return seen
        """,
        source,
    )
    assert captured.name == "infralint" == captured.enabled
    config = captured.config
    assert list(config.cmd.values()) == SERVER
    assert "dockerfile" in list(config.filetypes.values())
    settings = dict(config.settings.infralint.items())
    _accepted(settings)
