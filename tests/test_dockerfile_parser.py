"""The Dockerfile parser: line reader, heredocs, flags, exec form, stages and ARG resolution."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from infralint.model import ParseError, Span
from infralint.parsers.dockerfile import DockerfileDocument, Instruction, parse_text
from infralint.parsers.dockerfile_reader import continuation_pattern, find_heredocs
from infralint.parsers.image_ref import Variable, expand, parse_image_ref

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dockerfile"


def fixture(name: str) -> DockerfileDocument:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    return parse_text(text, name)


def keywords(document: DockerfileDocument) -> list[tuple[str, int]]:
    return [(i.keyword, i.line) for i in document.instructions]


def text_at(document: DockerfileDocument, span: Span) -> str:
    """The file text a single-line span covers."""
    assert span.line == span.end_line
    return document.lines[span.line - 1][span.column - 1 : span.end_column - 1]


def word_position(instruction: Instruction, word: str) -> tuple[int, int]:
    return instruction.value_origin.position(instruction.value.index(word))


# --------------------------------------------------------------------------- continuations


def test_continuation_with_comment_and_blank_lines_inside() -> None:
    document = fixture("continuation_comments.Dockerfile")
    assert keywords(document) == [("FROM", 1), ("RUN", 2), ("ENV", 10)]
    run = document.instructions[1]
    assert "comment" not in run.value
    assert run.span == Span(2, 1, 9, 35)
    assert word_position(run, "ca-certificates") == (6, 9)
    assert word_position(run, "curl=") == (8, 9)
    assert word_position(run, "rm -rf") == (9, 8)
    env = document.instructions[2]
    assert [(p.key, p.value, p.span.line) for p in env.pairs()] == [("A", "1", 10), ("B", "2", 11)]
    assert document.construct_end(2) == 9


def test_continuation_keeps_leading_whitespace_and_drops_escape() -> None:
    document = parse_text("FROM a:1\nRUN echo a\\\n  b\n")
    assert document.instructions[1].value == "echo a  b"


def test_escaped_escape_at_line_end_is_not_a_continuation() -> None:
    # BuildKit: `([^\\])\\[ \t]*$` - a trailing `\\` is a literal backslash (mongo nanoserver).
    document = fixture("trailing_backslash.Dockerfile")
    assert keywords(document) == [("FROM", 1), ("COPY", 2), ("ENV", 7), ("CMD", 8)]
    copy = document.instructions[1]
    assert copy.span.end_line == 4
    assert copy.flag("from") is not None
    assert [t.text for t in copy.arguments()][-1] == "C:\\Windows\\System32\\"
    assert not document.problems


@pytest.mark.parametrize(
    ("line", "continues"),
    [("a \\", True), ("a \\  ", True), ("\\", True), ("a \\\\", False), ("a\\b", False)],
)
def test_continuation_pattern_matches_buildkit(line: str, continues: bool) -> None:
    assert (continuation_pattern("\\").search(line) is not None) is continues


# --------------------------------------------------------------------------- directives


def test_escape_backtick_file() -> None:
    document = fixture("escape_backtick.Dockerfile")
    assert document.escape == "`"
    assert document.directives == {"escape": "`"}
    assert [k for k, _ in keywords(document)] == [
        "FROM",
        "SHELL",
        "RUN",
        "COPY",
        "WORKDIR",
        "ENV",
        "CMD",
    ]
    run = document.instructions[2]
    assert run.value == "Write-Host 'one';     Write-Host 'two'"
    assert run.shell[0] == "powershell"
    assert run.scripts() == []
    copy = document.instructions[3]
    assert copy.span.end_line == 6  # `C:\app\` does not continue under escape=`
    assert document.instructions[5].span.end_line == 8  # a doubled backtick is literal


def test_bom_and_crlf() -> None:
    document = fixture("crlf_bom.Dockerfile")
    assert document.directives == {"escape": "\\"}
    assert keywords(document) == [("FROM", 2), ("RUN", 3), ("LABEL", 5)]
    run = document.instructions[1]
    assert run.value == "echo one     two"
    assert word_position(run, "two") == (4, 5)
    assert "\r" not in run.value
    assert document.instructions[0].keyword_span == Span(2, 1, 2, 5)


def test_directives_only_at_the_top() -> None:
    document = parse_text("FROM a:1\n# escape=`\nRUN echo \\\n  two\n")
    assert document.escape == "\\"
    assert document.directives == {}
    assert document.instructions[1].value == "echo   two"


def test_invalid_escape_is_a_problem() -> None:
    document = parse_text("# escape=x\nFROM a:1\n")
    assert [p.span.line for p in document.problems] == [1]
    assert document.escape == "\\"


# --------------------------------------------------------------------------- heredocs


def test_heredocs() -> None:
    document = fixture("heredocs.Dockerfile")
    assert keywords(document) == [
        ("FROM", 2),
        ("RUN", 3),
        ("RUN", 7),
        ("COPY", 10),
        ("RUN", 16),
        ("RUN", 19),
        ("CMD", 23),
    ]
    run = document.instructions[1]
    (doc,) = run.heredocs
    assert (doc.delimiter, doc.quoted, doc.strip_tabs) == ("EOF", False, False)
    assert doc.body == "set -e\napk add --no-cache curl=8.9.1-r0\n"
    assert doc.body_span == Span(4, 1, 5, 33)
    assert run.span == Span(3, 1, 6, 4)
    assert text_at(document, doc.marker_span) == "<<EOF"
    assert document.construct_end(3) == 6


def test_heredoc_strip_tabs_and_quoted_delimiter() -> None:
    run = fixture("heredocs.Dockerfile").instructions[2]
    (doc,) = run.heredocs
    assert (doc.delimiter, doc.quoted, doc.strip_tabs) == ("TABBED", True, True)
    assert doc.body.startswith('echo "$HOME')
    assert doc.origin.position(0) == (8, 2)  # the stripped tab is accounted for
    assert run.span.end_line == 9  # the terminator may be indented with tabs


def test_several_heredocs_on_one_line_then_a_comment() -> None:
    document = fixture("heredocs.Dockerfile")
    copy = document.instructions[3]
    assert [(d.delimiter, d.body, d.quoted) for d in copy.heredocs] == [
        ("one", "first file\n", False),
        ("two", "second file\n", True),
    ]
    assert [d.body_span.line for d in copy.heredocs] == [11, 13]
    assert document.instructions[4].line == 16  # the comment after `two` is skipped


def test_heredoc_after_continuation() -> None:
    run = fixture("heredocs.Dockerfile").instructions[5]
    assert run.value.startswith("cat <<EOF > /etc/motd")
    assert run.heredocs[0].body == "hello\n"
    assert run.heredocs[0].body_span.line == 21


def test_heredoc_not_in_json_or_other_instructions() -> None:
    document = parse_text('FROM a:1\nRUN ["echo", "<<EOF"]\nENV X=<<EOF\nLABEL a=b\n')
    assert keywords(document) == [("FROM", 1), ("RUN", 2), ("ENV", 3), ("LABEL", 4)]
    assert all(not i.heredocs for i in document.instructions)


def test_find_heredocs_words() -> None:
    found = find_heredocs('RUN cat <<"A B" 2<<-C <<<here "<<not" x<<no')
    assert [(d.delimiter, d.quoted, d.strip_tabs) for d in found] == [
        ("A B", True, False),
        ("C", False, True),
    ]


def test_unterminated_heredoc_is_a_problem_and_the_rest_is_kept() -> None:
    document = fixture("broken_unterminated_heredoc.Dockerfile")
    (problem,) = document.problems
    assert problem.span == Span(3, 5, 3, 10)
    assert "unterminated heredoc" in problem.message
    assert keywords(document) == [("FROM", 1), ("RUN", 2), ("RUN", 3)]
    assert document.instructions[2].heredocs[0].terminated is False


# --------------------------------------------------------------------------- broken input


def test_missing_backslash_is_one_problem_at_the_right_line() -> None:
    document = fixture("broken_missing_backslash.Dockerfile")
    (problem,) = document.problems
    assert problem.span.line == 3
    assert "apt-get" in problem.message
    assert keywords(document) == [("FROM", 1), ("RUN", 2), ("USER", 4)]


def test_template_is_one_problem() -> None:
    document = fixture("broken_template.Dockerfile")
    (problem,) = document.problems
    assert problem.span.line == 1
    assert "more unreadable lines" in problem.message
    assert document.stages[0].base is None  # `{{` is no image reference


def test_nul_bytes_raise_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_text("FROM a:1\x00\n")


def test_long_continuation_is_fast() -> None:
    text = "FROM a:1\nRUN true \\\n" + "  && echo x \\\n" * 50_000 + "  && true\n"
    start = time.process_time()  # CPU time: wall time depends on the machine's load
    document = parse_text(text)
    assert time.process_time() - start < 10
    assert document.instructions[1].span.end_line == 50_003
    assert not document.problems


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n", "FROM", "RUN [1, 2]", "ENV", "ONBUILD", "\\\n", "FROM a AS"],
)
def test_odd_inputs_never_raise(text: str) -> None:
    parse_text(text)


def test_json_array_with_non_strings_is_a_problem() -> None:
    document = parse_text('FROM a:1\nCMD ["a", 1]\n')
    assert [p.span.line for p in document.problems] == [2]
    assert document.instructions[1].exec_form is None


# --------------------------------------------------------------------------- instructions


def test_flags_and_exec_form() -> None:
    document = parse_text(
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
        'COPY --link --chmod=755 --from="build" /a /b\n'
        'RUN --mount=type=cache,target=/root/.cache ["sh", "-c", "echo hi"]\n'
        "CMD [not json\n"
    )
    copy = document.instructions[1]
    assert [(f.name, f.value) for f in copy.flags] == [
        ("link", None),
        ("chmod", "755"),
        ("from", "build"),
    ]
    assert text_at(document, copy.flags[1].span) == "--chmod=755"
    assert copy.value == "/a /b"
    assert word_position(copy, "/b") == (2, 43)
    run = document.instructions[2]
    assert run.exec_form == ["sh", "-c", "echo hi"]
    assert run.flag("--mount") is not None
    assert document.instructions[3].exec_form is None
    assert document.stages[0].platform == "$BUILDPLATFORM"


def test_onbuild_wraps_an_instruction() -> None:
    document = fixture("onbuild.Dockerfile")
    assert [i.keyword for i in document.instructions] == ["FROM"] + ["ONBUILD"] * 4
    copy = document.instructions[1].onbuild
    assert copy is not None
    assert (copy.keyword, copy.value) == ("COPY", "package.json package-lock.json ./")
    assert copy.keyword_span == Span(2, 9, 2, 13)
    assert copy.parent is document.instructions[1]
    lower = document.instructions[3].onbuild
    assert lower is not None and lower.keyword == "RUN"
    heredoc_run = document.instructions[4].onbuild
    assert heredoc_run is not None
    assert heredoc_run.heredocs[0].body == "echo heredoc under onbuild\n"
    assert document.construct_end(5) == 7
    assert len(document.all_instructions()) == 9


def test_pairs() -> None:
    document = parse_text(
        "FROM a:1\nENV A=1 B=\"two words\" C='x y'\nENV LEGACY value with spaces\nARG X Y=2\n"
    )
    assert [(p.key, p.value) for p in document.instructions[1].pairs()] == [
        ("A", "1"),
        ("B", "two words"),
        ("C", "x y"),
    ]
    assert [(p.key, p.value) for p in document.instructions[2].pairs()] == [
        ("LEGACY", "value with spaces")
    ]
    assert [(p.key, p.value) for p in document.instructions[3].pairs()] == [("X", None), ("Y", "2")]


def test_scripts_map_into_the_file() -> None:
    document = fixture("continuation_comments.Dockerfile")
    (script,) = document.instructions[1].scripts()
    install = next(c for c in script.commands if "install" in c.argv)
    curl = next(word for word in install.args if word.text.startswith("curl"))
    assert (curl.span.line, curl.span.column) == (8, 9)


def test_heredoc_scripts() -> None:
    document = fixture("heredocs.Dockerfile")
    (body,) = document.instructions[1].scripts()
    apk = next(c for c in body.commands if c.program == "apk")
    assert apk.span.line == 5
    assert document.instructions[4].scripts()[0].commands[0].program == "python3"
    assert len(document.instructions[4].scripts()) == 1  # python body is not shell
    motd = document.instructions[5].scripts()
    chmod = next(c for s in motd for c in s.commands if c.program == "chmod")
    assert chmod.span.line == 20


def test_exec_form_shell_script() -> None:
    document = parse_text('FROM a:1\nCMD ["sh", "-c", "exec nginx -g daemon"]\n')
    (script,) = document.instructions[1].scripts()
    nginx = script.commands[0]
    assert nginx.program == "exec" or "nginx" in nginx.argv
    assert nginx.span.line == 2
    assert nginx.span.column == 19


# --------------------------------------------------------------------------- stages and ARGs


def test_arg_resolution_in_from() -> None:
    document = fixture("args_from.Dockerfile")
    build, unresolved, pinned, conditional, child = document.stages
    assert build.base is not None and build.base.raw == "ghcr.io/org/app:1.2.3"
    assert build.resolved_from["IMAGE"] == "ARG default line 2"
    assert unresolved.base is None and unresolved.unresolved == ["TAG"]
    assert pinned.base is not None and pinned.base.digest is not None
    assert conditional.base is not None and conditional.base.raw == "docker.io/library/alpine:3.20"
    assert child.base_stage == 0 and child.base is None
    assert document.global_args["TAG"] is None
    assert document.used_as_base() == {0}
    assert document.final_stage() is child
    assert child.is_final and not build.is_final


def test_resolve_stages_with_build_args() -> None:
    document = fixture("args_from.Dockerfile")
    stages = document.resolve_stages({"TAG": "9.9", "REGISTRY": "quay.io"}, "compose.yaml")
    assert stages[1].base is not None and stages[1].base.raw == "quay.io/org/app:9.9"
    assert stages[1].resolved_from["TAG"] == "compose.yaml"
    assert document.stages[1].unresolved == ["TAG"]  # the document's own stages are unchanged


def test_platform_args_are_unresolved() -> None:
    document = parse_text("FROM --platform=$BUILDPLATFORM ${TARGETARCH}/alpine:3.20\n")
    assert document.stages[0].unresolved == ["TARGETARCH"]


def test_stage_env_and_scratch_and_stage_names() -> None:
    document = parse_text(
        'FROM scratch AS Base\nENV A=1\nFROM base AS child\nENV B=$A\nSHELL ["bash", "-c"]\n'
        "FROM child\nRUN echo hi\n"
    )
    base, child, final = document.stages
    assert base.is_scratch and base.base is None
    assert child.base_stage == 0
    assert final.env() == {"A": "1", "B": "$A"}
    assert document.instructions[-1].shell == ["bash", "-c"]
    assert document.stage_of(document.instructions[-1]) is final


def test_expand_forms() -> None:
    scope = {"A": Variable("x", "a"), "E": Variable("", "e"), "N": Variable(None, "n")}
    assert expand("${A}-$A-${A:-d}-${E:-d}-${E-d}-${A:+y}", scope).text == "x-x-x-d--y"
    assert expand("${N:-fallback}", scope).text == "fallback"
    assert expand("${N}", scope).unresolved == ["N"]
    assert expand("$UNDECLARED", scope).unresolved == ["UNDECLARED"]


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest"),
    [
        ("ubuntu", None, "ubuntu", None, None),
        ("ubuntu:22.04", None, "ubuntu", "22.04", None),
        ("localhost:5000/app", "localhost:5000", "app", None, None),
        ("ghcr.io/org/app:1@sha256:" + "a" * 64, "ghcr.io", "org/app", "1", "sha256:" + "a" * 64),
        ("org/app:latest", None, "org/app", "latest", None),
    ],
)
def test_image_references(
    text: str, registry: str | None, repository: str, tag: str | None, digest: str | None
) -> None:
    ref = parse_image_ref(text)
    assert ref is not None
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (
        registry,
        repository,
        tag,
        digest,
    )


@pytest.mark.parametrize("text", ["", "{{", "a b", "x:", "alpine@sha256:abc", "UP$"])
def test_invalid_image_references(text: str) -> None:
    assert parse_image_ref(text) is None


def test_arg_expansion_past_the_cap_is_unresolved() -> None:
    from infralint.parsers.image_ref import Variable, expand
    from infralint.parsers.interpolation import MAX_EXPANSION

    scope = {"A": Variable("x" * (MAX_EXPANSION // 2 + 1), "ARG default line 1")}
    assert expand("$A", scope).resolved
    doubled = expand("${A}${A:-d}", scope)
    assert doubled.unresolved == ["A"] and len(doubled.text) == MAX_EXPANSION // 2 + 1
