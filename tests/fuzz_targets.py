"""Fuzz targets: each parser, fed arbitrary text, may only raise our own ParseError.

Shared by tests/test_fuzz.py (a small hypothesis budget in CI) and benchmarks/fuzz.py (long
on-demand runs).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from infralint.model import ParseError
from infralint.source import SourceFile

REPO = Path(__file__).resolve().parent.parent


def _source(text: str, name: str, language: str) -> SourceFile:
    return SourceFile(Path("/fuzz") / name, name, text, language)


def _dockerfile(text: str) -> None:
    from infralint.parsers import dockerfile

    document = dockerfile.parse(_source(text, "Dockerfile", "dockerfile"))
    for instruction in document.instructions:
        instruction.scripts()
    for stage in document.stages:
        stage.env()


def _shell(text: str) -> None:
    from infralint.parsers import commands, shell

    script = shell.parse_shell(text)
    for command in script.commands:
        commands.unwrap(command)


def _compose(text: str) -> None:
    from infralint.parsers import compose

    compose.parse(_source(text, "compose.yaml", "compose"))


def _chef(text: str) -> None:
    from infralint.parsers import chef

    chef.parse(_source(text, "recipes/default.rb", "chef"))


def _python(text: str) -> None:
    from infralint.parsers import python

    python.parse(_source(text, "app.py", "python"))


TARGETS: dict[str, Callable[[str], None]] = {
    "dockerfile": _dockerfile,
    "shell": _shell,
    "compose": _compose,
    "chef": _chef,
    "python": _python,
}
SEED_GLOBS = {
    "dockerfile": ["fixtures/**/Dockerfile*"],
    "shell": ["fixtures/**/*.sh"],
    "compose": ["fixtures/**/*compose*.y*ml"],
    "chef": ["fixtures/**/*.rb"],
    "python": ["fixtures/**/*.py"],
}
FALLBACK_SEEDS = {
    "dockerfile": 'FROM alpine:3.20 AS b\nRUN <<EOF\napk add curl\nEOF\nCMD ["sh"]\n',
    "shell": "apt-get update && apt-get install -y curl | tee x > /dev/null 2>&1 &\n",
    "compose": "services:\n  web:\n    image: nginx:1.27\n    ports: ['80:80']\n",
    "chef": "package 'x' do\n  action :upgrade\n  not_if { true }\nend\n",
    "python": "import logging\nlogging.FileHandler('/var/log/x.log')\n",
}


def seeds(target: str) -> list[str]:
    found = [FALLBACK_SEEDS[target]]
    for pattern in SEED_GLOBS[target]:
        found.extend(
            path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(REPO.glob(pattern))
            if path.is_file()
        )
    return found


def mutate(text: str, rng: random.Random) -> str:
    """Insert, delete, duplicate or swap pieces, and sprinkle the characters parsers fear."""
    specials = [
        "\\",
        "\n",
        "'",
        '"',
        "`",
        "$(",
        "${",
        "<<",
        "EOF",
        "[",
        "{",
        "#",
        "*",
        "&",
        ":",
        "- ",
        "\t",
        "\r",
        "\x00",
        "é",
        "%w(",
        "do",
        "end",
        "\\\n",
    ]
    chars = list(text)
    for _ in range(rng.randint(1, 8)):
        position = rng.randint(0, len(chars))
        operation = rng.random()
        if operation < 0.4:
            chars[position:position] = list(rng.choice(specials))
        elif operation < 0.6 and chars:
            del chars[position : position + rng.randint(1, 20)]
        elif operation < 0.8 and chars:
            piece = chars[position : position + rng.randint(1, 40)]
            chars[rng.randint(0, len(chars)) : 0] = piece
        else:
            chars[position:position] = [
                chr(rng.randint(0, 0x2FF)) for _ in range(rng.randint(1, 5))
            ]
    return "".join(chars)


def run_one(target: str, text: str) -> BaseException | None:
    """None when the parser behaved (returned, or raised ParseError); else the exception."""
    try:
        TARGETS[target](text)
    except ParseError:
        return None
    except Exception as error:  # anything else is a bug
        return error
    return None
