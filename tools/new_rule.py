"""Scaffold a rule: its document and its check module, which pass the suite as written.

python tools/new_rule.py DF599 my-rule-name --language dockerfile [--severity warning] [--off]

The check it writes flags lines containing FIXME, so that the document's examples pass from the
start; replace both with the real thing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script from a checkout: the infralint beside it

from infralint.catalog import CONCERNS  # noqa: E402
from infralint.languages import BY_PREFIX, FILE_LANGUAGES, Language  # noqa: E402

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
{flagged}
```

```{fence}
{clean}
```

## How to fix

TODO

## References

- TODO
"""

# Per language: a flagged example (its `# expect:` line names the code and a fragment of the
# message) and a clean one.
EXAMPLES = {
    "dockerfile": (
        'FROM alpine:3.20\n# expect: {code} "still here"\nRUN echo FIXME',
        "FROM alpine:3.20\nRUN echo done",
    ),
    "compose": (
        'services:\n  app:\n    image: alpine:3.20\n    # expect: {code} "still here"\n'
        "    command: echo FIXME",
        "services:\n  app:\n    image: alpine:3.20\n    command: echo done",
    ),
    "chef": ("# expect: {code} \"still here\"\nlog 'FIXME'", "log 'done'"),
    "python": ("# expect: {code} \"still here\"\nprint('FIXME')", "print('done')"),
}

CHECK = '''"""{code} {name}: TODO say what is flagged (see rules/{code}.md)."""

from __future__ import annotations

from collections.abc import Iterator

from infralint.model import Span, Violation
from {parser} import {document}
from infralint.registry import CheckContext, check

MARKER = "FIXME"


@check("{code}")
def {function}(
    document: {document},
    context: CheckContext,
) -> Iterator[Violation]:
    """TODO: what {code} flags. (The stub flags each line containing FIXME.)"""
    for number, line in enumerate(document.source.lines, 1):
        column = line.find(MARKER)
        if column >= 0:
            span = Span(number, column + 1, number, column + 1 + len(MARKER))
            yield Violation(span, f"{{MARKER!r}} is still here")
'''


def check_module_text(code: str, name: str, language: Language) -> str:
    return CHECK.format(
        code=code,
        name=name,
        parser=language.parser,
        document=language.document,
        function=name.replace("-", "_"),
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("code")
    parser.add_argument("name")
    names = [language.name for language in FILE_LANGUAGES]
    parser.add_argument("--language", choices=names, help="default: from the code's prefix")
    parser.add_argument("--severity", default="warning", choices=["error", "warning", "note"])
    parser.add_argument("--off", action="store_true", help="off by default (strict preset)")
    args = parser.parse_args(argv)
    code, name = args.code.upper(), args.name
    language = BY_PREFIX.get(code[:2])
    if language is None or language.parser is None or not code[2:].isdigit() or len(code) != 5:
        prefixes = ", ".join(f"{lang.code_prefix}599" for lang in FILE_LANGUAGES)
        parser.error(f"code must look like {prefixes}")
    if args.language is not None and args.language != language.name:
        parser.error(f"{code} is a {language.name} code, not {args.language}")
    package = REPO / "infralint" / "checks" / language.name
    if not (package / "__init__.py").is_file():
        parser.error(f"{package.relative_to(REPO)} is not a package of one module per rule yet")
    document = REPO / "rules" / f"{code}.md"
    module = package / f"{code.lower()}.py"
    for path in (document, module):
        if path.exists():
            parser.error(f"{path.relative_to(REPO)} exists already")
    flagged, clean = EXAMPLES[language.name]
    document.write_text(
        DOCUMENT.format(
            code=code,
            name=name,
            language=language.name,
            severity=args.severity,
            enabled="false" if args.off else "true",
            tag=CONCERNS.get(code[2], "correctness"),
            fence=language.fence,
            flagged=flagged.format(code=code),
            clean=clean,
        ),
        encoding="utf-8",
    )
    module.write_text(check_module_text(code, name, language), encoding="utf-8")
    for path in (document, module):
        print(f"wrote {path.relative_to(REPO)}")
    print(
        "next: write the examples, implement the check, run "
        f"`python -m pytest tests/test_rule_examples.py -k {code}`"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
