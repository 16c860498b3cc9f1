"""Binds check functions to rule codes. Check modules are imported only for languages in use.

A check is a plain function `(document, context) -> Iterable[Violation]`, registered with
`@check("DF101")`. Its rule's metadata lives in rules/DF101.md (see catalog.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from infralint.model import Violation

if TYPE_CHECKING:
    from infralint.project import Project

CheckFunction = Callable[[Any, "CheckContext"], Iterable[Violation]]
F = TypeVar("F", bound=CheckFunction)

_CHECKS: dict[str, CheckFunction] = {}

# Language name -> (parser module, check modules). Engine-level rules (IL) have no module.
LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "dockerfile": (
        "infralint.parsers.dockerfile",
        (
            "infralint.checks.dockerfile",
            "infralint.checks.dockerfile_packages",
            "infralint.checks.dockerfile_commands",
        ),
    ),
    "compose": (
        "infralint.parsers.compose",
        (
            "infralint.checks.compose.dc101",
            "infralint.checks.compose.dc102",
            "infralint.checks.compose.dc103",
            "infralint.checks.compose.dc104",
            "infralint.checks.compose.dc105",
            "infralint.checks.compose.dc106",
            "infralint.checks.compose.dc201",
            "infralint.checks.compose.dc301",
            "infralint.checks.compose.dc302",
            "infralint.checks.compose.dc303",
            "infralint.checks.compose.dc304",
            "infralint.checks.compose.dc305",
            "infralint.checks.compose.dc401",
            "infralint.checks.compose.dc402",
            "infralint.checks.compose.dc403",
            "infralint.checks.compose.dc404",
            "infralint.checks.compose.dc405",
            "infralint.checks.compose.dc406",
            "infralint.checks.compose.dc407",
            "infralint.checks.compose.dc501",
            "infralint.checks.compose.dc502",
            "infralint.checks.compose.dc503",
            "infralint.checks.compose.dc504",
            "infralint.checks.compose.dc505",
            "infralint.checks.compose.dc506",
            "infralint.checks.compose.dc507",
            "infralint.checks.compose.dc508",
            "infralint.checks.compose.dc509",
            "infralint.checks.compose.dc510",
        ),
    ),
    "chef": (
        "infralint.parsers.chef",
        (
            "infralint.checks.chef.cb101",
            "infralint.checks.chef.cb102",
            "infralint.checks.chef.cb103",
            "infralint.checks.chef.cb104",
            "infralint.checks.chef.cb105",
            "infralint.checks.chef.cb106",
            "infralint.checks.chef.cb107",
            "infralint.checks.chef.cb108",
            "infralint.checks.chef.cb109",
            "infralint.checks.chef.cb201",
            "infralint.checks.chef.cb202",
            "infralint.checks.chef.cb203",
            "infralint.checks.chef.cb204",
            "infralint.checks.chef.cb205",
            "infralint.checks.chef.cb206",
            "infralint.checks.chef.cb207",
            "infralint.checks.chef.cb208",
            "infralint.checks.chef.cb209",
            "infralint.checks.chef.cb210",
            "infralint.checks.chef.cb301",
            "infralint.checks.chef.cb302",
            "infralint.checks.chef.cb401",
            "infralint.checks.chef.cb501",
            "infralint.checks.chef.cb502",
        ),
    ),
    "python": (
        "infralint.parsers.python",
        (
            "infralint.checks.python.py101",
            "infralint.checks.python.py201",
            "infralint.checks.python.py301",
        ),
    ),
}


@dataclass
class CheckContext:
    """What a check may know besides its document."""

    code: str
    options: Mapping[str, Any] = field(default_factory=dict)
    project: Project | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    # True under --fix/--diff: checks whose fix is costly (a libcst codemod) compute it only then.
    want_fixes: bool = False


def check(code: str) -> Callable[[F], F]:
    """Register the decorated function as the check of rule `code`."""

    def register(func: F) -> F:
        if code in _CHECKS and _CHECKS[code] is not func:
            raise RuntimeError(f"two checks registered for {code}")
        _CHECKS[code] = func
        return func

    return register


def load_language(language: str) -> None:
    """Import the check module of a language (registering its checks)."""
    for module in LANGUAGES[language][1]:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:  # a missing dependency is a real error
                raise


def parser_module(language: str) -> Any:
    return importlib.import_module(LANGUAGES[language][0])


def checks_for(language: str, codes: Iterable[str]) -> list[tuple[str, CheckFunction]]:
    """The registered checks among `codes` for one language, in code order."""
    load_language(language)
    return [(code, _CHECKS[code]) for code in sorted(codes) if code in _CHECKS]


def registered_codes() -> set[str]:
    for language in LANGUAGES:
        load_language(language)
    return set(_CHECKS)
