"""Loading the grammars without their packages' __init__ gives the same languages."""

from __future__ import annotations

import importlib

import pytest
from tree_sitter import Language

from infralint.parsers import _treesitter


@pytest.mark.parametrize("package", ["tree_sitter_bash", "tree_sitter_ruby"])
def test_the_binding_is_the_packages_language(package: str) -> None:
    direct = Language(_treesitter._binding_language(package))
    normal = Language(importlib.import_module(package).language())
    assert direct.node_kind_count == normal.node_kind_count > 100
    assert direct.abi_version == normal.abi_version


def test_a_package_without_a_binding_falls_back_to_importing_it() -> None:
    with pytest.raises(AttributeError):
        _treesitter._binding_language("json")  # found, no _binding, no language()
