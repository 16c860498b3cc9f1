"""Rule-document examples as executable cases (used by the test suite and `tools/`).

A fenced block under `## Examples` is a case; `# expect: CODE` annotates the next code line,
`# expect: CODE "fragment"` also requires the finding's message to contain the fragment.
See CONTRIBUTING.md for the format.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from infralint.expect_markers import EXPECT as _EXPECT
from infralint.expect_markers import EXPECT_ITEM as _ITEM
from infralint.languages import FILE_LANGUAGES

# A block's info string (the language's fence name, or its name) -> where the file is written.
DEFAULT_PATHS = {
    info: language.example_path
    for language in FILE_LANGUAGES
    if language.example_path
    for info in (language.fence, language.name)
    if info
}
_FENCE = re.compile(
    r"^(?P<ticks>`{3,})(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=ticks)[ \t]*$", re.M | re.S
)


class Expectation(NamedTuple):
    """One expected finding: `# expect: DF101 "neither tag"` (the fragment is optional)."""

    line: int
    code: str
    fragment: str | None


@dataclass
class ExampleFile:
    path: str
    text: str


@dataclass
class Example:
    """One group of files linted together."""

    name: str
    files: list[ExampleFile] = field(default_factory=list)
    config: str | None = None

    def expected(self, code: str) -> dict[str, Counter[int]]:
        """Path -> Counter of lines where `code` is expected."""
        result: dict[str, Counter[int]] = {}
        for example_file in self.files:
            result[example_file.path] = expectations(example_file.text, code)
        return result

    def flags(self, code: str) -> bool:
        return any(sum(counter.values()) for counter in self.expected(code).values())


def expectations(text: str, code: str) -> Counter[int]:
    """Line -> how many findings of `code` are expected there."""
    return Counter(item.line for item in expectation_list(text) if item.code == code)


def expectation_list(text: str) -> list[Expectation]:
    """Every `# expect:` annotation of a file, at the line it annotates."""
    lines = text.splitlines()
    found: list[Expectation] = []
    for index, line in enumerate(lines):
        match = _EXPECT.search(line)
        if not match:
            continue
        if match.group("file"):
            target = 1
        else:
            target = index + 1
            while target < len(lines) and _EXPECT.search(lines[target]):
                target += 1
            target += 1
        found.extend(
            Expectation(target, item.group("code"), item.group("fragment"))
            for item in _ITEM.finditer(match.group("codes"))
        )
    return found


def missing_fragments(
    example: Example, code: str, messages: dict[tuple[str, int], list[str]]
) -> list[str]:
    """The expected message fragments of `code` that no finding at their line contains.

    `messages` maps (path, line) to the messages of the rule's findings there."""
    missing = []
    for example_file in example.files:
        for item in expectation_list(example_file.text):
            if item.code != code or item.fragment is None:
                continue
            found = messages.get((example_file.path, item.line), [])
            if not any(item.fragment in message for message in found):
                missing.append(
                    f"{example_file.path}:{item.line}: no message with {item.fragment!r}"
                )
    return missing


def _attributes(info: str) -> tuple[str, dict[str, str]]:
    words = info.split()
    language = words[0].lower() if words else ""
    attributes = dict(word.split("=", 1) for word in words[1:] if "=" in word)
    flags = {word: "" for word in words[1:] if "=" not in word}
    return language, {**flags, **attributes}


def parse_examples(document: str) -> list[Example]:
    """The example groups of a rule document's `## Examples` section."""
    section = re.search(r"^## Examples\s*\n(.*?)(?=^## |\Z)", document, re.M | re.S)
    if not section:
        return []
    groups: dict[str, Example] = {}
    order: list[str] = []
    for number, match in enumerate(_FENCE.finditer(section.group(1)), 1):
        language, attributes = _attributes(match.group("info"))
        body = match.group("body")
        group = attributes.get("group", f"example-{number}")
        if group not in groups:
            groups[group] = Example(group)
            order.append(group)
        example = groups[group]
        if language == "toml" and "config" in attributes:
            example.config = body
            continue
        path = attributes.get("path") or DEFAULT_PATHS.get(language)
        if path is None:
            continue  # an illustration (shell session, output), not a file
        example.files.append(ExampleFile(path, body))
    return [groups[name] for name in order if groups[name].files]


def materialise(example: Example, directory: Path) -> None:
    """Write an example's files (plus what discovery needs, e.g. a cookbook's metadata.rb)."""
    for example_file in example.files:
        target = directory / example_file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(example_file.text, encoding="utf-8")
    written = {example_file.path for example_file in example.files}
    for example_file in example.files:
        parts = Path(example_file.path).parts
        for dsl in ("recipes", "resources", "attributes", "providers", "definitions"):
            if dsl in parts:
                cookbook = Path(*parts[: parts.index(dsl)])
                metadata = (cookbook / "metadata.rb").as_posix()
                if metadata not in written and not (directory / metadata).exists():
                    (directory / metadata).write_text(
                        "name 'example'\nversion '1.0.0'\n", encoding="utf-8"
                    )
    config = example.config or ""
    has_python = any(example_file.path.endswith(".py") for example_file in example.files)
    if has_python and "[python]" not in config:
        config += '\n[python]\npaths = ["."]\n'
    if config:
        (directory / ".infralint.toml").write_text(config, encoding="utf-8")
