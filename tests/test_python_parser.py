"""The Python parser: libcst with positions and qualified names, and nothing but ParseError."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infralint.model import ParseError, Span
from infralint.parsers.python import PythonDocument, parse
from infralint.source import SourceFile

REPO = Path(__file__).resolve().parent.parent


def source(text: str, name: str = "app.py", reason: str = "python.paths") -> SourceFile:
    return SourceFile(Path("/project") / name, name, textwrap.dedent(text), "python", reason)


def call_named(document: PythonDocument, code: str) -> cst.Call:
    for call in document.calls:
        if document.module.code_for_node(call.func) == code:
            return call
    raise AssertionError(f"no call of {code}")


ALIASES = """\
import logging
import logging.handlers as lh
from logging import handlers
from logging.handlers import RotatingFileHandler as RFH
import logging as lg

RFH("a")
lh.TimedRotatingFileHandler("b")
handlers.WatchedFileHandler("c")
lg.FileHandler("d")
logging.handlers.RotatingFileHandler("e")


def build():
    from logging import FileHandler as Local
    return Local("f")
"""


@pytest.mark.parametrize(
    ("func", "qualified"),
    [
        ("RFH", "logging.handlers.RotatingFileHandler"),
        ("lh.TimedRotatingFileHandler", "logging.handlers.TimedRotatingFileHandler"),
        ("handlers.WatchedFileHandler", "logging.handlers.WatchedFileHandler"),
        ("lg.FileHandler", "logging.FileHandler"),
        ("logging.handlers.RotatingFileHandler", "logging.handlers.RotatingFileHandler"),
        ("Local", "logging.FileHandler"),
    ],
)
def test_qualified_names_follow_imports_and_aliases(func: str, qualified: str) -> None:
    document = parse(source(ALIASES))
    call = call_named(document, func)
    assert qualified in document.names(call.func)
    assert qualified in document.imported_names(call.func)


def test_local_names_are_not_imports() -> None:
    document = parse(source("def FileHandler(x):\n    return x\n\nFileHandler('a')\n"))
    assert document.analysed
    call = call_named(document, "FileHandler")
    assert "logging.FileHandler" not in document.names(call.func)
    assert document.imported_names(call.func) == set()


def test_span_is_one_based_with_exclusive_end() -> None:
    document = parse(source("import logging\nh = logging.FileHandler('x.log')\n"))
    call = call_named(document, "logging.FileHandler")
    assert document.span(call) == Span(2, 5, 2, 33)


def test_construct_end_covers_multiline_statements_and_headers() -> None:
    text = """\
    import logging
    handler = logging.FileHandler(
        "app.log",
    )
    @decorator
    def main(
        argument,
    ):
        return argument
    if ready: value = (1,
        2)
    """
    document = parse(source(text))
    assert document.construct_end(1) == 1
    assert document.construct_end(2) == 4
    assert document.construct_end(5) == 8  # decorator line: the whole header
    assert document.construct_end(6) == 8
    assert document.construct_end(9) == 9
    assert document.construct_end(10) == 11
    assert document.construct_end(99) == 99


def test_bindings_know_single_assignments_only() -> None:
    text = """\
    from logging import FileHandler
    PATH = "/var/log/app.log"
    TWICE = "a"
    TWICE = "b"
    with open("x") as handle:
        pass
    """
    bindings = parse(source(text)).bindings
    assert isinstance(bindings["PATH"], cst.SimpleString)
    assert bindings["TWICE"] is None
    assert isinstance(bindings["handle"], cst.Call)


def test_python2_file_is_a_parse_error_with_its_line() -> None:
    text = "# legacy\nimport logging\nprint 'hello'\n"
    with pytest.raises(ParseError) as raised:
        parse(source(text))
    assert raised.value.span.line == 3
    assert "print" in raised.value.message


def test_syntax_error_reports_the_line() -> None:
    with pytest.raises(ParseError) as raised:
        parse(source("x = 1\ndef broken(:\n    pass\n"))
    assert raised.value.span.line == 2


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "x = 1"])
def test_trivial_files_parse(text: str) -> None:
    document = parse(source(text))
    assert document.problems == []


def test_null_bytes_are_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse(source("x = 1\x00\n"))


def test_deploy_kind_and_build_context() -> None:
    pyinfra = parse(source("from pyinfra.operations import apt\n", "deploy.py", "deploy script"))
    assert pyinfra.deploy_kind == "pyinfra"
    assert not pyinfra.in_build_context
    app = parse(source("import logging\n", "app.py", "build context of Dockerfile"))
    assert app.deploy_kind is None
    assert app.in_build_context
    fabric = parse(source("def x(): pass\n", "fabfile.py"))
    assert fabric.deploy_kind == "fabric"


def test_user_code_is_never_imported() -> None:
    text = "import zz_infralint_never_imported\nzz_infralint_never_imported.run()\n"
    parse(source(text))
    assert "zz_infralint_never_imported" not in sys.modules


def test_files_without_logging_words_skip_the_cst_but_keep_construct_ends() -> None:
    text = "import logging\nlog = logging.getLogger(\n    'app',\n)\n"
    document = parse(source(text))
    assert not document.analysed
    assert document.calls == []
    assert document.construct_end(2) == 4
    with pytest.raises(ParseError):
        parse(source("import logging\nprint 'x'\n"))


@pytest.mark.parametrize(
    "text",
    [
        "import logging\nlogging.basicConfig(filename='x')\n",
        "from loguru import logger\n",
        "import structlog\n",
        "LOGGING = {}\n",
        "import logging.config\nlogging.config.dictConfig(CONFIG)\n",
    ],
)
def test_files_with_logging_words_are_analysed(text: str) -> None:
    assert parse(source(text)).analysed


def test_deploy_scripts_are_always_analysed() -> None:
    document = parse(source("from pyinfra.operations import server\nserver.shell('ls')\n"))
    assert document.analysed
    assert len(document.calls) == 1


# Each case mentions FileHandler so that it reaches libcst when the standard parser accepts it.
DEEP_CASES = {
    "parentheses": "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "unary": "x = " + "-" * 30000 + "1\n",
    "not": "x = " + "not " * 30000 + "1\n",
    "lambda": "x = " + "lambda: " * 30000 + "1\n",
    "power": "x = " + "**".join(["1"] * 30000) + "\n",
    "elif": "if a:\n pass\n" + "elif a:\n pass\n" * 30000,
    "attribute": "x = a" + ".b" * 30000 + "\n",
    "strings": "x = " + " ".join(['"a"'] * 3000) + "\n",
    "indent": "".join(" " * i + "if x:\n" for i in range(120)) + " " * 120 + "pass\n",
}


def test_deep_nesting_is_a_parse_error_not_a_crash() -> None:
    # libcst's native parser overflows its stack (SIGSEGV) on such input unless the parser
    # rejects it first: run in a child process so a crash fails this test instead of the suite.
    script = textwrap.dedent(
        """
        import json, sys
        from pathlib import Path
        from infralint.model import ParseError
        from infralint.parsers.python import parse
        from infralint.source import SourceFile
        results = {}
        for name, text in json.loads(sys.stdin.read()).items():
            try:
                text = "# FileHandler\\n" + text
                parse(SourceFile(Path("/p/deep.py"), "deep.py", text, "python"))
                results[name] = "parsed"
            except ParseError as error:
                results[name] = "ParseError"
        print(json.dumps(results))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(DEEP_CASES),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    results = json.loads(completed.stdout)
    assert set(results) == set(DEEP_CASES)
    assert all(result in ("ParseError", "parsed") for result in results.values())
    assert results["parentheses"] == "ParseError"
    assert results["unary"] == "ParseError"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_raises_nothing_but_parse_error(text: str) -> None:
    try:
        document = parse(source(text))
    except ParseError:
        return
    assert document.construct_end(1) >= 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "import logging\n",
                "h = logging.FileHandler('x')\n",
                "def f(:\n",
                "    pass\n",
                "class A(\n",
                ")\n",
                "print 'x'\n",
                "x = f'{y!r:>{w}}'\n",
                "@d\n",
                "async def g():\n    await h()\n",
                "\t\tbad indent\n",
                '"""unterminated\n',
            ]
        ),
        max_size=12,
    )
)
def test_python_like_fragments_raise_nothing_but_parse_error(lines: list[str]) -> None:
    with contextlib.suppress(ParseError):
        parse(source("".join(lines)))
