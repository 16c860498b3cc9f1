"""infralint never executes what it lints: bait that would leave a marker file if it ran."""

from __future__ import annotations

import io
import subprocess
import sys
import tokenize
from pathlib import Path

from tests.conftest import REPO

# Module-level uses of these names that are allowed, and why.
ALLOWED = {
    ("registry.py", "importlib"): "imports infralint's own check modules by fixed name",
    ("reporters/__init__.py", "importlib"): "imports infralint's own reporter by fixed name",
    (
        "parsers/_treesitter.py",
        "importlib",
    ): "loads the installed tree-sitter grammar extensions by fixed name",
    (
        "shellcheck/runner.py",
        "subprocess",
    ): "runs the shellcheck binary with an argument list (no shell) on private copies",
}
FORBIDDEN = {
    "eval",
    "exec",
    "subprocess",
    "importlib",
    "pickle",
    "marshal",
    "os.system",
    "os.popen",
    "os.execv",
    "os.execve",
    "os.spawnv",
}


def test_bait_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    m = str(marker)
    (tmp_path / "Dockerfile").write_text(
        f"FROM alpine:3.20\nRUN touch {m}\nRUN <<EOF\ntouch {m}\nEOF\nCMD touch {m}\n"
    )
    cookbook = tmp_path / "cb"
    (cookbook / "recipes").mkdir(parents=True)
    (cookbook / "libraries").mkdir()
    (cookbook / "metadata.rb").write_text(f"name 'cb'\nsystem('touch {m}')\n")
    (cookbook / "recipes" / "default.rb").write_text(
        f"system('touch {m}')\n`touch {m}`\n%x(touch {m})\nexecute 'touch {m}'\n"
    )
    (cookbook / "libraries" / "evil.rb").write_text(f"system('touch {m}')\n")
    (tmp_path / "app.py").write_text(f"import os\nos.system('touch {m}')\n")
    (tmp_path / "setup.py").write_text(f"import os\nos.system('touch {m}')\n")
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: alpine:3.20\n    command: touch {m}\n"
        f"    build:\n      context: .\n"
    )
    (tmp_path / ".infralint.toml").write_text('[python]\npaths = ["."]\n')
    result = subprocess.run(
        [sys.executable, "-m", "infralint", "check", "--no-cache", "--select", "ALL", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    assert not marker.exists()
    from infralint.shellcheck.runner import find_binary

    if find_binary() is not None:  # ShellCheck read the bait's RUN scripts, and ran none
        assert (
            "SC2046"
            in subprocess.run(
                [sys.executable, "-m", "infralint", "check", "--no-cache", "--select", "SC", "-"],
                input="FROM alpine:3.20\nRUN touch $(echo " + m + ")\n",
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
            ).stdout
        )
        assert not marker.exists()


def test_package_has_no_code_execution_primitives() -> None:
    """Names, not text: strings and comments (rule messages, docs) may mention them."""
    package = REPO / "infralint"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        for number, name in _names(path):
            if name in FORBIDDEN and (relative, name) not in ALLOWED:
                offenders.append(f"{relative}:{number}: {name}")
    assert not offenders, "\n".join(offenders)


def _names(path: Path) -> list[tuple[int, str]]:
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    found = []
    for index, token in enumerate(tokens):
        if token.type != tokenize.NAME:
            continue
        name = token.string
        follows_os = (
            index >= 2 and tokens[index - 1].string == "." and tokens[index - 2].string == "os"
        )
        if follows_os and name in ("system", "popen", "execv", "execve", "spawnv"):
            name = f"os.{name}"
        found.append((token.start[0], name))
    return found
