"""dockerfile-parse as a test-time oracle for the Dockerfile reader's instruction boundaries.

On every fixture Dockerfile (and every corpus Dockerfile when /work/corpus exists) without
heredocs, each instruction's keyword, first line and last line must agree with
dockerfile-parse's `structure`. Where the two readers differ by design, BuildKit (whose parser
ours follows line for line, see infralint/parsers/dockerfile_reader.py) decides, and the
difference is named here, normalised on dockerfile-parse's side, and counted:

- byte-order mark: BuildKit drops a UTF-8 BOM; dockerfile-parse keeps it, so `\ufeff# escape=`
  becomes an instruction. It is given the text without the BOM.
- escaped-escape: a line ending in two escape characters (`C:\\Windows\\`, ``value````) does not
  continue in BuildKit; dockerfile-parse continues it into the next lines. It is given such lines
  with the two escapes replaced by a plain character, which changes no boundary for BuildKit.
- blank-in-continuation: BuildKit skips blank lines inside a continuation and goes on joining;
  dockerfile-parse ends the instruction at the blank line and starts a new one after it.
- escape-directive: dockerfile-parse reads `# escape=` only on the first line; BuildKit reads
  every directive at the top (`# syntax=` then `# escape=`` `). It is given the text with the
  escape directive swapped with the first line: directives are no instructions, so no boundary
  moves.
- not-an-instruction: dockerfile-parse takes any first word as an instruction (`{{`, a package
  name after a missing backslash); our reader reports such a line as a parse problem (IL001).
  Files with parse problems are left out and counted.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import dockerfile_parse  # the dev extra installs it: a missing oracle must fail, not skip
import pytest

from infralint.parsers import dockerfile
from infralint.source import SourceFile

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/corpus/dockerfile")
Boundary = tuple[str, int, int]  # keyword, first line, last line (1-based)


def _fixture_dockerfiles() -> list[Path]:
    found = []
    for path in sorted((ROOT / "fixtures").rglob("*")):
        name = path.name.lower()
        if path.is_file() and ("dockerfile" in name or "containerfile" in name):
            found.append(path)
    return found


def _ours(path: Path, text: str) -> tuple[list[Boundary], bool]:
    document = dockerfile.parse(SourceFile(path, str(path), text, "dockerfile"))
    boundaries = [(i.keyword, i.span.line, i.span.end_line) for i in document.instructions]
    return boundaries, bool(document.problems)


def _theirs(data: bytes) -> list[Boundary]:
    parser = dockerfile_parse.DockerfileParser(fileobj=io.BytesIO(data))
    return [
        (item["instruction"], item["startline"] + 1, item["endline"] + 1)
        for item in parser.structure
        if item["instruction"] != "COMMENT"
    ]


def _oracle_input(text: str, escape: str) -> bytes:
    """The text as dockerfile-parse is given it: no BOM, no trailing escaped escape."""
    pattern = re.compile(r"(?<!" + re.escape(escape) + ")" + re.escape(escape * 2) + r"([ \t]*)$")
    lines = text.removeprefix("\ufeff").split("\n")
    return "\n".join(pattern.sub(r"__\1", line) for line in lines).encode()


def _normalised(theirs: list[Boundary], lines: list[str], escape: str) -> list[Boundary]:
    """dockerfile-parse's boundaries with blank-in-continuation taken out."""

    def blank(number: int) -> bool:
        return number <= len(lines) and not lines[number - 1].strip()

    def continues(number: int) -> bool:
        text = lines[number - 1].rstrip(" \t\r")
        return text.endswith(escape) and not text.endswith(escape * 2)

    result: list[Boundary] = []
    for keyword, first, last in theirs:
        previous = result[-1] if result else None
        if previous is not None and _open_at_blank(previous, lines, continues, blank):
            # blank-in-continuation: BuildKit joins this instruction to the previous one.
            result[-1] = (previous[0], previous[1], last)
            continue
        result.append((keyword, first, last))
    return result


def _open_at_blank(previous: Boundary, lines: list[str], continues: object, blank: object) -> bool:
    """The previous instruction ended on a blank line while its last real line continues."""
    _keyword, first, last = previous
    assert callable(continues) and callable(blank)
    if not blank(last):
        return False
    while last > first and blank(last):
        last -= 1
    return bool(continues(last))


def _directive_lines(lines: list[str]) -> list[int]:
    """Indexes of the parser directives at the top (`# name=value` lines before anything else)."""
    found = []
    for index, line in enumerate(lines):
        if not re.match(r"#\s*[a-zA-Z][a-zA-Z0-9]*\s*=", line):
            break
        found.append(index)
    return found


def compare(paths: list[Path]) -> tuple[Counter[str], list[str]]:
    """Counts per outcome, and a description of each unexplained difference."""
    counts: Counter[str] = Counter()
    failures = []
    for path in paths:
        data = path.read_bytes()
        text = data.decode("utf-8", errors="replace")
        if "<<" in text:
            counts["heredoc (left out)"] += 1
            continue
        ours, problems = _ours(path, text)
        if problems:
            counts["not-an-instruction (left out)"] += 1
            continue
        lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
        head = _directive_lines(lines)
        escape = "\\"
        for number in head:
            found = re.match(r"#\s*escape\s*=\s*(\S)", lines[number])
            if found is not None:
                escape = found.group(1)
                if number:  # escape-directive: dockerfile-parse reads it on line 1 only
                    lines[0], lines[number] = lines[number], lines[0]
                    counts["escape directive moved to line 1"] += 1
                break
        raw = _theirs(_oracle_input("\n".join(lines), escape))
        theirs = _normalised(raw, lines, escape)
        if ours == theirs:
            counts["agree" if theirs == raw else "agree after normalising"] += 1
        else:
            counts["differ"] += 1
            failures.append(f"{path}: ours {ours} theirs {theirs}")
    return counts, failures


def test_fixture_dockerfiles_agree_with_dockerfile_parse() -> None:
    paths = _fixture_dockerfiles()
    assert len(paths) > 20  # the fixtures are found
    counts, failures = compare(paths)
    assert not failures, "\n".join(failures)
    assert counts["agree"] > 20


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus lives at /work/corpus (absent in CI)")
def test_corpus_dockerfiles_agree_with_dockerfile_parse() -> None:
    paths = sorted(path for path in CORPUS.rglob("*") if path.is_file())
    counts, failures = compare(paths)
    print(f"\ndockerfile-parse oracle on {len(paths)} corpus files: {dict(sorted(counts.items()))}")
    assert not failures, "\n".join(failures[:20])
    assert counts["agree"] > 1000
