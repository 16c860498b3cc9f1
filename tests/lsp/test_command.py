"""`infralint server` on the command line: documented, and a clear error without the extra."""

from __future__ import annotations

import subprocess
import sys

WITHOUT_PYGLS = """
import sys
sys.modules["pygls"] = None  # as if the lsp extra were not installed
sys.argv = ["infralint", "server"]
from infralint.entry import main
main()
"""


def test_server_help_says_how_to_install_the_extra() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "infralint", "server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "Language Server" in result.stdout or "language server" in result.stdout
    assert "pip install 'infralint[lsp]'" in result.stdout


def test_server_without_the_extra_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_PYGLS],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "pip install 'infralint[lsp]'" in lines[0]
    assert "pygls" in lines[0]
    assert "Traceback" not in result.stderr
