#!/usr/bin/env python3
"""Count the default rules' findings on real repositories, per repository and per rule.

    python benchmarks/review_repos.py PATH [PATH ...]
    python benchmarks/review_repos.py --json --details DC105 ~/src/awesome-compose ~/src/nginx

Each PATH is a checked-out repository (the review set: docker/awesome-compose,
open-telemetry/opentelemetry-demo, dockersamples/example-voting-app, sous-chefs/nginx).
`infralint check` runs inside each one with the default rules and no configuration, so the
numbers are what a new user sees on the first run. `--details CODE` lists that rule's findings
(path:line and message) for the hand review. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def findings(command: list[str], repository: Path) -> list[dict[str, Any]]:
    # --no-config: the repository's own configuration must not change what a default run is
    args = [*command, "check", ".", "--format", "json", "--exit-zero", "--no-cache", "--no-config"]
    proc = subprocess.run(args, cwd=repository, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"infralint failed on {repository} ({proc.returncode}):\n{proc.stderr}")
    report: dict[str, Any] = json.loads(proc.stdout)
    return list(report["findings"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repositories", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("--details", action="append", default=[], metavar="CODE")
    parser.add_argument(
        "--infralint",
        default=f"{sys.executable} -m infralint",
        help="the command that runs infralint (default: this interpreter's)",
    )
    args = parser.parse_args()
    command = args.infralint.split()
    per_repository: dict[str, dict[str, int]] = {}
    listed: dict[str, list[str]] = {}
    for repository in args.repositories:
        found = findings(command, repository)
        name = repository.resolve().name
        per_repository[name] = dict(sorted(Counter(f["code"] for f in found).items()))
        for f in found:
            if f["code"] in args.details:
                listed.setdefault(f["code"], []).append(
                    f"{name}/{f['path']}:{f['line']}: {f['message']}"
                )
    if args.json:
        print(json.dumps({"repositories": per_repository, "details": listed}, indent=2))
        return 0
    codes = sorted({code for counts in per_repository.values() for code in counts})
    names = list(per_repository)
    width = max([10, *(len(name) for name in names)])
    print(f"{'rule':<7}" + "".join(f"{name:>{width + 2}}" for name in names))
    for code in codes:
        cells = "".join(f"{per_repository[name].get(code, 0):>{width + 2}}" for name in names)
        print(f"{code:<7}{cells}")
    totals = "".join(f"{sum(per_repository[name].values()):>{width + 2}}" for name in names)
    print(f"{'total':<7}{totals}")
    for code, lines in listed.items():
        print(f"\n{code}: {len(lines)} findings")
        for line in lines:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
