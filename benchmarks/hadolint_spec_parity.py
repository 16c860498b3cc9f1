#!/usr/bin/env python3
"""Agreement with hadolint's own rule specs, on the rules infralint maps to hadolint codes.

    python benchmarks/hadolint_spec_parity.py PATH/TO/hadolint [--details DL3013] [--json]

PATH is a checkout of github.com/hadolint/hadolint. Its `test/Hadolint/Rule/*Spec.hs` files are
read at run time (nothing of them is stored here): every `ruleCatches`, `ruleCatchesNot`,
`onBuildRuleCatches` and `onBuildRuleCatchesNot` call whose Dockerfile is a string literal, a
list given to `Text.unlines`, a `<>` concatenation of those, or a `let` name bound to one in the
same `it` block is a case: a Dockerfile and whether the rule fires. The onBuild variants wrap
each RUN in ONBUILD, as hadolint's test helper does; a snippet without FROM gets `FROM scratch`
in front (see as_dockerfile). Cases under a non-default `?config` (they
test hadolint options) and calls whose Dockerfile is built otherwise are counted as skipped.

Each case is linted once, all in one `infralint check` run, with every infralint rule that
names the hadolint code under `peers` selected (also rules that are off by default); a case
agrees when a mapped rule fires exactly when hadolint's spec says it should. Printed: agreement
per hadolint code, and overall. Standard library only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CALLS = ("onBuildRuleCatchesNot", "onBuildRuleCatches", "ruleCatchesNot", "ruleCatches")
_TOKEN = re.compile(
    r'"(?:[^"\\]|\\(?:\s+\\|.))*"'  # a string literal, with escapes and gaps
    r"|--[^\n]*"  # a comment
    r"|<>|[\[\](),$]"
    r"|[A-Za-z_][\w.']*"
    r"|\S",
    re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "r": "\r", "&": ""}


@dataclass(frozen=True)
class Case:
    code: str  # hadolint code
    dockerfile: str
    fires: bool
    onbuild: bool
    where: str  # spec file and line


# --------------------------------------------------------------------------- reading the specs


def _string(literal: str) -> str:
    body = literal[1:-1]
    out = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        following = body[i + 1] if i + 1 < len(body) else ""
        if following.isspace():  # a string gap: backslash, white space, backslash
            end = body.index("\\", i + 1)
            i = end + 1
            continue
        if following.isdigit():
            digits = re.match(r"\d+", body[i + 1 :])
            assert digits is not None
            out.append(chr(int(digits.group(0))))
            i += 1 + len(digits.group(0))
            continue
        out.append(_ESCAPES.get(following, following))
        i += 2
    return "".join(out)


class _Parser:
    """A Haskell-expression subset: strings, lists of strings, `Text.unlines`, `<>`, `$`,
    parentheses and names bound with `let` earlier in the same block."""

    def __init__(self, tokens: list[str], bindings: dict[str, list[str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.bindings = bindings

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expression(self) -> str | list[str] | None:
        value = self.term()
        while value is not None and self.peek() == "<>":
            self.take()
            other = self.term()
            if not isinstance(value, str) or not isinstance(other, str):
                return None
            value += other
        return value

    def term(self) -> str | list[str] | None:
        token = self.peek()
        if token is None:
            return None
        if token == "$":
            self.take()
            return self.expression()
        if token.startswith('"'):
            return _string(self.take())
        if token == "(":
            self.take()
            value = self.expression()
            if self.peek() != ")":
                return None
            self.take()
            return value
        if token == "[":
            return self.string_list()
        if token in ("Text.unlines", "unlines", "T.unlines"):
            self.take()
            items = self.term()
            return "".join(f"{item}\n" for item in items) if isinstance(items, list) else None
        if token in ("Text.intercalate", "T.intercalate"):
            self.take()
            separator, items = self.term(), self.term()
            if isinstance(separator, str) and isinstance(items, list):
                return separator.join(items)
            return None
        if re.fullmatch(r"[a-z_][\w']*", token) and token in self.bindings:
            self.take()
            return _Parser(self.bindings[token], {}).expression()
        return None

    def string_list(self) -> list[str] | None:
        self.take()  # [
        items: list[str] = []
        while True:
            token = self.peek()
            if token == "]":
                self.take()
                return items
            if token is None or not token.startswith('"'):
                return None
            items.append(_string(self.take()))
            if self.peek() == ",":
                self.take()


def _blocks(text: str) -> list[tuple[int, str]]:
    """The `it "…"` blocks of a spec with their first line."""
    starts = [m.start() for m in re.finditer(r"^\s*it\s+\"", text, re.MULTILINE)]
    bounds = [*starts, len(text)]
    return [(text.count("\n", 0, a) + 1, text[a:b]) for a, b in itertools.pairwise(bounds)]


def _bindings(tokens: list[str]) -> dict[str, list[str]]:
    """`let name = <tokens up to `in` or the next let>` inside a block."""
    found: dict[str, list[str]] = {}
    for index, token in enumerate(tokens):
        if token == "let" and index + 2 < len(tokens) and tokens[index + 2] == "=":
            end = index + 3
            while end < len(tokens) and tokens[end] not in ("in", "let", *CALLS):
                end += 1
            found[tokens[index + 1]] = tokens[index + 3 : end]
    return found


def read_cases(spec: Path) -> tuple[list[Case], int]:
    """The cases of one spec file, and how many calls were skipped."""
    text = spec.read_text(encoding="utf-8")
    cases: list[Case] = []
    skipped = 0
    for first_line, block in _blocks(text):
        tokens = [t for t in _TOKEN.findall(block) if not t.startswith("--")]
        calls = sum(tokens.count(call) for call in CALLS)
        if re.search(r"\?config\s*=\s*def\s*\{", block) or "?config = " in block:
            skipped += calls  # tests a hadolint option
            continue
        bindings = _bindings(tokens)
        for index, token in enumerate(tokens):
            if token not in CALLS or index + 1 >= len(tokens):
                continue
            code = tokens[index + 1]
            if not re.fullmatch(r'"DL\d{4}"', code):
                skipped += 1
                continue
            parser = _Parser(tokens[index + 2 :], bindings)
            value = parser.expression()
            if not isinstance(value, str):
                skipped += 1
                continue
            cases.append(
                Case(
                    code=code.strip('"'),
                    dockerfile=value,
                    fires=not token.endswith("Not"),
                    onbuild=token.startswith("onBuild"),
                    where=f"{spec.name}:{first_line}",
                )
            )
    return cases, skipped


def as_dockerfile(case: Case) -> str:
    """The case as a file: RUNs wrapped for the onBuild variants, and a `FROM scratch` in front
    of a snippet with no FROM at all (hadolint lints bare instruction lists; BuildKit rejects a
    file without FROM, and infralint judges stage rules only inside a stage)."""
    text = onbuild(case.dockerfile) if case.onbuild else case.dockerfile
    if not re.search(r"^\s*FROM\b", text, re.MULTILINE | re.IGNORECASE):
        text = "FROM scratch\n" + text
    return text if text.endswith("\n") else text + "\n"


def onbuild(dockerfile: str) -> str:
    """Each RUN instruction wrapped in ONBUILD, as hadolint's `assertOnBuildChecks` does."""
    return re.sub(r"^(\s*)RUN\b", r"\1ONBUILD RUN", dockerfile, flags=re.MULTILINE | re.IGNORECASE)


# --------------------------------------------------------------------------- running infralint


def infralint_json(command: list[str], args: list[str]) -> Any:
    proc = subprocess.run([*command, *args], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"infralint {' '.join(args[:2])} failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


def mapped_rules(command: list[str]) -> dict[str, list[str]]:
    """hadolint code -> the infralint rules that name it."""
    peers: dict[str, list[str]] = defaultdict(list)
    for rule in infralint_json(command, ["rules", "--format", "json"]):
        for code in rule["peers"].get("hadolint", []):
            peers[code].append(rule["code"])
    return dict(peers)


def fired(command: list[str], cases: list[Case], peers: dict[str, list[str]]) -> list[bool]:
    """For each case, whether a rule mapped to its hadolint code fired."""
    select = sorted({code for case in cases for code in peers[case.code]})
    with tempfile.TemporaryDirectory() as directory:
        paths = []
        for index, case in enumerate(cases):
            path = Path(directory) / f"case{index:05d}.Dockerfile"
            path.write_text(as_dockerfile(case), encoding="utf-8")
            paths.append(path)
        args = ["check", "--format", "json", "--exit-zero", "--no-cache", "--no-config"]
        report = infralint_json(command, [*args, "--select", ",".join(select), directory])
    hits: defaultdict[str, set[str]] = defaultdict(set)
    for finding in report["findings"]:
        peer = finding.get("peer")
        hits[Path(finding["path"]).name].add(f"{finding['code']}:{peer or ''}")
    result = []
    for path, case in zip(paths, cases, strict=True):
        found = hits.get(path.name, set())
        result.append(
            any(
                entry.split(":")[0] in peers[case.code] and entry.split(":")[1] in ("", case.code)
                for entry in found
            )
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hadolint", type=Path, help="a checkout of hadolint/hadolint")
    parser.add_argument("--details", action="append", default=[], metavar="DLxxxx")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--infralint", default=f"{sys.executable} -m infralint")
    args = parser.parse_args()
    command = args.infralint.split()
    specs = sorted((args.hadolint / "test" / "Hadolint" / "Rule").glob("DL*Spec.hs"))
    if not specs:
        sys.exit(f"no test/Hadolint/Rule/DL*Spec.hs under {args.hadolint}")
    peers = mapped_rules(command)
    cases: list[Case] = []
    skipped: Counter[str] = Counter()
    for spec in specs:
        found, not_read = read_cases(spec)
        code = spec.name.removesuffix("Spec.hs")
        skipped[code] += not_read
        cases.extend(found)
    unmapped = Counter(case.code for case in cases if case.code not in peers)
    mapped = [case for case in cases if case.code in peers]
    results = fired(command, mapped, peers)
    per_code: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    disagreements: defaultdict[str, list[str]] = defaultdict(list)
    for case, fires in zip(mapped, results, strict=True):
        per_code[case.code][1] += 1
        if fires == case.fires:
            per_code[case.code][0] += 1
        else:
            expected = "fires" if case.fires else "silent"
            variant = " (ONBUILD)" if case.onbuild else ""
            disagreements[case.code].append(
                f"{case.where}{variant}: hadolint {expected}: {case.dockerfile!r}"
            )
    agree = sum(a for a, _ in per_code.values())
    total = sum(t for _, t in per_code.values())
    summary = {
        "cases": len(cases),
        "mapped_cases": total,
        "agree": agree,
        "agreement": round(agree / total, 4) if total else None,
        "per_code": {code: {"agree": a, "cases": t} for code, (a, t) in sorted(per_code.items())},
        "skipped_calls": {code: n for code, n in sorted(skipped.items()) if n},
        "unmapped_cases": dict(sorted(unmapped.items())),
        "details": {code: disagreements[code] for code in args.details},
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"{'hadolint':<9} {'infralint':<18} {'agree':>6} {'cases':>6}")
    for code, (a, t) in sorted(per_code.items()):
        mark = "" if a == t else "  <"
        print(f"{code:<9} {','.join(peers[code]):<18} {a:>6} {t:>6}{mark}")
    print(f"\noverall: {agree}/{total} = {agree / total:.1%} on mapped rules" if total else "")
    not_read = sum(skipped.values())
    print(f"cases read: {len(cases)}; calls skipped (options or unreadable): {not_read}")
    print(f"cases of hadolint codes no infralint rule maps: {sum(unmapped.values())}")
    for code in args.details:
        print(f"\n{code}: {len(disagreements[code])} disagreements")
        for line in disagreements[code]:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
