"""Binds check functions to rule codes. Only the modules of enabled rules are imported.

A check is a plain function `(document, context) -> Iterable[Violation]`, registered with
`@check("DF101")` in its own module, `infralint/checks/dockerfile/df101.py`. Its rule's metadata
lives in rules/DF101.md (see catalog.py); its language in infralint/languages.py.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar, cast

from infralint.languages import BY_NAME, FILE_LANGUAGES, language_of
from infralint.model import Violation

if TYPE_CHECKING:
    from infralint.project import Project
    from infralint.source import Document, SourceFile

# The document is `Any`: each check takes its own language's document class, and a Callable
# over `Document` would refuse them (parameters are contravariant).
CheckFunction = Callable[[Any, "CheckContext"], Iterable[Violation]]
F = TypeVar("F", bound=CheckFunction)

_CHECKS: dict[str, CheckFunction] = {}


class RuleModuleMissing(RuntimeError):
    """A rule of the catalogue has no check module (a bug in the repository)."""


class Parser(Protocol):
    """A parser module: infralint.parsers.<language>."""

    def parse(self, source: SourceFile) -> Document: ...


class CheckContext(NamedTuple):
    """What a check may know besides its document."""

    code: str
    # Every option the rule document declares, with its default unless configured
    # (config.rule_options): a check reads `options[name]` and repeats no default.
    options: Mapping[str, Any] = MappingProxyType({})
    project: Project | None = None
    settings: Mapping[str, Any] = MappingProxyType({})
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


def rule_module(code: str) -> str:
    """The module holding the check of rule `code`: infralint.checks.<language>.<code lower>."""
    return f"{language_of(code).checks_package}.{code.lower()}"


def load_rule(code: str) -> None:
    """Import the module of rule `code` (registering its check)."""
    module = rule_module(code)
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:  # a missing dependency is a real error
            raise
        raise RuleModuleMissing(f"rule {code} has no check module {module}") from None


def load_language(language: str) -> None:
    """Import every rule module of a language (to list all its rules)."""
    import pkgutil  # only `rules`, docs and tests list every rule: a check run imports no more

    package = BY_NAME[language].checks_package
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if not info.name.startswith("_"):  # _common.py and friends hold helpers, not rules
            importlib.import_module(f"{package}.{info.name}")


def parser_module(language: str) -> Parser:
    parser = BY_NAME[language].parser
    if parser is None:
        raise ValueError(f"{language} rules check no files")
    return cast(Parser, importlib.import_module(parser))


def checks_for(language: str, codes: Iterable[str]) -> list[tuple[str, CheckFunction]]:
    """The registered checks among `codes` for one language, in code order."""
    ordered = sorted(codes)
    for code in ordered:
        load_rule(code)
    return [(code, _CHECKS[code]) for code in ordered if code in _CHECKS]


def registered_codes() -> set[str]:
    for language in FILE_LANGUAGES:
        load_language(language.name)
    return set(_CHECKS)
