"""A run over ten times the files keeps the parent's memory flat (issue 17), measured on real
processes: the peak RSS of `infralint check` over 300 and 3,000 synthetic files, for a streamed
format and for the sorted ones that once held the whole run (SARIF grew by ~50 KB a file)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL, LARGE = 300, 3_000
# The parent may keep a little per file (its path, its job: about 1 KB) but nothing per finding:
# 2,700 more files and ~9,000 more findings may add at most this much to the peak.
ALLOWED_GROWTH_MIB = 8.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)"),
]


def _peak_mib(command: list[str], cwd: Path) -> float:
    """The peak RSS (VmHWM) of the process `command` starts, sampled until it exits."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.01)
    assert process.returncode in (0, 1), process.returncode
    return peak / 1024


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    made = {}
    for files in (SMALL, LARGE):
        tree = tmp_path_factory.mktemp(f"synth{files}")
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "synth.py"),
                str(tree),
                "--files",
                str(files),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        made[files] = tree
    return made


@pytest.mark.parametrize("format_name", ["concise", "sarif", "junit"])
def test_ten_times_the_files_keep_the_parent_flat(
    trees: dict[int, Path], tmp_path: Path, format_name: str
) -> None:
    peaks = {}
    for files, tree in trees.items():
        command = [
            *(sys.executable, "-m", "infralint", "check", "--no-cache", "-q", "--ignore", "SC"),
            *("-f", format_name, "-o", str(tmp_path / f"report-{files}"), "."),
        ]
        peaks[files] = _peak_mib(command, tree)
    assert (tmp_path / f"report-{LARGE}").stat().st_size > 1_000_000  # a report of substance
    growth = peaks[LARGE] - peaks[SMALL]
    assert growth < ALLOWED_GROWTH_MIB, peaks
