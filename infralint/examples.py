"""Rule-document examples as executable cases (used by the test suite and `tools/`).

A fenced block under `## Examples` is a case; `# expect: CODE` annotates the next code line.
See CONTRIBUTING.md for the format.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

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
_EXPECT = re.compile(
    r"#\s*expect(?P<file>-file)?:\s*(?P<codes>[A-Z]{2}\d{3}(?:[,\s]+[A-Z]{2}\d{3})*)"
)


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
    lines = text.splitlines()
    found: Counter[int] = Counter()
    for index, line in enumerate(lines):
        match = _EXPECT.search(line)
        if not match:
            continue
        codes = re.split(r"[,\s]+", match.group("codes").strip())
        count = codes.count(code)
        if not count:
            continue
        if match.group("file"):
            found[1] += count
            continue
        target = index + 1
        while target < len(lines) and _EXPECT.search(lines[target]):
            target += 1
        found[target + 1] += count
    return found


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
