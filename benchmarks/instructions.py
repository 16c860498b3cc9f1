"""Instructions a one-file run executes, counted by valgrind's callgrind.

    python benchmarks/instructions.py /path/to/venv-a/bin/python /path/to/venv-b/bin/python

Wall time on a shared machine moves by more than a start-up change is worth; an instruction count
is the same on every run of the same interpreter, files and environment, whatever else the machine
is doing. Each interpreter must have infralint installed with its bytecode compiled (a regular
install, or an editable one run once without PYTHONDONTWRITEBYTECODE), or the count includes
compiling the package. The file checked is bench.py's small Dockerfile.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench import SMALL_DOCKERFILE

COLLECTED = re.compile(r"Collected : (\d+)")


def count(python: str, directory: Path) -> int:
    command = [python, "-m", "infralint", "check", "--no-cache", "--exit-zero", "-q", "Dockerfile"]
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, cwd=directory, env=environment, capture_output=True, check=True)
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    found = COLLECTED.search(result.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{result.stderr}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pythons", nargs="+", help="interpreters with infralint installed")
    arguments = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "Dockerfile").write_text(SMALL_DOCKERFILE)
        first = None
        for python in arguments.pythons:
            instructions = count(python, Path(directory))
            first = first or instructions
            print(f"{instructions / 1e6:8.1f} M  {instructions / first:5.3f}  {python}")


if __name__ == "__main__":
    main()
