"""Bounded time and memory on adversarial text, and every failure is IL001 (issue 20: 13, 15, 17).

Each input is built here. Time-bound cases run the real CLI and assert a wall-clock budget far
above what linear work needs on a slow shared machine and far below what the old backtracking
took (a minute or more at these sizes).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from infralint import registry
from infralint.model import Violation
from infralint.parsers import dockerfile as dockerfile_parser
from tests.helpers import lint_directory
from tests.hostile.harness import assert_control_checked, codes, findings, il001, lint

BUDGET_S = 10.0  # linear work takes well under a second here; the old code took over a minute
BOMB_MEMORY = 768 * 1024**2  # bytes of address space: a run needs ~150 MB; the old bombs, GBs
LONG = 100_000
CURL_PIPE = "RUN curl -fsSL https://example.com/install.sh | sh\n"

Writer = Callable[[Path], None]


def _directive(root: Path) -> None:
    (root / "Dockerfile").write_text("# escape=x" + " " * LONG + "y\nFROM alpine:3.20\n")


def _url_password(root: Path) -> None:
    value = "a" * LONG
    (root / "compose.yaml").write_text(
        f"services:\n  web:\n    image: nginx:1.25\n    environment:\n      DB_URL: {value}\n"
    )


def _dotenv_comment(root: Path) -> None:
    (root / ".env").write_text("TAG=x" + " " * LONG + "y\n")
    (root / "compose.yaml").write_text("services:\n  web:\n    image: nginx:${TAG}\n")


def _gitignore(root: Path) -> None:
    (root / ".gitignore").write_text("*a*a*a*a*ab\n")
    folder = root / ("a" * 200)
    folder.mkdir()
    (folder / "Dockerfile").write_text("FROM alpine:3.20\n")


def _git_ref(root: Path) -> None:
    ref = "0" * LONG + "x"
    (root / "Dockerfile").write_text(f"FROM alpine:3.20\nRUN git checkout {ref}\n")


def _trusted_brackets(root: Path) -> None:
    text = "[" * LONG
    (root / "Dockerfile").write_text(f"FROM debian:12\nRUN echo '{text}' > /tmp/x\n")


@pytest.mark.parametrize(
    "writer",
    [
        _directive,
        _url_password,
        _dotenv_comment,
        _gitignore,
        _git_ref,
        _trusted_brackets,
    ],
    ids=[
        "parser-directive",
        "compose-url-password",
        "dotenv-comment",
        "gitignore-stars",
        "git-ref-digits",
        "apt-trusted-brackets",
    ],
)
def test_adversarial_text_is_checked_in_linear_time(tmp_path: Path, writer: Writer) -> None:
    """Item 13: every regex applied to scanned text runs in linear time."""
    writer(tmp_path)
    start = time.monotonic()
    status, report, _ = lint(tmp_path, timeout=2 * BUDGET_S)
    elapsed = time.monotonic() - start
    assert elapsed < BUDGET_S, f"{elapsed:.1f} s"
    assert status in (0, 1)
    assert_control_checked(report)


def _adversarial_calls() -> Iterator[tuple[str, Callable[[], Any]]]:
    """Imported here, not at collection: on the old code a missing helper fails only its case."""
    from infralint.checks.compose import dc303, dc405
    from infralint.checks.dockerfile.df112 import DOWNLOAD_IN_TEXT
    from infralint.checks.dockerfile.df405 import CONFIG_TEXT
    from infralint.checks.python import py201
    from infralint.parsers.dockerfile import _JSON_STRING
    from infralint.parsers.interpolation import parse_dotenv

    url = dict(dc405._SECRET_VALUES)["a password in a URL"]
    yield "url-scheme", lambda: url.search("a" * LONG)
    yield "percent-width", lambda: py201._PERCENT_FIELD.sub("X", "%" + "0" * LONG)
    yield "percent-keys", lambda: py201._PERCENT_FIELD.sub("X", "%(" * (2 * LONG))
    yield "json-quotes", lambda: list(_JSON_STRING.finditer('"' + '\\"' * (LONG // 2)))
    yield "log-target", lambda: dc303._is_log_target("/logs" * (LONG // 5) + "\nx")
    yield "dotenv", lambda: parse_dotenv("A=x" + " " * LONG + "y\n")
    yield "download", lambda: DOWNLOAD_IN_TEXT.search("`" * (2 * LONG))
    yield "config", lambda: CONFIG_TEXT.search("[ " * (LONG // 2))
    yield "gitignore-deep", _gitignore_deep


def _call(name: str) -> None:
    dict(_adversarial_calls())[name]()


def _gitignore_deep() -> None:
    from infralint.gitignore import gitignore_spec

    deep = gitignore_spec(["a/**/b/**/c/**/d", "**/x*y*z*w/**/q/**/r"])
    deep.match_file("a/" + "b/" * 1000 + "c/" * 1000 + "e")


ENTRY_POINTS = [
    "url-scheme",
    "percent-width",
    "percent-keys",
    "json-quotes",
    "log-target",
    "dotenv",
    "download",
    "config",
    "gitignore-deep",
]


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_regex_entry_points_are_linear(name: str) -> None:
    """Item 13: the rewritten regexes, in-process, on 100k-character adversarial text."""
    # In a child process, so that a regression fails in time instead of hanging the suite;
    # a forkserver child, as forking the multi-threaded test worker may deadlock.
    child = multiprocessing.get_context("forkserver").Process(target=_call, args=(name,))
    start = time.monotonic()
    child.start()
    child.join(BUDGET_S)
    elapsed = time.monotonic() - start
    if child.is_alive():
        child.kill()
        child.join()
    assert child.exitcode == 0 and elapsed < BUDGET_S, f"{name}: {elapsed:.1f} s"


def _arg_bomb(root: Path) -> None:
    doubling = "".join(f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, 28))
    (root / "Dockerfile").write_text(
        "ARG A0=xxxxxxxx\n" + doubling + "FROM ubuntu:$A27\nFROM ubuntu\n" + CURL_PIPE
    )


def _env_bomb(root: Path) -> None:
    words = "$A" * 200_000  # one word: 200,000 copies of a 60 KB value
    (root / "Dockerfile").write_text(
        f"FROM ubuntu\nENV A={'x' * 60_000}\nRUN git checkout {words}\n" + CURL_PIPE
    )


def _dotenv_bomb(root: Path) -> None:
    doubling = "".join(f"A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, 28))
    (root / ".env").write_text("A0=xxxxxxxx\n" + doubling)
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    build: .\n    image: app:${A27}\n"
        "    environment:\n      URL: ${A27}${A27}\n"
    )
    (root / "Dockerfile").write_text("FROM ubuntu\n" + CURL_PIPE)


def _build_args_bomb(root: Path) -> None:
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    image: app:1\n    build:\n      context: .\n"
        "      args:\n        A0: xxxxxxxx\n"
    )
    doubling = "".join(f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, 28))
    (root / "Dockerfile").write_text(
        "ARG A0\n" + doubling + "FROM ubuntu:$A27\nFROM ubuntu\n" + CURL_PIPE
    )


@pytest.mark.parametrize(
    "writer",
    [_arg_bomb, _env_bomb, _dotenv_bomb, _build_args_bomb],
    ids=["dockerfile-arg", "dockerfile-env", "dotenv", "compose-build-args"],
)
def test_expansion_bombs_are_capped_and_the_file_still_checked(
    tmp_path: Path, writer: Writer
) -> None:
    """Item 15: an expansion past the cap is unknown; the rest of the file is still checked."""
    writer(tmp_path)
    start = time.monotonic()
    status, report, _ = lint(tmp_path, timeout=2 * BUDGET_S, memory_limit=BOMB_MEMORY)
    assert time.monotonic() - start < BUDGET_S
    assert status == 1
    found = codes(report, "Dockerfile")
    assert "DF101" in found and "DF112" in found, found
    assert not [f for f in findings(report) if f["code"] == "IL001"], findings(report)
    # No "internal error"; a RUN script beyond ShellCheck's bounds is left out with a note.
    notes = [
        n for n in report.get("notifications", []) if "over its size bounds" not in n["message"]
    ]
    assert not notes, notes
    assert_control_checked(report)


def test_ruamel_failure_is_il001(tmp_path: Path) -> None:
    """Item 17: ruamel's NotImplementedError on `: #` is an IL001 finding, and exit 1."""
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.25\n: #\n .\n\n")
    status, report, _ = lint(tmp_path)
    assert status == 1
    messages = il001(report, "compose.yaml")
    assert len(messages) == 1 and "NotImplementedError" in messages[0], messages
    assert_control_checked(report)


def test_crashing_parser_and_check_are_il001(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items 15 and 17: a parser or a check that raises gives IL001 on that file (naming the
    rule), which counts for the exit status; other files and rules keep their findings."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text("FROM ubuntu\n" + CURL_PIPE)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "Dockerfile").write_text("FROM alpine\n")
    real_parse = dockerfile_parser.parse
    real_checks_for = registry.checks_for

    def parse(source: Any) -> Any:
        if source.display_path.startswith("b"):
            raise MemoryError("expansion too large")
        return real_parse(source)

    def crash(document: Any, context: Any) -> Iterator[Violation]:
        raise KeyError("no such stage")

    def checks_for(language: str, wanted: Any) -> Any:
        return [
            (code, crash if code == "DF112" else function)
            for code, function in real_checks_for(language, wanted)
        ]

    monkeypatch.setattr(dockerfile_parser, "parse", parse)
    monkeypatch.setattr(registry, "checks_for", checks_for)
    result = lint_directory(tmp_path)
    by_path: dict[str, list[str]] = {}
    for finding in result.findings:
        by_path.setdefault(Path(finding.path).parent.name, []).append(finding.code)
    crashed = [f.message for f in result.findings if f.code == "IL001"]
    assert by_path["a"].count("IL001") == 1 and "DF101" in by_path["a"], by_path
    assert by_path["b"] == ["IL001"], by_path
    assert any("DF112" in m and "KeyError" in m for m in crashed), crashed
    assert any("MemoryError" in m for m in crashed), crashed
    assert not result.notifications
