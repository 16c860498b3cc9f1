#!/usr/bin/env python3
"""Compare infralint's Dockerfile findings with hadolint's, file by file, on the corpus.

Every infralint rule that names hadolint codes under `peers` gives one row per
(hadolint code, infralint code) pair: the number of corpus Dockerfiles where both
tools fire, where only hadolint does and where only infralint does.

    python benchmarks/compare_hadolint.py --hadolint-cache /work/corpus-hadolint/results.jsonl
    python benchmarks/compare_hadolint.py --limit 300 --details DL3008 --json

The corpus is built by tools/corpus.sh (see its --help); only its MANIFEST.tsv and
dockerfile/ folder are read. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHUNK = 200  # files per `infralint check` call, to keep the command line short
HADOLINT_PARSE_ERROR = "DL1000"  # hadolint reports a file it cannot parse as this finding
INFRALINT_PARSE_ERROR = "IL001"
SIDES = ("both", "only_hadolint", "only_infralint")

Record = dict[str, Any]  # one line of the hadolint jsonl cache
Lines = defaultdict[str, list[int]]  # absolute path -> lines where a code fires
Pair = tuple[str, str]  # (hadolint code, infralint code)


@dataclass
class Row:
    hadolint: str
    infralint: str
    both: list[str]
    only_hadolint: list[str]
    only_infralint: list[str]


def new_lines() -> Lines:
    return defaultdict(list)


def absolute(path: str, base: Path) -> str:
    return str((base / path).resolve())


def manifest_dockerfiles(corpus: Path, limit: int | None) -> list[str]:
    lines = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    files = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=True))
        if row["kind"] == "dockerfile":
            owner_name = row["repo"].replace("/", "__")
            files.append(str(corpus / "dockerfile" / owner_name / row["path"]))
    return files[:limit]


def run_hadolint(path: str) -> Record:
    # One file per call: hadolint gives up on a whole batch when some files fail.
    proc = subprocess.run(
        ["hadolint", "-f", "json", "--no-fail", path], capture_output=True, text=True
    )
    try:
        raw = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raw = None
    if not isinstance(raw, list):
        message = proc.stderr.strip() or f"exit status {proc.returncode}, no JSON output"
        return {"path": path, "ok": False, "findings": [], "error": message}
    keys = ("code", "line", "column", "level", "message")
    findings = [{key: item[key] for key in keys} for item in raw]
    problems = [
        f"line {f['line']}: {f['message']}" for f in findings if f["code"] == HADOLINT_PARSE_ERROR
    ]
    ok = proc.returncode == 0 and not problems
    error = None if ok else proc.stderr.strip() or "; ".join(problems)
    return {"path": path, "ok": ok, "findings": findings, "error": error}


def hadolint_results(files: list[str], cache: Path | None, jobs: int) -> dict[str, Record]:
    """Results from the cache where it has them; hadolint is run for the rest.
    A cache file that does not exist yet is written."""
    results: dict[str, Record] = {}
    if cache is not None and cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            results[absolute(record["path"], cache.parent)] = record
    missing = [path for path in files if path not in results]
    if missing:
        print(f"running hadolint on {len(missing)} files", file=sys.stderr)
        with ThreadPoolExecutor(jobs) as pool:
            results.update(zip(missing, pool.map(run_hadolint, missing), strict=True))
        if cache is not None and not cache.exists():
            cache.write_text("".join(json.dumps(results[path]) + "\n" for path in files))
    return {path: results[path] for path in files}


def hadolint_hits(results: dict[str, Record]) -> defaultdict[str, Lines]:
    hits: defaultdict[str, Lines] = defaultdict(new_lines)
    for path, record in results.items():
        for finding in record["findings"]:
            hits[finding["code"]][path].append(finding["line"])
    return hits


def infralint_json(command: list[str], args: list[str]) -> Any:
    proc = subprocess.run([*command, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{shlex.join([*command, *args[:2]])} failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


def hadolint_peers(command: list[str]) -> dict[str, list[str]]:
    """infralint code -> the hadolint codes it stands for."""
    rules = infralint_json(command, ["rules", "--format", "json"])
    return {
        rule["code"]: rule["peers"]["hadolint"] for rule in rules if "hadolint" in rule["peers"]
    }


def infralint_hits(
    command: list[str], files: list[str], peers: dict[str, list[str]]
) -> tuple[defaultdict[Pair, Lines], set[str]]:
    """Lines per pair, and the files infralint could not parse. A finding counts for every
    hadolint code its rule maps to, unless its `peer` names the one it stands for."""
    hits: defaultdict[Pair, Lines] = defaultdict(new_lines)
    unparsed: set[str] = set()
    # --no-config: a stray config file must not change what is compared
    check = ["check", "--format", "json", "--exit-zero", "--no-cache", "--no-config"]
    for start in range(0, len(files), CHUNK):
        report = infralint_json(command, [*check, "--select", "ALL", *files[start : start + CHUNK]])
        for finding in report["findings"]:
            code, path = finding["code"], absolute(finding["path"], Path.cwd())
            if code == INFRALINT_PARSE_ERROR:
                unparsed.add(path)
            dls = peers.get(code, [])
            if finding.get("peer") in dls:
                dls = [finding["peer"]]
            for dl in dls:
                hits[dl, code][path].append(finding["line"])
    return hits, unparsed


def compare(
    peers: dict[str, list[str]],
    theirs: defaultdict[str, Lines],
    ours: defaultdict[Pair, Lines],
    files: set[str],
) -> list[Row]:
    rows = []
    for code, dls in peers.items():
        for dl in dls:
            h, i = set(theirs[dl]) & files, set(ours[dl, code]) & files
            rows.append(Row(dl, code, sorted(h & i), sorted(h - i), sorted(i - h)))
    return sorted(rows, key=lambda row: (row.hadolint, row.infralint))


def details(
    code: str, rows: list[Row], theirs: defaultdict[str, Lines], ours: defaultdict[Pair, Lines]
) -> dict[str, dict[str, dict[str, list[int]]]]:
    """ "DLxxxx/DFyyy" -> side -> path -> lines, for each pair CODE belongs to."""
    return {
        f"{row.hadolint}/{row.infralint}": {
            "only_hadolint": {p: theirs[row.hadolint][p] for p in row.only_hadolint},
            "only_infralint": {p: ours[row.hadolint, row.infralint][p] for p in row.only_infralint},
        }
        for row in rows
        if code in (row.hadolint, row.infralint)
    }


def print_text(summary: dict[str, Any], corpus: Path) -> None:
    def rel(path: str) -> str:
        return os.path.relpath(path, corpus)

    failed, unparsed = summary["hadolint_parse_failures"], summary["infralint_parse_errors"]
    print(f"{summary['files']} Dockerfiles under {corpus}, {len(failed)} unparsed by hadolint\n")
    table = "{:<9} {:<9} {:>6} {:>14} {:>15}"
    print(table.format("hadolint", "infralint", "both", "only hadolint", "only infralint"))
    for row in summary["pairs"]:
        print(table.format(row["hadolint"], row["infralint"], *(row[side] for side in SIDES)))
    print("\nhadolint codes with no infralint rule: findings, files")
    for code, counts in summary["unmapped_hadolint_codes"].items():
        print(f"  {code:<8} {counts['findings']:>6} {counts['files']:>6}")
    print(f"\nfiles hadolint could not parse (left out of the table): {len(failed)}")
    for path, error in failed.items():
        print(f"  {rel(path)}: {error.splitlines()[0] if error else ''}")
    print(f"\nfiles with infralint {INFRALINT_PARSE_ERROR}: {len(unparsed)}")
    for path in unparsed:
        print(f"  {rel(path)}")
    for code, pairs in summary["details"].items():
        for pair, sides in pairs.items():
            for side, found in sides.items():
                print(f"\n{code}: {pair} {side.replace('_', ' ')} in {len(found)} files")
                for path, lines in found.items():
                    print(f"  {rel(path)}:{','.join(map(str, sorted(lines)))}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    default_corpus = os.environ.get("CORPUS_OUT_DIR", "/work/corpus")
    parser.add_argument("--corpus", type=Path, default=Path(default_corpus), metavar="DIR")
    parser.add_argument("--limit", type=int, metavar="N", help="first N Dockerfiles of MANIFEST")
    parser.add_argument(
        "--hadolint-cache", type=Path, metavar="FILE", help="jsonl of hadolint results"
    )
    parser.add_argument("--infralint", default="infralint", metavar="CMD")
    parser.add_argument("--jobs", type=int, default=2, help="hadolint processes at once")
    parser.add_argument(
        "--details",
        action="append",
        default=[],
        metavar="CODE",
        help="list the files where only one tool fires (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)

    corpus = args.corpus.resolve()
    files = manifest_dockerfiles(corpus, args.limit)
    results = hadolint_results(files, args.hadolint_cache, args.jobs)
    command = shlex.split(args.infralint)
    peers = hadolint_peers(command)
    theirs = hadolint_hits(results)
    ours, unparsed = infralint_hits(command, files, peers)

    failed = {path: record["error"] or "" for path, record in results.items() if not record["ok"]}
    rows = compare(peers, theirs, ours, set(files) - set(failed))
    mapped = {dl for dls in peers.values() for dl in dls} | {HADOLINT_PARSE_ERROR}
    counts = Counter({code: sum(map(len, lines.values())) for code, lines in theirs.items()})
    summary = {
        "corpus": str(corpus),
        "files": len(files),
        "pairs": [
            {"hadolint": row.hadolint, "infralint": row.infralint}
            | {side: len(getattr(row, side)) for side in SIDES}
            for row in rows
        ],
        "unmapped_hadolint_codes": {
            code: {"findings": count, "files": len(theirs[code])}
            for code, count in counts.most_common()
            if code not in mapped
        },
        "hadolint_parse_failures": failed,
        "infralint_parse_errors": sorted(unparsed),
        "details": {code: details(code, rows, theirs, ours) for code in args.details},
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_text(summary, corpus)


if __name__ == "__main__":
    main()
