"""ShellCheck on compose and Chef scripts: the text ShellCheck reads (stand-ins for compose's
and Ruby's interpolation), the way back to the file, which scripts are read at all (table tests
that need no binary), then a CLI run per language (skipped, reason shown, without the binary)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infralint.parsers import chef, compose
from infralint.shellcheck import embedded, runner, scripts
from infralint.source import SourceFile

BINARY = runner.find_binary()
needs_shellcheck = pytest.mark.skipif(
    BINARY is None,
    reason="the shellcheck binary is not installed (pip install 'infralint[shellcheck]')",
)

# (compose text, what the shell sees, the stand-ins' (start, end) in it)
COMPOSE_TEXT_CASES = [
    ("echo $$HOME", "echo $HOME", []),
    ("echo ${TAG}", "echo xxxxxx", [(5, 11)]),
    ("echo $TAG end", "echo xxxx end", [(5, 9)]),
    ("echo ${A:-${B}} x", "echo xxxxxxxxxx x", [(5, 15)]),
    # `$$` first: the shell sees `$` followed by compose's value
    ("echo $$${VAR}", "echo $xxxxxx", [(6, 12)]),
    ("a $$ b $", "a $ b $", []),  # a lone `$` is no interpolation
    ("echo $1 ${unclosed", "echo $1 ${unclosed", []),
    ("$$(ls) ${X}$$Y", "$(ls) xxxx$Y", [(6, 10)]),
]


@pytest.mark.parametrize(("text", "shell", "standins"), COMPOSE_TEXT_CASES)
def test_compose_text_is_what_the_shell_sees(
    text: str, shell: str, standins: list[tuple[int, int]]
) -> None:
    new, pieces, found = embedded.compose_text(text)
    assert (new, found) == (shell, standins)
    # Every character outside a stand-in comes from the same character of the compose text.
    for start, old, length in pieces:
        if (start, start + length) not in found:
            assert new[start : start + length] == text[old : old + length]
    assert sum(length for _, _, length in pieces) == len(new)


def test_placeholders_become_letters_of_the_same_length() -> None:
    text, standins = embedded.placeholder_standins("tar xf ${RUBY} -C '${RUBY}'")
    assert text == "tar xf xxxxxxx -C 'xxxxxxx'"
    assert standins == ((7, 14), (19, 26))


def _compose(text: str) -> compose.ComposeDocument:
    source = SourceFile(Path("/nowhere/compose.yaml"), "compose.yaml", text, "compose")
    return compose.parse(source)


def _chef(text: str) -> chef.ChefDocument:
    source = SourceFile(Path("/nowhere/recipes/default.rb"), "recipes/default.rb", text, "chef")
    return chef.parse(source)  # type: ignore[return-value]


def _file_position(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _sent_range(script: scripts.ShellScript, needle: str) -> tuple[int, int, int, int]:
    """Where ShellCheck would report `needle` in the text it reads (1-based, end exclusive)."""
    offset = script.text.index(needle)
    line = script.text.count("\n", 0, offset) + 1
    column = offset - (script.text.rfind("\n", 0, offset) + 1) + 1
    return line, column, line, column + len(needle)


# (compose file, the token ShellCheck reports, the same token as written in the file)
COMPOSE_MAPPING_CASES = [
    ('services:\n  a:\n    command: ["sh", "-c", "echo $$(ls) $$FOO"]\n', "$FOO", "$$FOO"),
    ('services:\n  a:\n    command: ["sh", "-c", "echo ${X} $$(ls)"]\n', "$(ls)", "$$(ls)"),
    (
        "services:\n  a:\n    command:\n      - bash\n      - -ec\n      - |\n"
        "        set -x\n        cd /app && echo $$PWD\n",
        "$PWD",
        "$$PWD",
    ),
    (
        "services:\n  a:\n    entrypoint: [/bin/sh, -c]\n    command:\n"
        "      - 'for f in $$(ls); do echo $$f; done'\n",
        "$(ls)",
        "$$(ls)",
    ),
    ("services:\n  a:\n    entrypoint: sh -c 'cd /x; echo $$Y'\n", "$Y", "$$Y"),
    ('services:\n  a:\n    command: bash -c "echo ${TAG} $$(date)"\n', "$(date)", "$$(date)"),
    ("services:\n  a:\n    post_start:\n      - command: [sh, -c, 'echo $$Z']\n", "$Z", "$$Z"),
    ("services:\n  a:\n    healthcheck:\n      test: [CMD-SHELL, 'curl $$U']\n", "$U", "$$U"),
    ("services:\n  a:\n    healthcheck:\n      test: curl -f $${U} || exit 1\n", "${U}", "$${U}"),
]


@pytest.mark.parametrize(("text", "sent", "written"), COMPOSE_MAPPING_CASES)
def test_compose_positions_map_back_to_the_file(text: str, sent: str, written: str) -> None:
    found = embedded.compose_file_scripts(_compose(text)).scripts
    assert len(found) == 1
    span = found[0].span(*_sent_range(found[0], sent))
    assert span is not None
    assert (span.line, span.column) == _file_position(text, written)
    assert span.end_line == span.line
    assert span.end_column == span.column + len(written)


@pytest.mark.parametrize(
    "text",
    [
        "services:\n  a:\n    command: echo $$HOME\n",  # compose runs no shell for a string
        "services:\n  a:\n    command: [echo, $$HOME]\n",
        "services:\n  a:\n    command: [python, -c, 'print(1)']\n",
        "services:\n  a:\n    command: [zsh, -c, 'echo $$HOME']\n",  # no ShellCheck dialect
        "services:\n  a:\n    command: [sh, /run.sh]\n",
        "services:\n  a:\n    healthcheck:\n      test: [CMD, curl, -f, $$URL]\n",
    ],
)
def test_compose_reads_only_what_a_shell_runs(text: str) -> None:
    assert embedded.compose_file_scripts(_compose(text)).scripts == []


def test_compose_dialect_and_environment() -> None:
    text = (
        "services:\n  a:\n    environment:\n      - name=x\n      other: 1\n"
        "    command: [/bin/bash, -c, 'echo $$name']\n"
    )
    # A sequence and a mapping cannot both be `environment`: read each form on its own.
    listed = text.replace("      other: 1\n", "")
    (script,) = embedded.compose_file_scripts(_compose(listed)).scripts
    assert script.text.startswith("# shellcheck shell=bash\nexport name=1\n")
    mapped = text.replace("      - name=x\n", "      name: x\n")
    (script,) = embedded.compose_file_scripts(_compose(mapped)).scripts
    assert "export name=1\n" in script.text
    # Docker sets HOSTNAME in every container: declared, so SC3028 stays quiet about it.
    hostname = "services:\n  a:\n    command: [sh, -c, 'echo $$HOSTNAME']\n"
    (script,) = embedded.compose_file_scripts(_compose(hostname)).scripts
    assert "export HOSTNAME=1\n" in script.text


CHEF_MAPPING_CASES = [
    ("execute 'x' do\n  command \"echo #{node['v']} $(ls) $FOO\"\nend\n", "$FOO", "$FOO"),
    (
        "bash 'x' do\n  code <<-EOH\n    tar xf #{f}\n    cd /tmp\n  EOH\nend\n",
        "cd /tmp",
        "cd /tmp",
    ),
    (
        "script 'x' do\n  interpreter 'bash'\n  code 'echo #{a}#{b} `date`'\nend\n",
        "`date`",
        "`date`",
    ),
    ("execute 'echo #{x} $(ls)'\n", "$(ls)", "$(ls)"),
]


@pytest.mark.parametrize(("text", "sent", "written"), CHEF_MAPPING_CASES)
def test_chef_positions_map_back_to_the_file(text: str, sent: str, written: str) -> None:
    (script,) = embedded.chef_file_scripts(_chef(text)).scripts
    assert "${RUBY}" not in script.text
    span = script.span(*_sent_range(script, sent))
    assert span is not None
    assert (span.line, span.column) == _file_position(text, written)


def test_a_finding_touching_a_standin_is_dropped() -> None:
    text = "execute 'x' do\n  command \"cp #{a} /b; echo $FOO; ls #{c}\"\nend\n"
    (script,) = embedded.chef_file_scripts(_chef(text)).scripts
    first = script.text.index("xxxxxxx")
    line = script.text.count("\n", 0, first) + 1
    column = first - script.text.rfind("\n", 0, first)
    # (start column, end column) relative to the first stand-in -> kept?
    cases = [
        ((0, 7), False),  # the stand-in itself
        ((-3, 1), False),  # overlapping its start
        ((6, 10), False),  # overlapping its end
        ((3, 3), False),  # empty, inside
        ((-3, 0), True),  # `cp ` ends where it starts
        ((7, 10), True),  # starts where it ends
        ((14, 18), True),  # `echo`
    ]
    for (start, end), kept in cases:
        span = script.span(line, column + start, line, column + end)
        assert (span is not None) is kept, (start, end)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("execute 'a' do\n  command 'C:\\\\tools\\\\7z.exe x a.zip'\nend\n", False),
        ("execute 'a' do\n  command 'echo %PATH% > nul'\nend\n", False),
        ("execute 'a' do\n  command 'powershell -File x.ps1'\nend\n", False),
        ("execute 'a' do\n  command 'Get-ChildItem | Remove-Item'\nend\n", False),
        ("execute 'a' do\n  command %w(apt-get install -y $x)\nend\n", False),  # argv: no shell
        ("script 'a' do\n  interpreter 'python'\n  code 'print(1)'\nend\n", False),
        ("csh 'a' do\n  code 'echo $x'\nend\n", False),  # no ShellCheck dialect
        ("execute 'a' do\n  command 'apt-get install -y build-essential'\nend\n", True),
        ("execute 'a' do\n  command 'set -e; start-stop-daemon --start x'\nend\n", True),
        ("execute 'systemctl daemon-reload'\n", True),
        ("ksh 'a' do\n  code 'print -r -- $x'\nend\n", True),
    ],
)
def test_chef_reads_posix_shell_scripts_only(text: str, read: bool) -> None:
    found = embedded.chef_file_scripts(_chef(text)).scripts
    assert bool(found) is read


def test_chef_environment_is_declared() -> None:
    text = "bash 'x' do\n  environment('home' => '/h')\n  code 'echo $home $other'\nend\n"
    (script,) = embedded.chef_file_scripts(_chef(text)).scripts
    assert "export home=1\n" in script.text
    assert "other=1" not in script.text


def test_oversized_embedded_scripts_are_counted() -> None:
    body = "echo $$A " * (scripts.MAX_EXPANSIONS + 1)
    text = f"services:\n  a:\n    command: [sh, -c, '{body}']\n"
    found = embedded.compose_file_scripts(_compose(text))
    assert (found.scripts, found.skipped) == ([], 1)


def test_reading_compose_strings_stays_linear() -> None:
    body = "echo $$A; " * 20_000
    text = f'services:\n  a:\n    command: sh -c "{body}"\n'
    document = _compose(text)
    # Bounded by the script size, read once: a quadratic pass would take minutes here.
    found = embedded.compose_file_scripts(document)
    assert found.skipped == 1


# --------------------------------------------------------------------------- the runs


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infralint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _findings(cwd: Path) -> set[tuple[str, str, int, int]]:
    result = _cli(["check", "--no-cache", "--select", "SC", "-f", "json", "."], cwd)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return {(f["path"], f["code"], f["line"], f["column"]) for f in report["findings"]}


COMPOSE_FILE = """\
services:
  web:
    image: alpine:3.20
    command: ["sh", "-c", "echo $$(ls) ${GREETING} && cd /srv; exec app $$ARGS"]
  worker:
    image: alpine:3.20
    # infralint: ignore SC2046 -- the file names here have no spaces
    entrypoint: bash -c 'ls $$(pwd)'
"""


@needs_shellcheck
def test_compose_cli(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE_FILE)
    path = "compose.yaml"
    line, column = _file_position(COMPOSE_FILE, "$$(ls)")
    assert _findings(tmp_path) == {
        (path, "SC2046", line, column),
        (path, "SC2164", line, _file_position(COMPOSE_FILE, "cd /srv")[1]),
        (path, "SC2086", line, _file_position(COMPOSE_FILE, "$$ARGS")[1]),
    }  # nothing on ${GREETING} (compose's own), the suppressed SC2046 of `worker` is gone


CHEF_RECIPE = """\
execute 'unpack' do
  command "tar xf #{archive} -C #{node['dir']} && ls $(ls)"
end

bash 'build' do
  cwd '/usr/local/src'
  code <<-EOH
    cd #{source_dir}
    cd app
    ./configure --prefix=#{prefix}
  EOH
end

execute 'windows only' do
  command 'C:\\\\Tools\\\\unzip.exe x %TEMP%\\\\a.zip'
end
"""


@needs_shellcheck
def test_chef_cli(tmp_path: Path) -> None:
    (tmp_path / "metadata.rb").write_text("name 'demo'\nversion '1.0.0'\n")
    (tmp_path / "recipes").mkdir()
    (tmp_path / "recipes" / "default.rb").write_text(CHEF_RECIPE)
    path = "recipes/default.rb"
    found = _findings(tmp_path)
    assert found == {
        (path, "SC2046", *_file_position(CHEF_RECIPE, "$(ls)")),
        (path, "SC2164", *_file_position(CHEF_RECIPE, "cd app")),
    }  # `cd #{source_dir}` would be SC2164 too, but it touches a stand-in: dropped


@needs_shellcheck
def test_compose_and_chef_scripts_join_the_dockerfiles_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infralint import engine
    from infralint.catalog import load_catalog
    from infralint.config import config_from_dict, enabled_codes

    for index in range(20):
        folder = tmp_path / f"app{index}"
        (folder / "recipes").mkdir(parents=True)
        (folder / "Dockerfile").write_text(f"FROM alpine:3.20\nRUN cd /a{index}\n")
        (folder / "compose.yaml").write_text(
            f"services:\n  a:\n    image: alpine:3.20\n    command: [sh, -c, 'cd /b{index}']\n"
        )
        (folder / "metadata.rb").write_text(f"name 'c{index}'\nversion '1.0.0'\n")
        (folder / "recipes" / "default.rb").write_text(f"execute 'cd /c{index}'\n")
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(command: list[str], **kwargs: object) -> object:
        calls.append(command)
        return real(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(runner.subprocess, "run", counting)
    catalog = load_catalog()
    config = config_from_dict({}, None, catalog)
    settings = engine.Settings(
        config=config,
        catalog=catalog,
        enabled=frozenset(enabled_codes(config, catalog, select=["SC"])),
        cwd=tmp_path,
        project_root=tmp_path,
        jobs=1,
        use_cache=False,
    )
    result = engine.run([str(tmp_path)], settings)
    by_file = sorted(Path(finding.path).name for finding in result.findings)
    assert by_file == sorted(["Dockerfile", "compose.yaml", "default.rb"] * 20)
    assert {finding.code for finding in result.findings} == {"SC2164"}
    # Compose files are checked where they were parsed (to link them), the rest in workers:
    # two batches at most, never one process per file.
    assert len(calls) <= 2
    assert sum(len([c for c in call if c.endswith(".sh")]) for call in calls) == 60
