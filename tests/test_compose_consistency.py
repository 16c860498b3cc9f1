"""Compose errors compose itself rejects (DC511-DC515) and dclint's checks (DC408, DC506 ports)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import lint_directory, run_check


def test_depends_on_cycle_reports_each_cycle_once() -> None:
    text = (
        "services:\n  a:\n    image: x:1\n    depends_on: [b]\n"
        "  b:\n    image: x:1\n    depends_on: [a, c]\n"
        "  c:\n    image: x:1\n    depends_on: [c]\n"
    )
    found = sorted((v.span.line, v.message.split(" (")[0]) for v in run_check("DC513", text))
    assert found == [
        (7, "depends_on cycle: a -> b -> a"),
        (10, "depends_on cycle: c -> c"),
    ]


def test_depends_on_a_long_chain_does_not_recurse() -> None:
    count = 1500
    lines = ["services:"]
    for index in range(count):
        lines += [f"  s{index}:", "    image: x:1", f"    depends_on: [s{(index + 1) % count}]"]
    (violation,) = run_check("DC513", "\n".join(lines) + "\n")
    assert violation.message.startswith("depends_on cycle: s0 -> s1 -> ")


def test_undefined_secret_is_not_judged_in_files_with_include() -> None:
    text = "include: [other.yaml]\nservices:\n  a:\n    image: x:1\n    secrets: [nope]\n"
    assert run_check("DC511", text) == []


def test_undefined_secret_follows_interpolation() -> None:
    text = (
        "services:\n  a:\n    image: x:1\n    secrets: ['${NAME:-token}', '${UNSET}']\n"
        "secrets:\n  token:\n    environment: TOKEN\n"
    )
    assert run_check("DC511", text) == []


def test_datastore_port_policy_options() -> None:
    text = (
        "services:\n  db:\n    image: postgres:16.3\n    ports:\n"
        "      - '5432'\n      - '0.0.0.0:15432:5432'\n      - '[::1]:25432:5432'\n"
        "      - target: 5432\n        host_ip: 127.0.0.1\n      - '80:80'\n"
    )
    assert [v.span.line for v in run_check("DC408", text)] == [5, 6]
    every = run_check("DC408", text, options={"all-ports": True})
    assert [v.span.line for v in every] == [5, 6, 10]
    assert "published port 80" in every[-1].message


def test_base60_ports_only_when_yaml11_reads_a_number() -> None:
    text = (
        "services:\n  a:\n    image: x:1\n    ports:\n"
        "      - 22:22\n      - 8080:80\n      - 1:2:3\n      - '22:22'\n      - 060:22\n"
    )
    assert [v.span.line for v in run_check("DC506", text)] == [5, 7]


def test_duplicate_container_name_ignores_alternative_files(tmp_path: Path) -> None:
    service = "services:\n  {name}:\n    image: x:1\n    container_name: shared\n"
    (tmp_path / "compose.test.yaml").write_text(service.format(name="a"), encoding="utf-8")
    (tmp_path / "compose.prod.yaml").write_text(service.format(name="b"), encoding="utf-8")
    assert lint_directory(tmp_path, select=["DC514"]).findings == []


def test_invalid_container_name_skips_unresolved_values() -> None:
    text = "services:\n  a:\n    image: x:1\n    container_name: ${NAME}\n  b:\n    image: x:1\n"
    text += "    container_name: a\n"
    (violation,) = run_check("DC515", text)
    assert violation.span.line == 7


def test_env_file_outside_the_tree_or_unresolved_is_not_judged(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "dir.env").mkdir()
    text = (
        "services:\n  a:\n    image: x:1\n    env_file:\n      - ../outside.env\n"
        "      - ${UNSET}/x.env\n      - ~/.app.env\n      - dir.env\n"
    )
    (project / "compose.yaml").write_text(text, encoding="utf-8")
    findings = lint_directory(project, select=["DC512"]).findings
    assert [(f.span.line, "is a directory" in f.message) for f in findings] == [(8, True)]


def test_env_file_found_on_a_second_cached_run(tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: x:1\n    env_file: app.env\n"
    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    assert len(lint_directory(tmp_path, select=["DC512"]).findings) == 1
    (tmp_path / "app.env").write_text("A=1\n", encoding="utf-8")
    assert lint_directory(tmp_path, select=["DC512"]).findings == []


def test_env_file_kept_out_of_git_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    (tmp_path / ".gitignore").write_text("secrets.env\n", encoding="utf-8")
    text = "services:\n  a:\n    image: x:1\n    env_file: [secrets.env, typo.env]\n"
    (tmp_path / "deploy" / "compose.yaml").write_text(text, encoding="utf-8")
    findings = lint_directory(tmp_path, select=["DC512"]).findings
    assert ["typo.env" in f.message for f in findings] == [True]
