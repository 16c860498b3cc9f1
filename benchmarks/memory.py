"""Does the parent's memory stay flat as a run grows? Peak RSS at N and 10N files.

    python benchmarks/memory.py [--files 1000] [--factor 10] [--formats concise,json,sarif]
                                [--cached] [--jobs J] [--seed 7]

Generates two trees with synth.py (N and factor x N files, same seed) in a temporary directory,
runs `infralint check` on each as a real process for every format (report written to a file in
that directory), and samples the peak RSS (VmHWM) of the parent and of its worker processes from
/proc while it runs. Prints a table with the ratio of the large run's peak to the small one's: a
parent that keeps something per file shows it there. By default runs use --no-cache; --cached
runs each tree twice with the cache on (in the tree) and measures the second, warm run. Linux
only (it reads /proc). A benchmark, not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE_SECONDS = 0.01


@dataclass
class Peak:
    parent_mib: float
    worker_mib: float  # the largest worker's peak (0 when the run used none)
    seconds: float
    status: int


def _hwm_kib(pid: int) -> int:
    """VmHWM of a live process in KiB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            return [int(child) for child in listing.read().split()]
    except OSError:
        return []


def measure(command: list[str], cwd: Path | None = None) -> Peak:
    """Run `command`; sample its peak RSS and its children's until it exits."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        parent = 0
        workers: dict[int, int] = {}
        while process.poll() is None:
            parent = max(parent, _hwm_kib(process.pid))
            for child in _children(process.pid):
                workers[child] = max(workers.get(child, 0), _hwm_kib(child))
            time.sleep(SAMPLE_SECONDS)
        if process.returncode not in (0, 1):
            errors.seek(0)
            sys.stderr.write(errors.read().decode(errors="replace"))
            raise SystemExit(f"{' '.join(command)}: exit status {process.returncode}")
    elapsed = time.perf_counter() - start
    return Peak(parent / 1024, max(workers.values(), default=0) / 1024, elapsed, process.returncode)


def infralint(tree: Path, fmt: str, output: Path, cached: bool, jobs: int | None) -> list[str]:
    """The console script next to this interpreter (what pre-commit and CI call), else -m."""
    script = Path(sys.executable).with_name("infralint")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "infralint"]
    options = ["-q", "-f", fmt, "-o", str(output)]
    options += [] if cached else ["--no-cache"]
    options += [] if jobs is None else ["--jobs", str(jobs)]
    return [*command, "check", *options, str(tree)]


def generate(target: Path, files: int, seed: int) -> None:
    command = [sys.executable, str(HERE / "synth.py"), str(target)]
    subprocess.run(
        [*command, "--files", str(files), "--seed", str(seed)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="files in the small tree")
    parser.add_argument("--factor", type=int, default=10, help="the large tree's size / small")
    parser.add_argument("--formats", default="concise,json,sarif", help="comma-separated")
    parser.add_argument("--cached", action="store_true", help="measure warm cached runs")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for infralint")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not Path("/proc/self/status").is_file():
        raise SystemExit("memory.py reads /proc: Linux only")
    formats = [name.strip() for name in args.formats.split(",") if name.strip()]
    sizes = [args.files, args.files * args.factor]
    with tempfile.TemporaryDirectory(prefix="infralint-memory-") as scratch:
        base = Path(scratch)
        trees = {}
        for size in sizes:
            trees[size] = base / f"n{size}"
            generate(trees[size], size, args.seed)
        header = f"{'format':<10} {'files':>7} {'parent MiB':>11} {'worker MiB':>11} {'seconds':>8}"
        print(f"infralint check {'(the second, warm run)' if args.cached else '--no-cache'}")
        print(header)
        print("-" * len(header))
        ratios = []
        for fmt in formats:
            peaks = []
            for size in sizes:
                command = infralint(
                    trees[size], fmt, base / f"report.{fmt}", args.cached, args.jobs
                )
                if args.cached:
                    measure(command)  # fills the cache: the second run is the warm one
                peak = measure(command)
                peaks.append(peak)
                print(
                    f"{fmt:<10} {size:>7} {peak.parent_mib:>11.1f} {peak.worker_mib:>11.1f} "
                    f"{peak.seconds:>8.1f}"
                )
            ratio = peaks[1].parent_mib / peaks[0].parent_mib
            ratios.append((fmt, ratio, peaks[1].worker_mib / max(peaks[0].worker_mib, 1)))
        print()
        for fmt, ratio, worker_ratio in ratios:
            print(
                f"{fmt}: parent peak x{ratio:.2f}, worker peak x{worker_ratio:.2f} "
                f"from {sizes[0]} to {sizes[1]} files"
            )


if __name__ == "__main__":
    main()
