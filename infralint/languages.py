"""The languages infralint reads: the one table every other module derives its lists from.

Adding a language means adding a row here (and its parser and checks package); nothing else
keeps its own list of languages.
"""

from __future__ import annotations

from typing import NamedTuple


class Language(NamedTuple):
    """One language and everything the modules need to know about it."""

    name: str  # as in a rule document's `language:` and a config's `[files]` table
    code_prefix: str  # the two letters of its rule codes
    parser: str | None  # the module whose `parse(source)` builds its document
    document: str | None  # the class of that document, in the parser module
    comment: str | None  # the comment marker, where inline suppressions are read
    fence: str | None  # the info string of a rule document's example block in this language
    example_path: str | None  # where an example block is written when it names no `path=`

    @property
    def checks_package(self) -> str:
        """The package holding one module per rule, `<package>.<code lower>`."""
        return f"infralint.checks.{self.name}"


_PARSERS = "infralint.parsers"
LANGUAGES: tuple[Language, ...] = (
    Language(
        "dockerfile",
        "DF",
        f"{_PARSERS}.dockerfile",
        "DockerfileDocument",
        "#",
        "dockerfile",
        "Dockerfile",
    ),
    Language(
        "compose", "DC", f"{_PARSERS}.compose", "ComposeDocument", "#", "yaml", "compose.yaml"
    ),
    Language("chef", "CB", f"{_PARSERS}.chef", "ChefDocument", "#", "ruby", "recipes/default.rb"),
    Language("python", "PY", f"{_PARSERS}.python", "PythonDocument", "#", "python", "app.py"),
    # Rules about the run itself (IL001 unreadable file, suppression hygiene): no files.
    Language("engine", "IL", None, None, None, None, None),
)

BY_NAME: dict[str, Language] = {language.name: language for language in LANGUAGES}
BY_PREFIX: dict[str, Language] = {language.code_prefix: language for language in LANGUAGES}
# The languages of files: what discovery classifies, `[files]` configures and checks read.
FILE_LANGUAGES: tuple[Language, ...] = tuple(lang for lang in LANGUAGES if lang.parser)


def language_of(code: str) -> Language:
    """The language of a rule code (KeyError for an unknown prefix)."""
    return BY_PREFIX[code[:2].upper()]
