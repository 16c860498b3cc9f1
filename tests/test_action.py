"""The GitHub Action (action.yml) and the repository's workflows.

Static: actionlint passes on every workflow (and on README's workflow snippets), every `uses:` is
pinned by a full commit SHA, no `${{ }}` expression is interpolated into a `run:` script, every
input is documented and used. Dynamic: the action's shell steps run locally against fixtures
with a simulated runner (tests/github_actions.py) and their outputs, step summary and SARIF are
checked.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.github_actions import (
    REPO,
    actionlint,
    load_yaml,
    parse_output_file,
    python_for_action,
    run_action,
)

ACTION = load_yaml(REPO / "action.yml")
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
CHECK_SARIF = REPO.parent / "shared" / "tools" / "check_sarif.py"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def steps_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in document:
        return list(document["runs"]["steps"])
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def all_steps() -> list[tuple[str, dict[str, Any]]]:
    found = [("action.yml", step) for step in steps_of(ACTION)]
    for path in WORKFLOWS:
        found += [(path.name, step) for step in steps_of(load_yaml(path))]
    return found


def test_there_are_workflows() -> None:
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "release.yml"}


def test_actionlint_passes_on_every_workflow() -> None:
    errors = actionlint(WORKFLOWS)
    assert errors == [], json.dumps(errors, indent=2)


def test_actionlint_finds_what_it_should(tmp_path: Path) -> None:
    # The harness is live: an injectable expression in a run: script is reported.
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n",
        encoding="utf-8",
    )
    assert [error["kind"] for error in actionlint([bad])] == ["expression"]


def test_every_action_is_pinned_by_commit_sha() -> None:
    # `uses: ./` (ci.yml tests this checkout's own action) is the only exception.
    used = [(w, step["uses"]) for w, step in all_steps() if step.get("uses", "./") != "./"]
    assert used
    unpinned = [(where, uses) for where, uses in used if not PINNED.match(uses)]
    assert not unpinned, unpinned
    # The tag each SHA stands for is written beside it, for humans and update tools.
    for path in [REPO / "action.yml", *WORKFLOWS]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"\buses: (?!\./)", line):
                assert re.search(r"@[0-9a-f]{40}\s+# v\d", line), f"{path.name}: {line.strip()}"


def test_no_expression_is_interpolated_into_shell() -> None:
    for where, step in all_steps():
        if "run" in step:
            assert "${{" not in step["run"], f"{where}: {step.get('name')}: {step['run']}"


def test_inputs_are_documented_and_used() -> None:
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    interfaces = (REPO / "docs" / "interfaces.md").read_text(encoding="utf-8")
    contract = interfaces[interfaces.index("## GitHub Action") :]
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description"), name
        assert re.search(rf"inputs\.{name}(?![\w-])", text), f"input {name} is never used"
        assert f"`{name}`" in readme, f"README does not document the input {name}"
        assert f"`{name}`" in contract, f"docs/interfaces.md does not list the input {name}"
    for name, spec in ACTION["outputs"].items():
        assert spec.get("description"), name
        assert f"`{name}`" in readme, f"README does not document the output {name}"
        assert f"`{name}`" in contract, f"docs/interfaces.md does not list the output {name}"


def test_the_issue_s_inputs_exist() -> None:
    expected = {
        "paths", "config", "select", "ignore", "fail-on", "min-severity", "baseline", "format",
        "sarif-file", "category", "upload-sarif", "working-directory", "version", "extras",
    }  # fmt: skip
    assert expected <= set(ACTION["inputs"])
    assert set(ACTION["outputs"]) == {"sarif-file", "findings", "exit-code"}


def test_inputs_reach_the_shell_only_through_the_environment() -> None:
    for step in steps_of(ACTION):
        for value in step.get("env", {}).values():
            assert re.fullmatch(r"\$\{\{ [\w.-]+ \}\}", str(value)), value


# --------------------------------------------------------------------------- local runs


def workspace_with(tmp_path: Path, files: dict[str, str]) -> Path:
    workspace = tmp_path / "workspace"
    for name, text in files.items():
        path = workspace / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    return workspace


BAD = {
    "app/Dockerfile": "FROM python\nRUN pip install flask\nUSER app\n",
    "compose.yaml": "services:\n  web:\n    image: nginx:1.27.3\n    privileged: true\n",
}
CLEAN = {"app/Dockerfile": 'FROM nginx:1.27.3\nUSER nginx\nCMD ["nginx", "-g", "daemon off;"]\n'}


def local_run(tmp_path: Path, files: dict[str, str], **inputs: str) -> tuple[Any, Path, Path]:
    workspace = workspace_with(tmp_path, files)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    run = run_action(REPO, workspace, temp, inputs, simulated=python_for_action())
    return run, workspace, temp


def check_sarif(path: Path) -> None:
    if not CHECK_SARIF.is_file():
        return  # ../shared is not beside this checkout; the SARIF tests say so
    done = subprocess.run(
        [sys.executable, str(CHECK_SARIF), "--strict", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_reports_findings_and_fails(tmp_path: Path) -> None:
    run, workspace, temp = local_run(tmp_path, BAD, category="infralint-test")
    outputs = run.action_outputs(ACTION)
    sarif_file = Path(outputs["sarif-file"])
    assert sarif_file == workspace / "infralint.sarif"
    sarif = json.loads(sarif_file.read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert int(outputs["findings"]) == len(results) > 0
    assert outputs["exit-code"] == "1"
    # The upload ran with the log and the category, then the last step failed the job.
    assert run.used[0][0].startswith("github/codeql-action/upload-sarif@")
    assert run.used[0][1] == {"sarif_file": str(sarif_file), "category": "infralint-test"}
    assert run.failed_step is not None and run.exit_code == 1
    # Annotations in the log (the default extra format), a table per rule in the summary.
    log = "\n".join(run.log)
    assert "::warning file=app/Dockerfile,line=1" in log, log
    summary = (temp / "step_summary.md").read_text(encoding="utf-8")
    codes = {result["ruleId"] for result in results}
    assert {"DF101", "DC401"} <= codes
    for code in codes:
        count = sum(result["ruleId"] == code for result in results)
        assert re.search(rf"^\| \[{code}\]\(https://[^)]+\) \| [\w-]+ \| \w+ \| {count} \|$",
                         summary, re.M), summary  # fmt: skip
    check_sarif(sarif_file)


def test_action_passes_on_clean_code_without_upload(tmp_path: Path) -> None:
    run, _, temp = local_run(tmp_path, CLEAN, **{"upload-sarif": "false"})
    outputs = run.action_outputs(ACTION)
    assert outputs["exit-code"] == "0"
    assert outputs["findings"] == "0"
    assert run.used == []
    assert run.failed_step is None
    assert "No findings." in (temp / "step_summary.md").read_text(encoding="utf-8")
    check_sarif(Path(outputs["sarif-file"]))


def test_action_inputs_become_options(tmp_path: Path) -> None:
    files = {**BAD, "sub/dir/Dockerfile": "FROM python\n"}
    run, workspace, _ = local_run(
        tmp_path,
        files,
        paths="app compose.yaml",
        select="DF101, DC401",
        ignore="DC401",
        **{
            "fail-on": "error",
            "format": "json:report.json text",
            "sarif-file": "out/infralint.sarif",
        },
    )
    outputs = run.action_outputs(ACTION)
    assert outputs["exit-code"] == "0"  # DF101 is a warning and fail-on is error
    assert run.failed_step is None
    report = json.loads((workspace / "report.json").read_text(encoding="utf-8"))
    assert {(f["path"], f["code"]) for f in report["findings"]} == {("app/Dockerfile", "DF101")}
    sarif_file = Path(outputs["sarif-file"])
    assert sarif_file == workspace / "out" / "infralint.sarif"
    results = json.loads(sarif_file.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [result["ruleId"] for result in results] == ["DF101"]
    assert "app/Dockerfile:1:6: DF101" in "\n".join(run.log)


def test_summary_shows_the_configured_level(tmp_path: Path) -> None:
    files = {**BAD, ".infralint.toml": '[severity]\nDF101 = "error"\n'}
    _, _, temp = local_run(tmp_path, files, **{"upload-sarif": "false"})
    summary = (temp / "step_summary.md").read_text(encoding="utf-8")
    assert re.search(
        r"^\| \[DF101\]\([^)]+\) \| base-image-untagged \| error \| 1 \|$", summary, re.M
    )


def test_working_directory_and_baseline(tmp_path: Path) -> None:
    files = {f"svc/{name}": text for name, text in BAD.items()}
    workspace = workspace_with(tmp_path, files)
    subprocess.run(
        [sys.executable, "-m", "infralint", "baseline", "create", "."],
        cwd=workspace / "svc",
        check=True,
        capture_output=True,
    )
    temp = tmp_path / "temp"
    temp.mkdir()
    inputs = {"working-directory": "svc", "baseline": ".infralint-baseline.json"}
    run = run_action(REPO, workspace, temp, inputs, simulated=python_for_action())
    outputs = run.action_outputs(ACTION)
    assert outputs["exit-code"] == "0", run.log
    assert outputs["findings"] == "0"  # every finding is in the baseline (SARIF: suppressed)
    assert Path(outputs["sarif-file"]) == workspace / "svc" / "infralint.sarif"


@pytest.mark.parametrize(
    "inputs",
    [
        {"paths": "$(touch pwned) `touch pwned`; touch pwned"},
        {"select": "DF101; touch pwned"},
        {"config": "x.toml\n--fix"},
        {"format": "text:$(touch pwned)"},
        {"select": "--fix", "fail-on": "--exit-zero"},
    ],
)
def test_inputs_cannot_inject_shell(tmp_path: Path, inputs: dict[str, str]) -> None:
    run, workspace, _ = local_run(tmp_path, BAD, **inputs)
    assert not (workspace / "pwned").exists()
    assert not list(workspace.rglob("pwned"))
    assert run.action_outputs(ACTION)["exit-code"] in {"1", "2"}
    assert run.failed_step is not None  # a bad input fails the job


def test_inputs_cannot_start_a_workflow_command(tmp_path: Path) -> None:
    run, _, _ = local_run(tmp_path, BAD, paths="'app\n::add-mask::secret'")
    lines = "\n".join(run.log).splitlines()
    assert not [line for line in lines if line.startswith("::add-mask")], lines
    assert any("%0A::add-mask::secret" in line for line in lines), lines


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    run, _, temp = local_run(tmp_path, BAD, format="html")
    assert run.action_outputs(ACTION)["exit-code"] == "2"
    assert "::error title=infralint action::format: 'html'" in "\n".join(run.log)
    assert "exit code 2" in (temp / "step_summary.md").read_text(encoding="utf-8")


def test_output_file_parser() -> None:
    text = "a=1\nb<<EOF\nline one\nx=y\nEOF\nc=\n"
    assert parse_output_file(text) == {"a": "1", "b": "line one\nx=y", "c": ""}


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"extras": "shellcheck]; touch pwned"}, "extras must be"),
        ({"version": "0.1.0 --index-url http://evil"}, "version must be"),
    ],
)
def test_install_rejects_bad_inputs(tmp_path: Path, inputs: dict[str, str], message: str) -> None:
    workspace = workspace_with(tmp_path, BAD)
    temp = tmp_path / "temp"
    temp.mkdir()
    simulated = {"python": {"python-path": sys.executable}}
    run = run_action(REPO, workspace, temp, inputs, simulated=simulated)
    assert run.failed_step == "install"
    assert message in "\n".join(run.log)
    assert not (temp / "infralint-venv").exists()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_install_step_installs_the_checkout(tmp_path: Path) -> None:
    """The real install step: a fresh virtualenv with infralint from the action's checkout."""
    workspace = workspace_with(tmp_path, BAD)
    temp = tmp_path / "temp"
    temp.mkdir()
    base = getattr(sys, "_base_executable", sys.executable)
    run = run_action(REPO, workspace, temp, {}, simulated={"python": {"python-path": base}})
    assert run.failed_step == "step-4", run.log  # the last step: findings fail the job
    python = run.outputs["install"]["python"]
    assert python.startswith(str(temp / "infralint-venv")), run.log
    assert run.action_outputs(ACTION)["exit-code"] == "1"
    assert int(run.action_outputs(ACTION)["findings"]) > 0
