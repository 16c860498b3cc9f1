"""The compose parser: positions, merge keys, aliases, limits, interpolation, schema, links."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralint.model import ParseError, Span
from infralint.parsers import compose
from infralint.parsers.compose_schema import validate
from infralint.parsers.interpolation import UNRESOLVED, interpolate, parse_dotenv
from infralint.parsers.yaml_model import (
    MAX_DEPTH,
    Mapping,
    Scalar,
    Sequence,
    to_data,
)
from infralint.parsers.yaml_model import (
    compose as compose_yaml,
)
from infralint.project_links import DiskPaths, build_project, service_builds
from infralint.source import SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "compose"


def parse_text(text: str, path: Path | None = None) -> compose.ComposeDocument:
    path = path or Path("/nonexistent/compose.yaml")
    return compose.parse(SourceFile(path, path.name, text, "compose"))


def parse_file(path: Path) -> compose.ComposeDocument:
    return compose.parse(SourceFile(path, path.name, path.read_text(), "compose"))


# --------------------------------------------------------------------------- positions


def test_every_key_and_value_has_exact_positions() -> None:
    document = parse_text('services:\n  web:\n    image: "nginx:1.27"\n    ports: [80]\n')
    web = document.service("web")
    assert web is not None
    assert web.span == Span(2, 3, 2, 6)
    entry = web.entry_of("image")
    assert entry is not None
    assert entry.key_node.span == Span(3, 5, 3, 10)
    assert isinstance(entry.value, Scalar)
    assert entry.value.span == Span(3, 12, 3, 24)
    assert entry.value.text == "nginx:1.27"
    ports = web.get("ports")
    assert isinstance(ports, Sequence)
    assert ports.items[0].span == Span(4, 13, 4, 15)


def test_merge_keys_point_at_the_anchor_and_are_marked() -> None:
    document = parse_file(FIXTURES / "anchors" / "compose.yaml")
    worker = document.service("worker")
    assert worker is not None
    privileged = worker.entry_of("privileged")
    assert privileged is not None and privileged.merged
    assert privileged.key_node.span.line == 5  # in x-service, not in the service
    cap_add = worker.entry_of("cap_add")  # from the second source of `<<: [*a, *b]`
    assert cap_add is not None and cap_add.merged and cap_add.key_node.span.line == 11
    image = worker.entry_of("image")
    assert image is not None and not image.merged and image.key_node.span.line == 20
    api = document.service("api")
    assert api is not None
    own = api.entry_of("privileged")
    assert own is not None and not own.merged and own.key_node.span.line == 25
    assert isinstance(own.value, Scalar) and own.value.value is False


def test_merge_precedence_first_source_wins() -> None:
    text = "a: &a {k: 1}\nb: &b {k: 2, m: 3}\nc:\n  <<: [*a, *b]\n"
    root = compose_yaml(text).documents[0]
    assert isinstance(root, Mapping)
    assert to_data(root)["c"] == {"k": 1, "m": 3}


def test_aliases_share_one_node() -> None:
    document = parse_file(FIXTURES / "anchors" / "compose.yaml")
    web, worker = document.service("web"), document.service("worker")
    assert web is not None and worker is not None
    assert web.get("environment") is worker.get("environment")


def test_duplicate_keys_are_recorded_and_the_rest_is_read() -> None:
    text = "services:\n  web:\n    image: a:1\n    image: b:2\n  db:\n    image: c:3\n"
    document = parse_text(text)
    assert [(d.key, d.span.line, d.first.line) for d in document.duplicates] == [("image", 4, 3)]
    web = document.service("web")
    assert web is not None and isinstance(web.get("image"), Scalar)
    assert document.value(web.get("image")) == "b:2"
    assert document.service("db") is not None


def test_yaml_1_2_scalars() -> None:
    root = compose_yaml("a: yes\nb: 0755\nc: 0o755\nd: true\ne: ~\nf: '1'\ng: 1.5\nh: 80:80\n")
    assert to_data(root.documents[0]) == {
        "a": "yes",
        "b": 755,
        "c": 493,
        "d": True,
        "e": None,
        "f": "1",
        "g": 1.5,
        "h": "80:80",
    }


def test_reset_and_override_tags() -> None:
    root = compose_yaml("a: !reset null\nb: !override [1]\nc: 2\n").documents[0]
    assert isinstance(root, Mapping)
    assert root.get("a") is not None and root.get("a").tag == "!reset"  # type: ignore[union-attr]
    assert to_data(root) == {"b": [1], "c": 2}


def test_multiple_documents() -> None:
    document = parse_text("services:\n  a: {image: x:1}\n---\nservices:\n  b: {image: y:1}\n")
    assert [service.name for service in document.services] == ["a", "b"]
    assert document.service("b").span.line == 5  # type: ignore[union-attr]


def test_construct_end_covers_the_entry() -> None:
    document = parse_text("services:\n  web:\n    image: x:1\n    command:\n      - a\n      - b\n")
    assert document.construct_end(4) == 6
    assert document.construct_end(2) == 6
    assert document.construct_end(3) == 3


# --------------------------------------------------------------------------- limits


def test_alias_bomb_is_refused_quickly() -> None:
    text = (FIXTURES / "alias-bomb" / "compose.yaml").read_text()
    start = time.perf_counter()
    with pytest.raises(ParseError, match="limit of 250,000 nodes"):
        parse_text(text)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 10_000 + "]" * 10_000,
        "a: " + "{b: " * 10_000 + "}" * 10_000,
        "- " * 10_000 + "x\n",
        "a:\n" + "".join(" " * i + "- \n" for i in range(1, 400)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences", "indentation"],
)
def test_deep_nesting_is_a_parse_error(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ParseError, match=f"limit of {MAX_DEPTH} levels"):
        parse_text(text)
    assert time.perf_counter() - start < 5.0


def test_recursive_and_undefined_aliases() -> None:
    with pytest.raises(ParseError, match="refers to itself"):
        parse_text("a: &a [*a]\n")
    with pytest.raises(ParseError, match="names no anchor"):
        parse_text("a: *nope\n")


def test_invalid_yaml_reports_the_line() -> None:
    with pytest.raises(ParseError) as caught:
        parse_file(FIXTURES / "invalid" / "compose.yaml")
    assert caught.value.span.line == 8
    assert caught.value.message.startswith("invalid YAML")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n \t<?,%@`0")), max_size=80))
def test_parser_raises_only_parse_error(text: str) -> None:
    try:
        document = parse_text(text)
    except ParseError:
        return
    for service in document.services:
        assert service.name is not None
    for root in document.roots:
        if root is not None:
            validate(root)


def test_binary_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="invalid YAML"):
        parse_text("\x00\x01\x02services: \ufffd\x7f")


# --------------------------------------------------------------------------- interpolation


@pytest.mark.parametrize(
    ("text", "env", "value", "unresolved"),
    [
        ("${A}", {"A": "1"}, "1", ()),
        ("$A-x", {"A": "1"}, "1-x", ()),
        ("${A}", {}, "", ("A",)),
        ("${A:-d}", {"A": ""}, "d", ()),
        ("${A-d}", {"A": ""}, "", ()),
        ("${A-d}", {}, "d", ()),
        ("${A:?err}", {}, "", ("A",)),
        ("${A?err}", {"A": ""}, "", ()),
        ("${A:+r}", {"A": "1"}, "r", ()),
        ("${A:+r}", {}, "", ()),
        ("$$A", {"A": "1"}, "$A", ()),
        ("${A:-${B:-x}}", {}, "x", ()),
        ("${A:-${B}}", {}, "", ("B",)),
        ("cost: 5$", {}, "cost: 5$", ()),
    ],
)
def test_interpolation(
    text: str, env: dict[str, str], value: str, unresolved: tuple[str, ...]
) -> None:
    result = interpolate(text, env)
    assert result.value == value
    assert result.unresolved == unresolved


def test_marked_shows_where_the_unknown_part_is() -> None:
    assert interpolate("${REG}/app:1.0", {}).marked == f"{UNRESOLVED}/app:1.0"


def test_dotenv_parsing() -> None:
    env = parse_dotenv((FIXTURES / "dotenv" / ".env").read_text())
    assert env == {
        "REGISTRY": "registry.example.com",
        "TAG": "1.4.2",
        "EMPTY": "",
        "QUOTED": "single $NOT",
    }


def test_dotenv_beside_the_file_feeds_interpolation() -> None:
    document = parse_file(FIXTURES / "dotenv" / "compose.yaml")
    app, empty = document.service("app"), document.service("empty")
    assert app is not None and empty is not None
    assert document.value(app.get("image")) == "registry.example.com/app:1.4.2"
    assert document.value(empty.get("image")) == "myorg/empty:fallback"


# --------------------------------------------------------------------------- schema


def test_schema_issues_at_the_offending_key() -> None:
    document = parse_file(FIXTURES / "anchors" / "compose.yaml")
    issues = [issue for root in document.roots if root is not None for issue in validate(root)]
    assert [(issue.span.line, issue.message) for issue in issues] == [
        (12, "unknown key 'restrat' in services.worker (via <<)")
    ]


def test_schema_one_finding_per_problem_with_readable_messages() -> None:
    text = (
        "services:\n"
        "  web:\n"
        "    image: nginx:1.27\n"
        "    privileged: [1]\n"
        "    build: {context: ., bogus: 1}\n"
        "    depends_on: {db: {conditon: x}}\n"
        "    foo: 1\n"
        "bad: 1\n"
    )
    document = parse_text(text)
    root = document.roots[0]
    assert root is not None
    messages = [(issue.span.line, issue.span.column, issue.message) for issue in validate(root)]
    assert messages == [
        (4, 5, "'services.web.privileged' must be a boolean or a string, not a list"),
        (5, 25, "unknown key 'bogus' in services.web.build"),
        (6, 18, "'services.web.depends_on.db' is missing the required key 'condition'"),
        (6, 23, "unknown key 'conditon' in services.web.depends_on.db"),
        (7, 5, "unknown key 'foo' in services.web"),
        (8, 1, "unknown key 'bad' at the top level"),
    ]


def test_legacy_v1_file_is_recognised() -> None:
    document = parse_file(FIXTURES / "legacy" / "docker-compose.yml")
    assert document.legacy_v1
    assert [service.name for service in document.services] == ["web", "db"]
    assert not parse_text("services:\n  web: {image: x:1}\n").legacy_v1


# --------------------------------------------------------------------------- links


def test_build_project_links_resolved_paths_args_and_target() -> None:
    document = parse_file(FIXTURES / "linked" / "compose.yaml")
    links = build_project(FIXTURES, [document])
    assert len(links) == 1
    link = links[0]
    assert link.service == "app"
    assert link.dockerfile == (FIXTURES / "linked" / "app" / "Dockerfile").resolve()
    assert link.context == (FIXTURES / "linked" / "app").resolve()
    assert link.args == {"TAG": "latest", "UNUSED": "1"}
    assert link.target == "runtime"
    assert link.span == Span(3, 5, 3, 10)


def test_build_forms_and_missing_dockerfiles(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    text = (
        "services:\n"
        "  short:\n"
        "    build: .\n"
        "  inline:\n"
        "    build:\n"
        "      dockerfile_inline: FROM alpine:3.20\n"
        "      args: [A=1, B]\n"
        "  missing:\n"
        "    build: ./nowhere\n"
        "  remote:\n"
        "    build: https://github.com/docker/compose.git\n"
    )
    document = parse_text(text, tmp_path / "compose.yaml")
    links = {link.service: link for link in build_project(tmp_path, [document])}
    assert set(links) == {"short", "inline"}
    assert links["short"].dockerfile == (tmp_path / "Dockerfile").resolve()
    assert links["inline"].dockerfile is None
    assert links["inline"].inline == "FROM alpine:3.20"
    assert links["inline"].args == {"A": "1", "B": None}
    builds = {build.service.name: build for build in service_builds(document, DiskPaths({}, {}))}
    assert builds["remote"].remote and builds["remote"].context is None
    assert builds["missing"].context == (tmp_path / "nowhere").resolve()


def test_escaped_surrogates_become_printable_text() -> None:
    root = compose_yaml('a: "\\ud83d\\ude00 \\ud800"\n').documents[0]
    assert to_data(root) == {"a": "\U0001f600 \ufffd"}


def test_reset_entries_are_not_schema_errors() -> None:
    document = parse_text("services:\n  web:\n    image: x:1\n    ports: !reset []\n")
    root = document.roots[0]
    assert root is not None and validate(root) == []


def test_large_files_give_the_same_nodes_through_libyaml() -> None:
    from infralint.parsers import yaml_model

    services = "".join(
        f"  s{i}:\n    image: 'nginx:1.{i}'\n    ports: [\"{i}:80\"]\n    x: &a{i} {{k: v}}\n"
        f"    y: *a{i}\n"
        for i in range(1500)
    )
    text = "services:\n" + services
    assert len(text) > yaml_model.LIBYAML_ABOVE

    def shape(node: object) -> object:
        if isinstance(node, Scalar):
            return (node.pos, node.text, node.style, node.tag)
        if isinstance(node, Mapping):
            return (node.pos, [(e.key, e.key_node.pos, shape(e.value)) for e in node.entries])
        assert isinstance(node, Sequence)
        return (node.pos, [shape(item) for item in node.items])

    fast = compose_yaml(text).documents[0]
    original = yaml_model.LIBYAML_ABOVE
    yaml_model.LIBYAML_ABOVE = 10**9
    try:
        slow = compose_yaml(text).documents[0]
    finally:
        yaml_model.LIBYAML_ABOVE = original
    assert shape(fast) == shape(slow)


def test_services_are_validated_one_by_one_with_names_checked() -> None:
    text = "services:\n  web app:\n    image: x:1\n  a: &s\n    imag: x:1\n  b: *s\n"
    root = parse_text(text).roots[0]
    assert root is not None
    assert [(issue.span.line, issue.message) for issue in validate(root)] == [
        (2, "service name 'web app' may only use letters, digits, '.', '_' and '-'"),
        (5, "unknown key 'imag' in services.a"),  # once, though services.b is the same node
    ]


def test_build_args_from_the_environment_are_unknown(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    text = (
        "services:\n  a:\n    build:\n      context: .\n"
        "      args: {A: '${UNSET}', B: '${UNSET:-1}', C: ~, D: 2}\n"
        "  b:\n    build:\n      context: .\n      args: ['A=${UNSET}', 'B=x$$y', C]\n"
    )
    document = parse_text(text, tmp_path / "compose.yaml")
    links = {link.service: link.args for link in build_project(tmp_path, [document])}
    assert links == {
        "a": {"A": None, "B": "1", "C": None, "D": "2"},
        "b": {"A": None, "B": "x$y", "C": None},
    }


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = "services:\n  a:\n    command: 'echo " + "[" * 150 + "'\n"
    document = parse_text(text)
    assert document.service("a") is not None


def test_expansion_past_the_cap_is_unresolved_not_an_error() -> None:
    from infralint.parsers.interpolation import (
        MAX_EXPANSION,
        ExpansionBudget,
        interpolate,
        parse_dotenv,
    )

    big = "x" * (MAX_EXPANSION // 2 + 1)
    once = interpolate("${A}", {"A": big})
    assert once.value == big and once.resolved and not once.over_limit
    twice = interpolate("${A}-$A", {"A": big})
    assert twice.over_limit and twice.unresolved == ("A",) and twice.value == big + "-"
    # The file's budget is shared: a later value is refused once it is spent.
    budget = ExpansionBudget(remaining=len(big) + 1)
    assert interpolate("$A", {"A": big}, budget).resolved
    assert interpolate("$A", {"A": big}, budget).over_limit
    # A .env value over the cap is unknown: dropped, so references to it are unresolved.
    doubling = "".join(f"A{i}=${{A{i - 1}}}${{A{i - 1}}}\n" for i in range(1, 30))
    env = parse_dotenv("A0=xxxxxxxx\n" + doubling + "B=ok\n")
    assert "A29" not in env and len(env["A12"]) == 8 * 2**12 and env["B"] == "ok"
