"""Every output format survives every name the file system allows.

A tree whose directory and file names carry a byte that is not UTF-8, a line feed, `%`, `::`,
`,`, spaces and a leading `-` is checked in each format, to standard output and to a file, and
each report is read back the way its consumer reads it: SARIF through the strict validator
(../shared/tools/check_sarif.py, when present), XML through a parser, JSON through `json`,
workflow and logging commands through the runners' own splitting and unescaping. Every file of
the tree must come back under its exact name wherever the format can carry it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest

from infralint.check_command import ACCEPTED_FORMATS
from infralint.textsafe import visible
from tests.hostile.harness import run_cli

CHECK_SARIF = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_sarif.py"

# Directory names (bytes: one is not UTF-8), each holding a Dockerfile, plus odd file names.
HOSTILE_DIRECTORIES = (
    b"caf\xe9",
    b"line\nfeed",
    b"100%25%0A",
    b"x::error file=a::forged",
    b"a,b=c",
    b"with space",
    b"-leading-dash",
    b"semi;colon]bracket",
)
HOSTILE_FILES = (b"Dockerfile.%41,::x y", b"-x.Dockerfile")
DOCKERFILE = b"FROM alpine\nRUN apt-get install curl\n"  # findings with and without fixes
# What a terminal or log viewer would obey (a line feed is only allowed between lines).
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("names")
    base = os.fsencode(root)
    try:
        for name in HOSTILE_DIRECTORIES:
            os.mkdir(os.path.join(base, name))
            with open(os.path.join(base, name, b"Dockerfile"), "wb") as handle:
                handle.write(DOCKERFILE)
        for name in HOSTILE_FILES:
            with open(os.path.join(base, name), "wb") as handle:
                handle.write(DOCKERFILE)
    except OSError as error:  # a file system that refuses such names (not one of CI's)
        pytest.skip(f"the file system refuses a hostile name: {error}")
    return root


def expected_paths() -> set[bytes]:
    return {name + b"/Dockerfile" for name in HOSTILE_DIRECTORIES} | set(HOSTILE_FILES)


def as_bytes(path: str) -> bytes:
    """A path as a report gives it back (undecodable bytes as lone surrogates) -> the name."""
    return os.fsencode(path)


def check(tree: Path, format_name: str, to_file: bool) -> str:
    """Run the format over the tree; the report's text (undecodable bytes as surrogates)."""
    output = tree / f"report.{format_name}"
    args = ["check", "--no-cache", "-j", "1", "-f", format_name, "."]
    if to_file:
        args[-1:-1] = ["-o", str(output)]
    result = run_cli(args, tree, text=False)
    assert result.returncode == 1, result.stderr
    assert result.stderr.decode("utf-8", "replace") == ""
    data = output.read_bytes() if to_file else result.stdout
    if to_file:
        output.unlink()
        assert result.stdout == b""
    return data.decode("utf-8", "surrogateescape")


def assert_nothing_raw(text: str) -> None:
    assert not RAW_CONTROL.findall(text), RAW_CONTROL.findall(text)


# --------------------------------------------------------------------------- per-format readers


def json_paths(text: str) -> set[bytes]:
    return {as_bytes(finding["path"]) for finding in json.loads(text)["findings"]}


def json_lines_paths(text: str) -> set[bytes]:
    objects = [json.loads(line) for line in text.splitlines()]
    return {as_bytes(o["path"]) for o in objects if "code" in o}


def rdjson_paths(text: str) -> set[bytes]:
    return {as_bytes(d["location"]["path"]) for d in json.loads(text)["diagnostics"]}


def gitlab_paths(text: str) -> set[bytes]:
    return {as_bytes(issue["location"]["path"]) for issue in json.loads(text)}


def sarif_paths(text: str) -> set[bytes]:
    (run,) = json.loads(text)["runs"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    for uri in uris:  # RFC 3986: only unreserved characters, sub-delimiters, `/`, `%` escapes
        assert re.fullmatch(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*(%[0-9A-F]{2}[^%]*)*", uri), uri
    return {unquote_to_bytes(uri) for uri in uris}


GITHUB_COMMAND = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)$")


def github_unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def github_paths(text: str) -> set[bytes]:
    paths = set()
    for line in text.splitlines():
        if line.startswith("infralint: "):  # the closing line on annotations GitHub drops
            continue
        match = GITHUB_COMMAND.match(line)
        assert match, line  # every line is one of our commands, none forged by a name
        props = dict(pair.split("=", 1) for pair in match["props"].split(","))
        paths.add(as_bytes(github_unescape(props["file"])))
    return paths


AZURE_COMMAND = re.compile(r"^##vso\[task\.logissue (?P<props>[^\]]*)\](?P<data>.*)$")


def azure_unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3B", ";"), ("%5D", "]")):
        text = text.replace(escaped, raw)
    return text.replace("%AZP25", "%")


def azure_paths(text: str) -> set[bytes]:
    paths = set()
    for line in text.splitlines():
        match = AZURE_COMMAND.match(line)
        assert match, line
        props = dict(pair.split("=", 1) for pair in match["props"].split(";") if pair)
        paths.add(as_bytes(azure_unescape(props["sourcepath"])))
    return paths


EXACT_READERS = {
    "json": json_paths,
    "json-lines": json_lines_paths,
    "rdjson": rdjson_paths,
    "gitlab": gitlab_paths,
    "sarif": sarif_paths,
    "github": github_paths,
    "azure": azure_paths,
}


def shown(path: bytes) -> str:
    """How the formats for people (and XML) show a name: escapes for controls."""
    return visible(os.fsdecode(path))


def text_paths(text: str) -> set[str]:
    return {m[1] for m in re.finditer(r"^(.+?):\d+:\d+: [A-Z]{2}\d{3} ", text, re.MULTILINE)}


def grouped_paths(text: str) -> set[str]:
    return {line[:-1] for line in text.splitlines() if line and not line.startswith(("  ", "F"))}


def checkstyle_paths(text: str) -> set[str]:
    root = ET.fromstring(text.encode("utf-8", "replace"))
    return {element.attrib["name"] for element in root.iter("file") if len(element)}


def junit_paths(text: str) -> set[str]:
    root = ET.fromstring(text.encode("utf-8", "replace"))
    (suite,) = root.iter("testsuite")
    cases = suite.findall("testcase")
    assert suite.attrib["tests"] == str(len(cases))
    names = [case.attrib["name"] for case in cases]
    assert len(names) == len(set(names))  # CI systems key their history on the name
    return {case.attrib["classname"] for case in cases if case.find("failure") is not None}


def xml_shown(path: bytes) -> str:
    # XML 1.0 cannot carry an undecodable byte (a lone surrogate): it is replaced.
    return re.sub("[\ud800-\udfff]", "\ufffd", shown(path))


SHOWN_READERS = {
    "text": (text_paths, shown),
    "concise": (text_paths, shown),
    "full": (text_paths, shown),
    "grouped": (grouped_paths, shown),
    "checkstyle": (checkstyle_paths, xml_shown),
    "junit": (junit_paths, xml_shown),
}


def test_every_format_has_a_reader_here() -> None:
    assert set(EXACT_READERS) | set(SHOWN_READERS) == set(ACCEPTED_FORMATS)


# Writing a file is the same code for every format: three kinds of output suffice there.
CASES = [(name, False) for name in ACCEPTED_FORMATS] + [
    (name, True) for name in ("sarif", "junit", "grouped")
]


@pytest.mark.parametrize(
    ("format_name", "to_file"), CASES, ids=[f"{n}-{'file' if f else 'stdout'}" for n, f in CASES]
)
def test_every_format_survives_every_file_name(tree: Path, format_name: str, to_file: bool) -> None:
    text = check(tree, format_name, to_file)
    if format_name in EXACT_READERS:
        assert EXACT_READERS[format_name](text) == expected_paths()
    else:
        read, show = SHOWN_READERS[format_name]
        assert read(text) == {show(path) for path in expected_paths()}
    if format_name not in ("json", "json-lines", "rdjson", "gitlab", "sarif"):
        # JSON keeps exact names in escaped strings; the rest must not print a control raw.
        assert_nothing_raw(text)


@pytest.mark.skipif(not CHECK_SARIF.is_file(), reason="../shared/tools/check_sarif.py is absent")
def test_sarif_over_hostile_names_passes_the_strict_validator(tree: Path) -> None:
    output = tree / "strict.sarif"
    result = run_cli(["check", "--no-cache", "-f", "sarif", "-o", str(output), "."], tree)
    assert result.returncode == 1
    try:
        checked = subprocess.run(
            [sys.executable, str(CHECK_SARIF), "--strict", str(output)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        output.unlink()
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_name_with_a_leading_dash_is_a_path_after_the_separator(tree: Path) -> None:
    result = run_cli(["check", "--no-cache", "-f", "json", "--", "-x.Dockerfile"], tree)
    assert result.returncode == 1
    assert json_paths(result.stdout) == {b"-x.Dockerfile"}


@pytest.mark.parametrize("format_name", ["full", "grouped", "concise", "azure", "rdjson"])
def test_new_formats_obey_nothing_the_tree_says(tmp_path: Path, format_name: str) -> None:
    """Names and file content with escape sequences, bidi overrides and forged commands
    (`::error`, `##vso[`): the formats for people show them escaped, Azure's commands stay ours,
    rdjson escapes what a viewer would obey."""
    from tests.hostile.test_output import _hostile_tree

    _hostile_tree(tmp_path)
    forged = tmp_path / "x\n##vso[task.setvariable variable=PATH]evil"
    forged.mkdir()
    (forged / "Dockerfile").write_text("FROM alpine\n")
    result = run_cli(["check", "--no-cache", "-f", format_name, "."], tmp_path, text=False)
    text = result.stdout.decode("utf-8", "surrogateescape")
    assert_nothing_raw(text)
    for line in text.split("\n"):
        assert not line.startswith("::"), line
        if format_name == "azure":
            assert AZURE_COMMAND.match(line) or not line, line
        else:
            assert not line.startswith("##vso["), line
    if format_name == "rdjson":
        assert json.loads(text)["diagnostics"]
    assert "##vso[task.setvariable" in text  # the forged command is reported, harmlessly
