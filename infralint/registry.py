"""Binds check functions to rule codes. Check modules are imported only for languages in use.

A check is a plain function `(document, context) -> Iterable[Violation]`, registered with
`@check("DF101")`. Its rule's metadata lives in rules/DF101.md (see catalog.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from infralint.model import Violation

if TYPE_CHECKING:
    from infralint.project import Project

CheckFunction = Callable[[Any, "CheckContext"], Iterable[Violation]]
F = TypeVar("F", bound=CheckFunction)

_CHECKS: dict[str, CheckFunction] = {}


def _rule_modules(language: str) -> tuple[str, ...]:
    """The rule modules of a per-rule check package (`checks/dockerfile/df101.py` ...), listed
    from the package directory without importing them; helper modules (`_common`) are left out."""
    directory = Path(__file__).parent / "checks" / language
    names = sorted(path.stem for path in directory.glob("[!_]*.py"))
    return tuple(f"infralint.checks.{language}.{name}" for name in names)


# Language name -> (parser module, check modules). Engine-level rules (IL) have no module.
LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "dockerfile": ("infralint.parsers.dockerfile", _rule_modules("dockerfile")),
    "compose": ("infralint.parsers.compose", _rule_modules("compose")),
    "chef": ("infralint.parsers.chef", _rule_modules("chef")),
    "python": ("infralint.parsers.python", _rule_modules("python")),
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
