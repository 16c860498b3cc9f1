"""Lazy imports: a run imports only the parsers and reporters it needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
sys.argv = ["infralint", "check", "--no-cache", *sys.argv[1:]]
from infralint.entry import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\nMODULES=" + json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""
HEAVY = {"ruamel", "libcst", "sarif_om", "jsonschema", "rich", "tree_sitter_ruby"}


def imported(tmp_path: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


def test_dockerfile_only_text_run_stays_light(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN apk add --no-cache curl\n")
    assert not (imported(tmp_path, ".") & HEAVY)


def test_a_plain_check_does_not_start_typer(tmp_path: Path) -> None:
    # Building typer's command tree costs more than linting a small Dockerfile.
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    assert "typer" not in imported(tmp_path, "-q", "--exit-zero", "-j", "1", "Dockerfile")
    assert "typer" in imported(tmp_path, "--exit-zero", "--", "Dockerfile")


# The language server's stack (the lsp extra): only `infralint server` loads it.
LANGUAGE_SERVER = {"pygls", "lsprotocol", "cattrs", "asyncio"}


def test_a_plain_check_imports_nothing_of_the_language_server(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    assert not (imported(tmp_path, ".") & LANGUAGE_SERVER)
    assert not (imported(tmp_path, "-f", "sarif", "--exit-zero", "--", ".") & LANGUAGE_SERVER)


def test_dockerfile_only_json_run_stays_light(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    assert not (imported(tmp_path, "-f", "json", ".") & HEAVY)


def test_compose_run_imports_yaml_but_not_libcst(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    modules = imported(tmp_path, ".")
    assert modules & {"yaml", "ruamel"}
    assert "libcst" not in modules


def test_python_outside_build_contexts_never_loads_libcst(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "tool.py").write_text("print('hi')\n")
    (tmp_path / ".dockerignore").write_text("*.py\n")
    assert "libcst" not in imported(tmp_path, ".")


def test_a_plain_check_does_not_load_openssl(tmp_path: Path) -> None:
    # hashlib loads OpenSSL's _hashlib, a fifth of a one-file run's import time; finding
    # fingerprints use the interpreter's built-in SHA-256 instead.
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN apk add curl\n")
    assert not (imported(tmp_path, "-f", "json", ".") & {"hashlib", "_hashlib"})


GC_PROBE = """
import gc, sys
sys.argv = ["infralint", *sys.argv[1:]]
import infralint.cli
seen = []
infralint.cli.app = lambda: seen.append(gc.isenabled())
from infralint.entry import main
main()
print("ENABLED=" + str(seen))
"""


def test_the_collector_is_back_on_for_every_command(tmp_path: Path) -> None:
    # entry.main turns the collector off for start-up; a long-lived command (the language
    # server, --watch) must not run without it.
    result = subprocess.run(
        [sys.executable, "-c", GC_PROBE, "rules"], cwd=tmp_path, capture_output=True, text=True
    )
    assert "ENABLED=[True]" in result.stdout, result.stderr
    check = "import gc, sys\nsys.argv=['infralint','check','--no-cache','-q','--exit-zero','.']\n"
    check += "from infralint.entry import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
    check += "print('ENABLED=' + str(gc.isenabled()))\n"
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True
    )
    assert "ENABLED=True" in result.stdout, result.stderr
