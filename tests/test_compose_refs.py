"""`extends:` and `include:` followed into other compose files: limits, cycles, containment."""

from __future__ import annotations

from pathlib import Path

from helpers import lint_directory

from infralint import compose_refs


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _found(root: Path, select: list[str], paths: list[str] | None = None) -> list[tuple[str, int]]:
    result = lint_directory(root, select=select, paths=paths)
    return sorted((f"{f.code} {Path(f.path).name}", f.span.line) for f in result.findings)


def test_include_cycle_is_read_once_and_names_resolve(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - a.yaml\nservices:\n  web:\n    image: w:1\n"
            "    depends_on: [db, nowhere]\n",
            "a.yaml": "include:\n  - path: [b.yaml]\nservices:\n  db:\n    image: d:1\n",
            "b.yaml": "include:\n  - a.yaml\n  - compose.yaml\nservices:\n  q:\n    image: q:1\n",
        },
    )
    assert _found(tmp_path, ["DC503"], [str(tmp_path / "compose.yaml")]) == [
        ("DC503 compose.yaml", 6)
    ]


def test_an_include_outside_the_scanned_tree_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("services:\n  db:\n    image: d:1\n")
    root = tmp_path / "project"
    _write(
        root,
        {
            "compose.yaml": "include:\n  - ../outside.yaml\nservices:\n  web:\n    image: w:1\n"
            "    depends_on: [db, nowhere]\n"
        },
    )
    # Not read, so anything may be defined there: no finding rather than a guess.
    assert _found(root, ["DC503"]) == []


def test_extends_chains_stop_at_cycles_and_limits(tmp_path: Path) -> None:
    chain = compose_refs.MAX_EXTENDS_CHAIN + 2  # s0 -> s1 -> ... -> s{chain}, which builds
    services = "".join(f"  s{i}:\n    extends: s{i + 1}\n    image: img{i}\n" for i in range(chain))
    _write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    extends: b\n    image: a\n"
            "  b:\n    extends: a\n    image: b\n" + services + f"  s{chain}:\n    build: .\n",
        },
    )
    lines = {line for _, line in _found(tmp_path, ["DC101"])}
    assert {4, 7} <= lines  # the a <-> b cycle builds nothing: both images are pulled
    image_line = {i: 10 + 3 * i for i in range(chain)}
    assert image_line[chain - 1] not in lines  # one step from the build
    assert image_line[0] in lines  # past the chain limit: judged as pulled


def test_extends_follows_files_transitively(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "compose.yaml": "services:\n  app:\n    extends:\n      file: one/common.yaml\n"
            "      service: mid\n    image: myorg/app\n",
            "one/common.yaml": "services:\n  mid:\n    extends:\n      file: ../two/base.yaml\n"
            "      service: base\n",
            "two/base.yaml": "services:\n  base:\n    build: .\n",
        },
    )
    assert _found(tmp_path, ["DC101"], [str(tmp_path / "compose.yaml")]) == []
    (tmp_path / "two/base.yaml").write_text("services:\n  base:\n    image: x:1\n")
    assert _found(tmp_path, ["DC101"], [str(tmp_path / "compose.yaml")]) == [
        ("DC101 compose.yaml", 6)
    ]


def test_depth_limit_bounds_what_is_read(tmp_path: Path) -> None:
    files = {"compose.yaml": "include:\n  - f1.yaml\nservices:\n  web:\n    image: w:1\n"}
    depth = compose_refs.MAX_DEPTH + 2
    for i in range(1, depth):
        files[f"f{i}.yaml"] = f"include:\n  - f{i + 1}.yaml\nservices:\n  s{i}:\n    image: x:1\n"
    files[f"f{depth}.yaml"] = "services:\n  deep:\n    image: x:1\n"
    _write(tmp_path, files)
    files["compose.yaml"] += "    depends_on: [s1, deep]\n"
    _write(tmp_path, files)
    # f(MAX_DEPTH+1) is never read: the file is not judged rather than judged wrongly.
    assert _found(tmp_path, ["DC503"], [str(tmp_path / "compose.yaml")]) == []
    # Within the limit every name is known, and a missing one is reported.
    (tmp_path / f"f{compose_refs.MAX_DEPTH}.yaml").write_text(
        "services:\n  deep:\n    image: x:1\n"
    )
    files["compose.yaml"] = files["compose.yaml"].replace("deep]", "deep, nowhere]")
    _write(tmp_path, {"compose.yaml": files["compose.yaml"]})
    assert _found(tmp_path, ["DC503"], [str(tmp_path / "compose.yaml")]) == [
        ("DC503 compose.yaml", 6)
    ]


def test_a_service_extending_a_build_in_the_file_is_linked_to_its_dockerfile(
    tmp_path: Path,
) -> None:
    from infralint.parsers import compose
    from infralint.project_links import build_project
    from infralint.source import SourceFile

    text = (
        "services:\n  base:\n    build: ./app\n  worker:\n    extends: base\n"
        "  other:\n    extends:\n      file: other.yaml\n      service: x\n"
    )
    _write(tmp_path, {"compose.yaml": text, "app/Dockerfile": "FROM alpine:3.20\n"})
    path = tmp_path / "compose.yaml"
    document = compose.parse(SourceFile(path, "compose.yaml", text, "compose"))
    links = build_project(tmp_path, [document])
    # `other` extends a service of another file: its paths are that file's, not followed here.
    assert sorted((link.service, link.dockerfile) for link in links) == [
        ("base", tmp_path / "app" / "Dockerfile"),
        ("worker", tmp_path / "app" / "Dockerfile"),
    ]
