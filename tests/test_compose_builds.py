"""Builds from other compose files: `extends: file:` (paths relative to the file that declares
`build:`) and top-level `include:` (services of included files build too). Real trees on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import lint_directory

from infralint import cache, compose_refs
from infralint.catalog import load_catalog
from infralint.config import enabled_codes, load_config


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _found(root: Path, select: list[str], paths: list[str] | None = None) -> list[str]:
    result = lint_directory(root, select=select, paths=paths)
    return sorted(f"{f.code} {f.path}:{f.span.line} {f.message}" for f in result.findings)


# A Dockerfile whose image tag comes from a build arg: DF102 reports the compose service whose
# `build.args` sets it to `latest`, which proves the Dockerfile was linked to that service.
DOCKERFILE = "ARG TAG=3.20.1\nFROM alpine:${TAG}\n"
BASE = "services:\n  base:\n    build:\n      context: ./app\n      args:\n        TAG: latest\n"


def test_extends_file_resolves_the_build_against_the_declaring_file(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "web/compose.yaml": "services:\n  web:\n    extends:\n"
            "      file: ../common/base.yaml\n      service: base\n",
            "common/base.yaml": BASE,
            "common/app/Dockerfile": DOCKERFILE,
        },
    )
    found = _found(tmp_path, ["DF102", "DC510"])
    assert len(found) == 1
    assert found[0].startswith("DF102 common/app/Dockerfile:2 ")
    assert "compose.yaml service 'web'" in found[0]
    # Against the extending file's directory the context does not exist: DC510 would say so.
    (tmp_path / "common/app/Dockerfile").unlink()
    (tmp_path / "web/app").mkdir()
    (tmp_path / "web/app/Dockerfile").write_text(DOCKERFILE)
    found = _found(tmp_path, ["DF102", "DC510"])
    assert [line.split(" ", 2)[:2] for line in found] == [["DC510", "web/compose.yaml:3"]]
    assert "'../common/app'" in found[0] and "Dockerfile" in found[0]


def test_a_chain_through_files_and_within_a_file_is_followed(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "compose.yaml": "services:\n  app:\n    extends:\n      file: one/mid.yaml\n"
            "      service: mid\n",
            "one/mid.yaml": "services:\n  mid:\n    extends: local\n  local:\n    extends:\n"
            "      file: ../two/base.yaml\n      service: base\n",
            "two/base.yaml": BASE,
            "two/app/Dockerfile": DOCKERFILE,
        },
    )
    found = _found(tmp_path, ["DF102"])
    assert len(found) == 1 and "compose.yaml service 'app'" in found[0]


def test_a_declaring_file_checked_in_the_run_reports_its_own_build_once(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    extends:\n"
            "      file: compose.base.yaml\n      service: base\n",
            "compose.base.yaml": BASE.replace(
                "TAG: latest", "TAG: 3.20.1\n        NOPE: x\n        ALSO: y"
            ),
            "app/Dockerfile": DOCKERFILE,
        },
    )
    assert [line.split(" ")[:2] for line in _found(tmp_path, ["DC508"])] == [
        ["DC508", "compose.base.yaml:7"],
        ["DC508", "compose.base.yaml:8"],
    ]
    # Checked alone, the extending file reports the inherited build at its `extends:` key.
    alone = _found(tmp_path, ["DC508"], [str(tmp_path / "compose.yaml")])
    assert [line.split(" ")[:2] for line in alone] == [["DC508", "compose.yaml:3"]]
    assert "build args 'NOPE', 'ALSO'," in alone[0]  # one finding at one position


def test_services_of_included_files_are_linked(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - path: parts/one.yaml\nservices:\n  web:\n"
            "    image: nginx:1.27.0\n    depends_on: [api, worker]\n",
            "parts/one.yaml": "include:\n  - two.yaml\n" + BASE.replace("base:", "api:"),
            "parts/two.yaml": "include:\n  - ../compose.yaml\nservices:\n  worker:\n"
            "    build: ./app\n",
            "parts/app/Dockerfile": DOCKERFILE,
        },
    )
    found = _found(tmp_path, ["DF102", "DC503"], [str(tmp_path / "compose.yaml")])
    # The included file's Dockerfile is linted as its service builds it: one link per service.
    assert len(found) == 1
    assert found[0].startswith("DF102 parts/app/Dockerfile:2 ")
    assert "one.yaml service 'api'" in found[0]


def test_an_included_file_in_the_run_is_linked_once(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - compose.api.yaml\nservices:\n  web:\n"
            "    image: nginx:1.27.0\n",
            "compose.api.yaml": BASE,
            "app/Dockerfile": DOCKERFILE,
        },
    )
    found = _found(tmp_path, ["DF102"])
    assert len(found) == 1 and "compose.api.yaml service 'base'" in found[0]


def test_cycles_end_and_nothing_is_linked(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "a.yaml": "services:\n  x:\n    extends:\n      file: b.yaml\n      service: y\n",
            "b.yaml": "services:\n  y:\n    extends:\n      file: a.yaml\n      service: x\n",
            "compose.yaml": "include:\n  - compose.yaml\nservices:\n  s:\n    extends:\n"
            "      file: a.yaml\n      service: x\n",
            "Dockerfile": DOCKERFILE,
        },
    )
    assert _found(tmp_path, ["DF102", "DC508", "DC509", "DC510"]) == []


def test_a_build_outside_the_scanned_tree_is_not_read(tmp_path: Path) -> None:
    # Were it read, its missing context would be reported (DC510).
    _write(tmp_path, {"outside/base.yaml": BASE.replace("./app", "./missing")})
    root = tmp_path / "project"
    _write(
        root,
        {
            "compose.yaml": "include:\n  - ../outside/base.yaml\nservices:\n  web:\n"
            "    extends:\n      file: ../outside/base.yaml\n      service: base\n"
        },
    )
    result = lint_directory(root, select=["DF102", "DC508", "DC509", "DC510"])
    assert result.findings == []


def test_the_depth_limit_bounds_the_files_followed(tmp_path: Path) -> None:
    hops = compose_refs.MAX_DEPTH
    files = {
        f"f{i}.yaml": f"services:\n  s:\n    extends:\n      file: f{i + 1}.yaml\n"
        "      service: s\n"
        for i in range(hops + 1)
    }
    files[f"f{hops + 1}.yaml"] = BASE.replace("base:", "s:")
    files["app/Dockerfile"] = DOCKERFILE
    _write(tmp_path, files)
    within = _found(tmp_path, ["DF102"], [str(tmp_path / "f1.yaml")])
    assert len(within) == 1 and "f1.yaml service 's'" in within[0]
    # One hop more than the limit: the build is not found rather than guessed.
    assert _found(tmp_path, ["DF102"], [str(tmp_path / "f0.yaml")]) == []


def test_a_warm_cache_sees_a_change_in_the_declaring_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infralint import engine

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = tmp_path / "project"
    _write(
        root,
        {
            "compose.yaml": "services:\n  web:\n    extends:\n      file: lib/base.yaml\n"
            "      service: base\n",
            "lib/base.yaml": BASE.replace("TAG: latest", "TAG: 3.20.1"),
            "lib/app/Dockerfile": DOCKERFILE,
        },
    )
    catalog = load_catalog()
    config = load_config(None, catalog)
    settings = engine.Settings(
        config=config,
        catalog=catalog,
        enabled=frozenset(enabled_codes(config, catalog, select=["DC508"], ignore=[])),
        cwd=root,
        project_root=root,
        jobs=1,
        use_cache=True,
    )

    def run() -> list[str]:
        result = engine.run([str(root / "compose.yaml")], settings)
        return [f"{f.code}:{f.span.line}" for f in result.findings]

    assert run() == [] and run() == []  # the second run comes from the cache
    assert (root / cache.CACHE_DIR).is_dir()
    (root / "lib/base.yaml").write_text(BASE.replace("TAG: latest", "TAG: 3.20.1\n        X: y"))
    assert run() == ["DC508:3"]


def test_paths_that_are_no_files_here_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    _write(
        tmp_path,
        {
            "compose.yaml": 'include:\n  - "a\\0b.yaml"\n  - /dev/zero\n  - loop.yaml\n'
            'services:\n  web:\n    extends:\n      file: "x\\0y"\n      service: s\n'
            "  dev:\n    extends:\n      file: /dev/zero\n      service: s\n"
            "  me:\n    extends:\n      file: compose.yaml\n      service: me\n"
            "  looped:\n    extends:\n      file: loop.yaml\n      service: s\n",
            "Dockerfile": DOCKERFILE,
        },
    )
    # Nothing to read, no internal error: the file is judged on its own.
    result = lint_directory(tmp_path, select=["DF102", "DC503", "DC508", "DC509", "DC510"])
    assert result.findings == []


def test_an_include_with_a_project_directory_is_not_guessed_at(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - path: parts/one.yaml\n    project_directory: .\n"
            "services:\n  web:\n    image: nginx:1.27.0\n",
            "parts/one.yaml": BASE,
            "parts/app/Dockerfile": DOCKERFILE,  # where the build would be without it
        },
    )
    # Its build context is `./app` of the project directory: parts/app is not that build.
    assert _found(tmp_path, ["DF102"], [str(tmp_path / "compose.yaml")]) == []
    text = (tmp_path / "compose.yaml").read_text().replace("    project_directory: .\n", "")
    (tmp_path / "compose.yaml").write_text(text)
    assert len(_found(tmp_path, ["DF102"], [str(tmp_path / "compose.yaml")])) == 1
