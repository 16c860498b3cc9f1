"""The shell model: commands, words, structure, positions, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralint.model import Span
from infralint.parsers.shell import Command, PositionMap, Script, inner_script, parse_shell


def argvs(script: Script) -> list[list[str]]:
    return [command.argv for command in script.commands]


def only(script: Script, program: str) -> Command:
    found = [c for c in script.commands if c.program == program]
    assert len(found) == 1, argvs(script)
    return found[0]


# --------------------------------------------------------------------------- words


def test_quotes_are_removed_and_expansions_are_not_static() -> None:
    script = parse_shell("""echo "a b" 'c d' e\\ f "x$HOME" $'t\\tu' --x=$(date) pre"mid"'post'""")
    words = script.commands[0].args
    assert [w.text for w in words[:3]] == ["a b", "c d", "e f"]
    assert [w.static for w in words[:3]] == [True, True, True]
    assert words[3].text == "x$HOME"
    assert words[3].static is False
    assert words[4].text == "t\tu"
    assert words[5].static is False
    assert words[6].text == "premidpost"
    assert words[6].static is True


def test_escapes_in_double_quotes_follow_the_shell() -> None:
    word = parse_shell('echo "a\\"b\\$c\\d"').commands[0].args[0]
    assert word.text == 'a"b$c\\d'
    assert word.raw == '"a\\"b\\$c\\d"'


def test_program_strips_the_directory() -> None:
    command = parse_shell("/usr/bin/apt-get install x").commands[0]
    assert command.program == "apt-get"
    assert command.name is not None
    assert command.name.text == "/usr/bin/apt-get"


def test_assignments_prefix_and_bare() -> None:
    script = parse_shell("DEBIAN_FRONTEND=noninteractive apt-get install -y x; A=$(curl -s u)")
    first, bare, inner = script.commands
    assert first.program == "apt-get"
    assert [(name, word.text) for name, word in first.assignments] == [
        ("DEBIAN_FRONTEND", "noninteractive")
    ]
    assert bare.name is None
    assert bare.assignments[0][0] == "A"
    assert inner.argv == ["curl", "-s", "u"]
    assert inner.in_substitution is True


def test_declarations_and_tests_are_commands() -> None:
    script = parse_shell('export A=1 B && [ -f "$F" ] && [[ $x == y* ]]')
    assert argvs(script) == [["export", "A=1", "B"], ["[", "-f", "$F"], ["[[", "$x", "==", "y*"]]


# --------------------------------------------------------------------------- structure


def test_connectors() -> None:
    script = parse_shell("a && b || c; d & e\nf | g")
    assert [c.connector for c in script.commands] == [None, "&&", "||", ";", "&", "\n", "|"]
    assert [c.background for c in script.commands] == [False] * 3 + [True] + [False] * 3


def test_pipelines_and_pipelines_grouping() -> None:
    script = parse_shell("curl -fsSL u | tar -xz -C /x && echo ok")
    curl, tar, echo = script.commands
    assert (curl.pipeline, curl.pipe_index, curl.pipe_length) == (tar.pipeline, 0, 2)
    assert (tar.pipe_index, tar.pipe_length) == (1, 2)
    assert echo.pipe_length == 1
    assert echo.pipeline != curl.pipeline
    assert [[c.program for c in p] for p in script.pipelines()] == [["curl", "tar"], ["echo"]]


def test_redirect_binds_to_the_last_command_of_a_list() -> None:
    # tree-sitter-bash nests this as (a && b > f) | c; the shell reads a && (b > f | c).
    script = parse_shell("a && b > f 2>&1 | c")
    a, b, c = script.commands
    assert a.redirects == []
    assert [(r.operator, r.fd, r.target.text if r.target else None) for r in b.redirects] == [
        (">", None, "f"),
        (">&", 2, "1"),
    ]
    assert a.pipe_length == 1
    assert (b.pipe_index, c.pipe_index, c.pipe_length) == (0, 1, 2)
    assert len(script.redirects) == 2


def test_words_after_a_redirect_are_arguments() -> None:
    command = parse_shell("cmd a >f b").commands[0]
    assert command.argv == ["cmd", "a", "b"]
    assert command.redirects[0].target is not None
    assert command.redirects[0].target.text == "f"


def test_group_redirect_and_pipeline_reach_every_command() -> None:
    script = parse_shell("curl -s u | (cd /x && tar -xz) > log")
    curl, cd, tar = script.commands
    assert curl.pipe_length == 2
    assert (cd.pipeline, cd.pipe_index) == (curl.pipeline, 1)
    assert (tar.pipeline, tar.pipe_index) == (curl.pipeline, 1)
    assert [r.operator for r in cd.redirects] == [">"]
    assert [r.operator for r in tar.redirects] == [">"]
    assert curl.redirects == []
    assert len(script.redirects) == 1


def test_heredoc_keeps_its_pipe_and_body() -> None:
    script = parse_shell("cat <<EOF | sh\necho $(id -u)\nEOF\nnext")
    cat, sh, idu, nxt = script.commands
    assert cat.redirects[0].operator == "<<"
    assert cat.redirects[0].target is not None
    assert "echo $(id -u)" in cat.redirects[0].target.text
    assert (sh.pipe_index, sh.pipe_length, sh.connector) == (1, 2, "|")
    assert idu.in_substitution
    assert nxt.argv == ["next"]


def test_compound_commands_are_flattened_in_source_order() -> None:
    text = """
if [ -n "$X" ]; then apt-get update; elif true; then :; else exit 1; fi
for p in $(ls /x); do echo "$p" | grep -q y && rm "$p"; done
while read -r line; do echo "$line"; done < file
case "$A" in a) one ;; *) two ;; esac
f() { inside; }
( sub ) && { group; }
"""
    names = [c.program for c in parse_shell(text).commands]
    assert names == [
        "[", "apt-get", "true", ":", "exit", "ls", "echo", "grep", "rm", "read", "echo",
        "one", "two", "inside", "sub", "group",
    ]  # fmt: skip
    script = parse_shell(text)
    read = only(script, "read")
    assert [r.operator for r in read.redirects] == ["<"]
    assert only(script, "ls").in_substitution


def test_first_command_of_a_group_takes_the_groups_connector() -> None:
    script = parse_shell("a && (b; c)")
    assert [c.connector for c in script.commands] == [None, "&&", ";"]


# --------------------------------------------------------------------------- positions


def test_positions_follow_the_origin_map() -> None:
    # A 3-line RUN whose value starts at line 5, column 5; continuation lines start at column 1.
    text = "apt-get install -y \\\n  curl \\\n  wget=1"
    second = text.index("\n") + 1
    third = text.index("\n", second) + 1
    origin = PositionMap(((0, 5, 5), (second, 6, 1), (third, 7, 1)))
    command = parse_shell(text, origin).commands[0]
    words = {w.text: w.span for w in command.args}
    assert words["curl"] == Span(6, 3, 6, 7)
    assert words["wget=1"] == Span(7, 3, 7, 9)
    assert command.span.line == 5
    assert command.span.column == 5


def test_default_origin_is_the_text_itself() -> None:
    script = parse_shell("a\n  b c")
    assert script.commands[1].args[0].span == Span(2, 5, 2, 6)


def test_columns_count_code_points_not_bytes() -> None:
    word = parse_shell("echo 'ééé' x").commands[0].args[1]
    assert word.span == Span(1, 12, 1, 13)


def test_span_end_stays_on_the_words_line_when_a_new_anchor_follows() -> None:
    # Continuations joined without a newline: "-y" ends exactly where the next anchor starts.
    origin = PositionMap(((0, 1, 5), (18, 2, 3)))
    script = parse_shell("apt-get install -y foo", origin)
    assert script.commands[0].args[1].span == Span(1, 21, 1, 23)
    assert script.commands[0].args[2].span == Span(2, 4, 2, 7)


# --------------------------------------------------------------------------- sh -c


def test_inner_script_maps_positions_into_the_file() -> None:
    text = "bash -eo pipefail -c 'apt-get install -y curl'"
    origin = PositionMap(((0, 3, 5),))
    inner = inner_script(parse_shell(text, origin).commands[0])
    assert inner is not None
    command = inner.commands[0]
    assert command.argv == ["apt-get", "install", "-y", "curl"]
    curl = command.args[-1]
    assert curl.span == Span(3, 5 + text.index("curl"), 3, 5 + text.index("curl") + 4)


def test_inner_script_with_escapes_and_continuation() -> None:
    text = 'sh -c "echo \\"hi\\" && \\\n  apk add jq"'
    inner = inner_script(parse_shell(text).commands[0])
    assert inner is not None
    assert argvs(inner) == [["echo", "hi"], ["apk", "add", "jq"]]
    jq = inner.commands[1].args[-1]
    assert (jq.span.line, jq.span.column) == (2, 11)


@pytest.mark.parametrize(
    "text",
    [
        'bash -c "$SCRIPT"',  # not static
        "sh script.sh",  # no -c
        "python -c 'print(1)'",  # not a shell
        "sh -c",  # no string
    ],
)
def test_inner_script_none(text: str) -> None:
    assert inner_script(parse_shell(text).commands[0]) is None


def test_inner_script_accepts_combined_flags() -> None:
    inner = inner_script(parse_shell("sh -ec 'a; b'").commands[0])
    assert inner is not None
    assert argvs(inner) == [["a"], ["b"]]


# --------------------------------------------------------------------------- bad input


def test_syntax_error_is_a_problem_and_the_rest_is_read() -> None:
    script = parse_shell('apt-get install -y curl && echo "unterminated')
    assert script.problems
    assert script.problems[0].span.line == 1
    assert script.commands[0].program == "apt-get"


def test_missing_fi_is_a_problem() -> None:
    script = parse_shell("if true; then apt-get update")
    assert script.problems
    assert any(c.program == "apt-get" for c in script.commands)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n",
        "\x00\x01\x02",
        "(" * 3000 + "a" + ")" * 3000,
        "$(" * 2000 + "a" + ")" * 2000,
        "echo \udcff",
        "a |",
        "&& ;; )",
    ],
)
def test_never_raises(text: str) -> None:
    script = parse_shell(text)
    assert isinstance(script, Script)


def test_long_continuation() -> None:
    text = "apt-get install -y \\\n" + " pkg \\\n" * 20000 + " last"
    script = parse_shell(text)
    assert len(script.commands) == 1
    assert script.commands[0].args[-1].span.line == 20002


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab $()'\"\\|&;<>{}\n#=`é-")), max_size=60))
def test_fuzz_never_raises_and_spans_are_sane(text: str) -> None:
    script = parse_shell(text)
    for command in script.commands:
        for word in command.args:
            assert word.span.line >= 1
            assert (word.span.end_line, word.span.end_column) >= (word.span.line, word.span.column)
