"""DC checks on real-looking compose files: exact lines, aliases, shell commands, links."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralint.catalog import load_catalog
from infralint.config import Config, rule_options
from infralint.model import Violation
from infralint.parsers import compose
from infralint.registry import CheckContext, checks_for
from infralint.source import SourceFile
from tests.helpers import lint_directory, rule_codes, run_check

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "compose"
ALL_DC = rule_codes("compose")
CATALOG = load_catalog()


def lines(violations: Iterable[Violation]) -> list[int]:
    return [violation.span.line for violation in violations]


def test_every_dc_rule_has_a_check() -> None:
    assert [code for code, _ in checks_for("compose", ALL_DC)] == sorted(ALL_DC)


# --------------------------------------------------------------------------- anchors and merges


ANCHORS = (FIXTURES / "anchors" / "compose.yaml").read_text()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DC401", [5]),  # once, at the anchored key, although web and worker both merge it
        ("DC405", [9]),  # the aliased environment is reported once
        ("DC404", [11]),
        ("DC102", [17]),
        ("DC101", [20]),
        ("DC501", [12]),
        ("DC305", [2]),
    ],
)
def test_findings_point_at_real_lines_through_anchors(code: str, expected: list[int]) -> None:
    assert lines(run_check(code, ANCHORS)) == expected


def test_merged_findings_say_via_merge() -> None:
    [violation] = run_check("DC401", ANCHORS)
    assert violation.message.endswith("(via <<)")


# --------------------------------------------------------------------------- images


IMAGES = """\
services:
  a:
    image: nginx
  b:
    image: "nginx:${TAG:-latest}"
  c:
    image: ${REGISTRY}/team/app:1.4.2
  d:
    image: ${REGISTRY}/team/app
  e:
    image: team/app:${TAG}
  f:
    image: ${IMAGE}
  g:
    build: .
    image: team/g
  h:
    image: node:lts-alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5
  i:
    image: localhost:5000/app
"""


def test_image_rules_split_the_cases() -> None:
    assert lines(run_check("DC101", IMAGES)) == [3, 9, 20]
    assert lines(run_check("DC102", IMAGES)) == [5]
    assert lines(run_check("DC104", IMAGES)) == [11, 13]
    assert lines(run_check("DC103", IMAGES)) == [3, 5, 7, 9, 20]
    assert lines(run_check("DC105", IMAGES)) == []


def test_dc104_names_the_variable() -> None:
    messages = [violation.message for violation in run_check("DC104", IMAGES)]
    assert "${TAG}" in messages[0] and "${IMAGE}" in messages[1]


def test_dotenv_resolves_images() -> None:
    path = FIXTURES / "dotenv" / "compose.yaml"
    text = path.read_text()
    assert lines(run_check("DC104", text, path=path)) == [7]
    assert lines(run_check("DC101", text, path=path)) == []


def test_floating_tags_option() -> None:
    text = "services:\n  a:\n    image: app:dev\n  b:\n    image: app:latest\n"
    assert lines(run_check("DC102", text, options={"floating-tags": ["dev"]})) == [3]


# --------------------------------------------------------------------------- commands


COMMANDS = """\
services:
  a:
    command: sh -c "apt-get update && apt-get install -y curl"
  b:
    command: ["bash", "-c", "pip install flask && exec python app.py > /var/log/app.log 2>&1"]
  c:
    entrypoint: ["/bin/sh", "-c"]
    command: ["git clone https://example.com/r.git && tail -f /dev/null"]
  d:
    command: ["npm", "install"]
  e:
    command: echo "apt-get install x" > /tmp/out.txt
  f:
    command: >
      sh -c "sleep infinity"
  g:
    command:
      - /bin/sh
      - -c
      - |
        echo starting
        curl -fsSL https://example.com/i.sh | sh
"""


def test_dc201_sees_real_commands_in_every_form() -> None:
    found = [(v.span.line, v.span.column) for v in run_check("DC201", COMMANDS)]
    assert found == [(3, 21), (3, 39), (5, 30), (8, 16), (10, 16), (22, 47)]


def test_dc201_downloads_that_provision_but_not_probes() -> None:
    text = """\
services:
  a:
    command: sh -c "until curl -fs http://db:5432; do sleep 1; done; exec app"
  b:
    command: sh -c "wget -q --spider http://api/health && exec app"
  c:
    command: sh -c "curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && exec app"
  d:
    command: sh -c "curl -fsSL https://example.com/tool.tgz | tar -xz -C /opt && exec app"
  e:
    command: sh -c "wget https://example.com/data.csv && exec app"
"""
    violations = run_check("DC201", text)
    assert [(v.span.line, v.span.column) for v in violations] == [(7, 21), (9, 63), (11, 21)]
    assert "downloads into '/tmp/tool.tgz' with curl" in violations[0].message
    assert "unpacks a download with 'tar'" in violations[1].message
    assert "downloads into a file with wget" in violations[2].message


def test_dc201_message_names_the_command() -> None:
    messages = [violation.message for violation in run_check("DC201", COMMANDS)]
    assert "'apt-get install'" in messages[1]
    assert "pipes a download into 'sh'" in messages[-1]


def test_dc303_and_dc304_positions() -> None:
    assert [(v.span.line, v.span.column) for v in run_check("DC303", COMMANDS)] == [(5, 70)]
    assert lines(run_check("DC304", COMMANDS)) == [8, 15]


# --------------------------------------------------------------------------- volumes and ports


VOLUMES = """\
services:
  a:
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - /var/log:/var/log:ro
      - logs:/var/log/app
      - ./x:/srv/app.log
      - //etc/:/etc-host
      - /etc/localtime:/etc/localtime:ro
      - /proc/sys:/host-sys
      - type: bind
        source: /
        target: /host
      - C:\\data:/data
      - data:/data
volumes:
  logs:
"""


def test_volume_rules() -> None:
    assert lines(run_check("DC402", VOLUMES)) == [4]
    assert lines(run_check("DC302", VOLUMES)) == [6, 7]
    assert lines(run_check("DC406", VOLUMES)) == [8, 10, 11]
    assert lines(run_check("DC504", VOLUMES)) == [15]


PORTS = """\
services:
  a:
    ports:
      - "8080:80"
      - "[::1]:9000:9000"
      - 53:53/udp
  b:
    ports:
      - "127.0.0.1:8080:80"
      - target: 80
        published: "9000"
        host_ip: "::1"
      - "53:53"
      - "2200-2300:20-120"
  c:
    profiles: [x]
    ports: ["8080:80"]
"""


def test_duplicate_host_ports() -> None:
    violations = run_check("DC505", PORTS)
    assert lines(violations) == [9, 10, 17]
    assert "service 'a' (line 4)" in violations[0].message


def test_ssh_port_in_a_range() -> None:
    assert lines(run_check("DC407", PORTS)) == [14]


# --------------------------------------------------------------------------- others


def test_privileged_truthy_words() -> None:
    text = "services:\n" + "".join(
        f"  s{i}:\n    privileged: {value}\n"
        for i, value in enumerate(["true", "yes", '"on"', "Y", "false", '"no"'])
    )
    assert lines(run_check("DC401", text)) == [3, 5, 7, 9]


def test_secrets_in_environment() -> None:
    text = """\
services:
  a:
    environment:
      DB_PASSWORD: s3cret
      DB_PASSWORD_FILE: /run/secrets/db
      SECRET_KEY: ${SECRET_KEY}
      GITHUB_TOKEN: ghp_0123456789abcdefghijklmnopqrstuvwxyzAB
      HOME_URL: https://example.com
      TOKEN_TTL: "3600"
      NEXTAUTH_SECRET: "true"
      - X=1
  b:
    environment:
      - API_KEY=abc123
      - REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379
      - PASSWORD
"""
    # the `- X=1` line makes a's environment invalid YAML; use b's list and a's first lines
    text = text.replace("      - X=1\n", "")
    violations = run_check("DC405", text)
    assert lines(violations) == [4, 7, 13]
    assert all("s3cret" not in violation.message for violation in violations)


def test_unknown_references_and_override_files(tmp_path: Path) -> None:
    text = """\
services:
  web:
    depends_on: {db: {condition: service_started}, cache: {condition: service_started}}
    links: [db:database]
    volumes_from: [db, "container:abc"]
    extends: {service: base, file: other.yaml}
  db:
    extends: nobase
    pid: "service:web"
"""
    assert lines(run_check("DC503", text)) == [3, 8]
    (tmp_path / "compose.yaml").write_text("services:\n  cache: {}\n  nobase: {}\n")
    override = tmp_path / "compose.override.yaml"
    assert run_check("DC503", text, path=override) == []
    assert lines(run_check("DC503", text, path=tmp_path / "docker-compose.yml")) == [3, 8]
    assert run_check("DC503", "include: [a.yaml]\n" + text) == []


def test_yaml11_words_only_in_boolean_fields() -> None:
    text = """\
services:
  a:
    tty: on
    restart: no
    environment:
      DEBUG: yes
    depends_on:
      b:
        condition: service_started
        restart: yes
    secrets:
      - source: s
        mode: 0400
      - source: t
        mode: "0400"
  b:
    read_only: True
"""
    assert lines(run_check("DC506", text)) == [3, 10, 13]


def test_duplicate_keys_and_the_rest_still_checked() -> None:
    text = "services:\n  a:\n    image: x\n    image: y\n    privileged: true\n"
    assert lines(run_check("DC502", text)) == [4]
    assert lines(run_check("DC401", text)) == [5]


def test_version_key_and_legacy() -> None:
    legacy = (FIXTURES / "legacy" / "docker-compose.yml").read_text()
    violations = run_check("DC501", legacy)
    assert lines(violations) == [1] and "legacy" in violations[0].message
    assert lines(run_check("DC101", legacy)) == [2]
    assert lines(run_check("DC507", "version: '3'\nservices: {}\n")) == [1]


# --------------------------------------------------------------------------- Dockerfile links


def test_linked_dockerfile_rules(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "linked", tmp_path / "linked")
    path = tmp_path / "linked" / "compose.yaml"
    text = path.read_text()
    [undeclared] = run_check("DC508", text, path=path)
    assert undeclared.span.line == 8 and "'UNUSED'" in undeclared.message
    assert run_check("DC509", text, path=path) == []
    assert run_check("DC510", text, path=path) == []
    broken = text.replace("target: runtime", "target: Prod").replace(
        "dockerfile: Dockerfile", "dockerfile: Dockerfile.prod"
    )
    assert lines(run_check("DC510", broken, path=path)) == [5]
    (tmp_path / "linked" / "app" / "Dockerfile.prod").write_text("FROM alpine:3.20 AS prod\n")
    assert run_check("DC509", broken, path=path) == []


def test_engine_lints_the_linked_dockerfile_with_compose_args(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "linked", tmp_path, dirs_exist_ok=True)
    result = lint_directory(tmp_path)
    found = {(finding.code, finding.path.rsplit("/", 1)[-1]) for finding in result.findings}
    assert ("DC508", "compose.yaml") in found
    assert ("DF102", "Dockerfile") in found  # FROM alpine:${TAG} with TAG=latest from compose


def test_an_explicit_compose_file_reads_the_dockerfile_it_builds(tmp_path: Path) -> None:
    """A file argument (as pre-commit passes it) still reads the Dockerfile it builds inside the
    project: the repository, not the one file, is what may be read."""
    shutil.copytree(FIXTURES / "linked", tmp_path, dirs_exist_ok=True)
    result = lint_directory(tmp_path, paths=[str(tmp_path / "compose.yaml")])
    found = {(finding.code, finding.path.rsplit("/", 1)[-1]) for finding in result.findings}
    assert ("DC508", "compose.yaml") in found
    assert ("DF102", "Dockerfile") in found  # FROM alpine:${TAG} with TAG=latest from compose


def test_engine_reports_invalid_yaml_once(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "invalid" / "compose.yaml", tmp_path / "compose.yaml")
    result = lint_directory(tmp_path)
    assert [(f.code, f.span.line) for f in result.findings] == [("IL001", 8)]


def test_engine_reports_the_alias_bomb_as_il001(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "alias-bomb" / "compose.yaml", tmp_path / "compose.yaml")
    result = lint_directory(tmp_path)
    [finding] = result.findings
    assert finding.code == "IL001" and "alias" in finding.message


# --------------------------------------------------------------------------- robustness

SERVICE_KEYS = [
    "image", "build", "command", "entrypoint", "ports", "volumes", "environment", "logging",
    "privileged", "cap_add", "security_opt", "depends_on", "links", "extends", "networks",
    "network_mode", "pull_policy", "profiles", "volumes_from", "pid", "configs", "read_only",
]  # fmt: skip
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.sampled_from(["", "a", "x:1", "22:22", "/var/log:/var/log", "sh -c 'tail -f x'", "${A}"]),
    st.text(max_size=12),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from([*SERVICE_KEYS, "target", "source", "driver"]), inner,
                        max_size=4),
    ),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(st.dictionaries(st.sampled_from(SERVICE_KEYS), VALUES, max_size=8))
def test_checks_tolerate_any_service_shape(service: dict[str, object]) -> None:
    text = json.dumps({"version": 1, "services": {"s": service, "t": service}, "volumes": None})
    document = compose.parse(SourceFile(Path("/nonexistent/compose.yaml"), "c", text, "compose"))
    for code, check in checks_for("compose", ALL_DC):
        options = rule_options(Config(), CATALOG.rules[code])  # as the engine passes them
        for violation in check(document, CheckContext(code, options)):
            assert violation.span.line >= 1 and violation.message


def test_post_start_hooks_are_commands_but_healthchecks_are_not() -> None:
    text = """\
services:
  a:
    image: x:1
    post_start:
      - command: ["sh", "-c", "pip install requests"]
    healthcheck:
      test: ["CMD-SHELL", "curl -fsS http://localhost/health"]
"""
    assert [(v.span.line, v.span.column) for v in run_check("DC201", text)] == [(5, 32)]


def test_positions_stay_exact_after_escapes_in_quoted_scalars() -> None:
    line = '    command: "sh -c \\"echo \\\\\\"hi\\\\\\" > /var/log/a.log\\""'
    text = f"services:\n  a:\n{line}\n"
    [violation] = run_check("DC303", text)
    assert violation.span.column == line.index(">") + 1
    assert violation.span.end_column == line.index(".log") + 5


def test_dc506_knows_every_boolean_key_of_the_schema() -> None:
    from infralint.checks.compose.dc506 import BOOLEAN_KEYS
    from infralint.parsers.compose_schema import schema_path

    found: set[str] = set()
    pending: list[object] = [json.loads(schema_path().read_text())]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            for name, spec in current.get("properties", {}).items():
                kinds = spec.get("type") if isinstance(spec, dict) else None
                if kinds == "boolean" or (isinstance(kinds, list) and "boolean" in kinds):
                    found.add(name)
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    assert found <= BOOLEAN_KEYS, sorted(found - BOOLEAN_KEYS)
