"""Where a run's time goes: cProfile of one in-process `infralint check`, grouped by module.

    python benchmarks/profile_run.py PATH [--top 20] [-- extra check options]

Runs `check --no-cache -j 1 --exit-zero -q PATH` (one process, so every file is profiled) and
prints the own time of each module group (parsers, checks, engine, reporters, tree-sitter's C
parser, imports, the rest) and the functions with the most own time. cProfile slows Python
code more than C code, so read the shares, not the seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import sys
from collections import defaultdict


def group_of(filename: str, function: str) -> str:
    if "infralint/parsers/" in filename:
        return "infralint.parsers"
    if "infralint/checks/" in filename:
        return "infralint.checks"
    if "infralint/reporters/" in filename:
        return "infralint.reporters"
    if "infralint/" in filename:
        return "infralint (engine, config, discovery)"
    if "tree_sitter" in function or "Parser" in function:
        return "tree-sitter (C)"
    if "importlib" in filename or function in ("<built-in method marshal.loads>",):
        return "imports"
    if filename.startswith("<frozen") or "/lib/python" in filename or filename == "~":
        return "stdlib and builtins"
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()
    from infralint.entry import main as infralint_main

    sys.argv = ["infralint", "check", "--no-cache", "-j", "1", "--exit-zero", "-q"]
    sys.argv += [*args.extra, args.path]
    profile = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        profile.runcall(infralint_main)
    stats = pstats.Stats(profile)
    entries: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in entries.values())
    groups: dict[str, float] = defaultdict(float)
    for (filename, _line, function), entry in entries.items():
        groups[group_of(filename, function)] += entry[2]
    print(f"own time under cProfile: {total:.2f} s")
    for name, seconds in sorted(groups.items(), key=lambda item: -item[1]):
        print(f"  {100 * seconds / total:5.1f}%  {name}")
    print(f"\ntop {args.top} functions by own time:")
    ranked = sorted(entries.items(), key=lambda item: -item[1][2])[: args.top]
    for (filename, line, function), entry in ranked:
        where = filename.split("site-packages/")[-1].split("/infralint/")[-1]
        print(f"  {100 * entry[2] / total:5.1f}%  {entry[1]:>9} calls  {where}:{line} {function}")


if __name__ == "__main__":
    main()
