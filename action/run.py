"""The Action's check step: run `infralint check`, then report what it found to the workflow.

Every input arrives in an `INPUT_*` environment variable set by action.yml (never in the text of
a shell command), and becomes one argument of the command: a workflow input cannot inject shell
or extra options. The step itself always succeeds so that the SARIF upload still runs; the
action's last step fails the job with infralint's exit code.

Writes to $GITHUB_OUTPUT: `sarif-file` (absolute path), `sarif-written` (true/false), `findings`
(results not suppressed), `exit-code`; appends a table of findings per rule to
$GITHUB_STEP_SUMMARY. Standard library only: it runs on whichever infralint was installed.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

FORMATS = ("text", "json", "sarif", "github", "gitlab", "checkstyle", "junit")
LEVELS = ("error", "warning", "note")


def command_value(text: str) -> str:
    """`text` as the value of a workflow command (`::error::...`): one line, nothing special."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def env(name: str) -> str:
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip()


def words(value: str) -> list[str]:
    """Whitespace-, comma- or newline-separated items; quotes keep a path with spaces whole."""
    return [item for word in shlex.split(value) for item in word.split(",") if item]


def command(sarif_file: Path) -> list[str]:
    """The `infralint check` argument vector the inputs ask for."""
    args = [sys.executable, "-m", "infralint", "check"]
    for option, name in (
        ("--config", "config"),
        ("--fail-on", "fail-on"),
        ("--min-severity", "min-severity"),
        ("--baseline", "baseline"),
    ):
        if env(name):
            args.append(f"{option}={env(name)}")  # one word: a value never reads as an option
    for option, name in (("--select", "select"), ("--ignore", "ignore")):
        if env(name):
            args.append(f"{option}={','.join(words(env(name)))}")
    formats = words(env("format")) or ["github"]
    for item in formats:
        if item.split(":", 1)[0] not in FORMATS:
            raise ValueError(f"format: {item!r} is not one of {', '.join(FORMATS)}[:FILE]")
    for item in [*formats, f"sarif:{sarif_file}"]:
        args += ["-f", item]  # checked above: never a word that reads as an option
    args += ["--", *(words(env("paths")) or ["."])]
    return args


def results(sarif: dict[str, Any]) -> list[dict[str, Any]]:
    """The results that are findings (a baseline's or a suppression's are listed as suppressed)."""
    found = []
    for run in sarif.get("runs", []):
        found.extend(r for r in run.get("results", []) if not r.get("suppressions"))
    return found


def rules(sarif: dict[str, Any]) -> dict[str, dict[str, Any]]:
    described: dict[str, dict[str, Any]] = {}
    for run in sarif.get("runs", []):
        for rule in run.get("tool", {}).get("driver", {}).get("rules", []):
            described[rule["id"]] = rule
    return described


def cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def summary(sarif: dict[str, Any] | None, exit_code: int) -> str:
    if sarif is None:
        return f"### infralint\n\ninfralint stopped with exit code {exit_code}: see the log.\n"
    found = results(sarif)
    if not found:
        return "### infralint\n\nNo findings.\n"
    described = rules(sarif)
    per_rule = Counter(result.get("ruleId", "?") for result in found)
    lines = [
        "### infralint",
        "",
        f"{len(found)} finding{'s' * (len(found) != 1)} of {len(per_rule)} "
        f"rule{'s' * (len(per_rule) != 1)}.",
        "",
        "| rule | name | level | findings |",
        "|---|---|---|---:|",
    ]
    for code, count in sorted(per_rule.items(), key=lambda item: (-item[1], item[0])):
        rule = described.get(code, {})
        default = rule.get("defaultConfiguration", {}).get("level", "warning")
        # The level the results carry (a config may change a rule's severity), the worst first.
        levels = {result.get("level", default) for result in found if result.get("ruleId") == code}
        level = next((name for name in LEVELS if name in levels), default)
        link = f"[{cell(code)}]({rule['helpUri']})" if rule.get("helpUri") else cell(code)
        lines.append(f"| {link} | {cell(rule.get('name', ''))} | {level} | {count} |")
    return "\n".join(lines) + "\n"


def write_outputs(values: dict[str, str]) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as output:
        for name, value in values.items():
            delimiter = f"infralint_{secrets.token_hex(8)}"  # a value cannot end the block
            output.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def append_summary(text: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as output:
            output.write(text)


def main() -> int:
    sarif_file = Path(env("sarif-file") or "infralint.sarif").absolute()
    sarif_file.unlink(missing_ok=True)  # never upload a stale log from an earlier step
    sarif_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        args = command(sarif_file)
    except ValueError as error:
        print(f"::error title=infralint action::{command_value(str(error))}")
        exit_code = 2
    else:
        # One line whatever the inputs hold: a newline could start a workflow command.
        print(command_value("infralint " + shlex.join(args[4:])), flush=True)
        exit_code = subprocess.run(args, check=False).returncode
    sarif = None
    if sarif_file.is_file():
        try:
            sarif = json.loads(sarif_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            message = command_value(f"cannot read {sarif_file}: {error}")
            print(f"::warning title=infralint action::{message}")
    write_outputs(
        {
            "sarif-file": str(sarif_file),
            "sarif-written": "true" if sarif is not None else "false",
            "findings": str(len(results(sarif))) if sarif is not None else "0",
            "exit-code": str(exit_code),
        }
    )
    append_summary(summary(sarif, exit_code))
    return 0


if __name__ == "__main__":
    sys.exit(main())
