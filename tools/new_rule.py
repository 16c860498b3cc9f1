"""Scaffold a rule: its document, a check stub and a fixture.

python tools/new_rule.py DF599 my-rule-name [--severity warning] [--off]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LANGUAGE = {"DF": "dockerfile", "DC": "compose", "CB": "chef", "PY": "python"}
FENCE = {"dockerfile": "dockerfile", "compose": "yaml", "chef": "ruby", "python": "python"}
FIXTURE = {
    "dockerfile": "Dockerfile",
    "compose": "compose.yaml",
    "chef": "recipes/default.rb",
    "python": "app.py",
}
CHECK_MODULE = {
    "dockerfile": "dockerfile",
    "compose": "compose",
    "chef": "chef",
    "python": "python",
}
TAGS = {
    "1": "reproducibility",
    "2": "imperative-drift",
    "3": "logging-process",
    "4": "security",
    "5": "correctness",
}

DOCUMENT = """---
code: {code}
name: {name}
language: {language}
severity: {severity}
enabled: {enabled}
summary: TODO one line saying what is flagged
tags: [{tag}]
fix: none
precision: high
since: 0.1.0
---

# {code} {name}

## Why is this bad?

TODO

## Examples

```{fence}
# expect: {code}
TODO a construct that is flagged
```

```{fence}
TODO a construct that is fine
```

## How to fix

TODO

## References

- TODO
"""

CHECK = '''

@check("{code}")
def {function}(document: Any, ctx: CheckContext) -> Iterator[Violation]:
    """TODO: what {code} flags."""
    yield from ()
'''


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("code")
    parser.add_argument("name")
    parser.add_argument("--severity", default="warning", choices=["error", "warning", "note"])
    parser.add_argument("--off", action="store_true", help="off by default (strict preset)")
    args = parser.parse_args(argv)
    code, name = args.code.upper(), args.name
    language = LANGUAGE.get(code[:2])
    if language is None or not code[2:].isdigit() or len(code) != 5:
        parser.error("code must look like DF599, DC599, CB599 or PY599")
    document = REPO / "rules" / f"{code}.md"
    if document.exists():
        parser.error(f"{document} exists already")
    document.write_text(
        DOCUMENT.format(
            code=code,
            name=name,
            language=language,
            severity=args.severity,
            enabled="false" if args.off else "true",
            tag=TAGS.get(code[2], "correctness"),
            fence=FENCE[language],
        ),
        encoding="utf-8",
    )
    module = REPO / "infralint" / "checks" / f"{CHECK_MODULE[language]}.py"
    with module.open("a", encoding="utf-8") as handle:
        handle.write(CHECK.format(code=code, function=name.replace("-", "_")))
    fixture = REPO / "fixtures" / "rules" / code / FIXTURE[language]
    fixture.parent.mkdir(parents=True, exist_ok=True)
    fixture.write_text(f"# TODO: a larger sample that {code} must flag\n", encoding="utf-8")
    for path in (document, module, fixture):
        print(f"wrote {path.relative_to(REPO)}")
    print(
        "next: write the examples, implement the check, run "
        f"`python -m pytest tests/test_rule_examples.py -k {code}`"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
