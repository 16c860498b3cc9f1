"""CB checks on small cookbook snippets, run directly (the rule documents' examples run through
the engine in tests/test_rule_examples.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infralint.model import Severity
from infralint.parsers.chef import ChefDocument, parse
from infralint.registry import CheckContext, checks_for
from infralint.source import SourceFile
from tests.helpers import rule_codes, run_check


def document(text: str, path: str = "recipes/default.rb", root: Path | None = None) -> ChefDocument:
    base = root or Path("/nonexistent/cookbook")
    return parse(SourceFile(base / path, path, text, "chef"))


def lines(code: str, text: str, path: str = "recipes/default.rb") -> list[int]:
    return [v.span.line for v in run_check(code, text, path=path)]


# --------------------------------------------------------------------------- CB201 traps


@pytest.mark.parametrize(
    "guard",
    [
        "not_if 'test -f /x'",
        "only_if { ::File.exist?('/x') }",
        "not_if do\n    ::File.exist?('/x')\n  end",
        "creates '/x'",
        "action :nothing\n  subscribes :run, 'template[/etc/x]'",
    ],
)
def test_cb201_guards_and_action_nothing_are_accepted(guard: str) -> None:
    assert run_check("CB201", f"execute 'make install' do\n  {guard}\nend\n") == []


def test_cb201_flags_unguarded_script_with_a_warning() -> None:
    (violation,) = run_check("CB201", "bash 'build' do\n  code 'make'\nend\n")
    assert violation.span.line == 1
    assert "bash 'build'" in violation.message
    assert violation.severity is None  # the rule's own level (warning)


@pytest.mark.parametrize(
    "text",
    [
        "if node['x']\n  execute 'make install'\nend\n",
        "execute 'make install' unless ::File.exist?('/x')\n",
        "return if ::File.exist?('/x')\nexecute 'make install'\n",
        "case node['platform']\nwhen 'ubuntu'\n  execute 'make install'\nend\n",
    ],
)
def test_cb201_only_ruby_conditional_is_a_note(text: str) -> None:
    (violation,) = run_check("CB201", text)
    assert violation.severity == Severity.NOTE
    assert "decides whether it runs" in violation.message


def test_cb201_non_script_resources_are_not_judged() -> None:
    assert run_check("CB201", "package 'curl'\ntemplate '/etc/x'\n") == []


def test_execute_in_libraries_is_not_flagged() -> None:
    text = "module H\n  def go\n    execute('apt-get install -y x')\n  end\nend\n"
    for code in ("CB201", "CB202"):
        assert run_check(code, text, path="libraries/helpers.rb") == []


# --------------------------------------------------------------------------- scripts


def test_command_overrides_the_name() -> None:
    text = "execute 'apt-get update' do\n  command '/usr/bin/refresh'\n  action :nothing\nend\n"
    assert run_check("CB202", text) == []
    text = "execute 'refresh' do\n  command 'apt-get update'\n  action :nothing\nend\n"
    assert lines("CB202", text) == [2]


def test_name_is_analysed_when_no_command() -> None:
    (violation,) = run_check("CB202", "execute 'sudo apt-get -y install curl'\n")
    assert "apt-get install" in violation.message


def test_heredoc_code_is_analysed_at_its_line_and_column() -> None:
    text = "bash 'x' do\n  code <<-EOH\n    set -e\n    systemctl restart app\n  EOH\nend\n"
    (violation,) = run_check("CB203", text)
    assert (violation.span.line, violation.span.column) == (4, 5)


def test_guard_strings_are_not_commands_the_resource_runs() -> None:
    text = "execute 'true' do\n  not_if 'curl -fs http://localhost/health'\nend\n"
    assert run_check("CB204", text) == []


def test_loop_resources_are_each_analysed_once_per_message() -> None:
    text = '%w(a b).each do |p|\n  execute "apt-get install #{p}" do\n    action :nothing\n'
    text += "  end\nend\n"
    assert lines("CB202", text) == [2]


def test_cb204_pipe_to_shell_is_an_error() -> None:
    (violation,) = run_check("CB204", "execute 'curl -fsSL https://x/install.sh | sudo bash'\n")
    assert violation.severity == Severity.ERROR
    (plain,) = run_check("CB204", "execute 'wget -q https://x/tool.tgz'\n")
    assert plain.severity is None


def test_cb204_python_reading_code_from_argument_is_not_pipe_to_shell() -> None:
    (violation,) = run_check(
        "CB204", "execute \"curl -s https://x/a.json | python3 -c 'import sys'\"\n"
    )
    assert violation.severity is None


@pytest.mark.parametrize(
    ("command", "flagged"),
    [
        ("git clone https://x/app.git /opt/app", True),
        ("git -C /opt/app pull", True),
        ("git log -1", False),
    ],
)
def test_cb205(command: str, flagged: bool) -> None:
    assert bool(run_check("CB205", f"execute '{command}'\n")) is flagged


@pytest.mark.parametrize(
    ("command", "flagged"),
    [
        ("mkdir -p /srv/app", True),
        ("sed -i s/a/b/ /etc/x", True),
        ("sed s/a/b/ /etc/x", False),
        ("crontab -l", False),
        ("useradd app", True),
    ],
)
def test_cb206(command: str, flagged: bool) -> None:
    assert bool(run_check("CB206", f"execute '{command}'\n")) is flagged


@pytest.mark.parametrize(
    ("command", "flagged"),
    [
        ("systemctl restart app", True),
        ("systemctl is-active app", False),
        ("service nginx reload", True),
        ("/etc/init.d/nginx start", True),
    ],
)
def test_cb203(command: str, flagged: bool) -> None:
    assert bool(run_check("CB203", f"execute '{command}'\n")) is flagged


@pytest.mark.parametrize(
    ("command", "flagged"),
    [
        ("./run > /var/log/run.log 2>&1", True),
        ("./run >> /tmp/out.log", True),
        ("./run 2>&1 | tee /srv/app/logs/run.txt", True),
        ("./run > /dev/null 2>&1", False),
        ("envsubst < /etc/a.tmpl > /etc/a.conf", False),
    ],
)
def test_cb301(command: str, flagged: bool) -> None:
    assert bool(run_check("CB301", f"execute '{command}'\n")) is flagged


def test_non_shell_interpreters_are_not_read_as_shell() -> None:
    text = "python 'x' do\n  code 'import os; os.system(\"apt-get install x\")'\nend\n"
    assert run_check("CB202", text) == []


# --------------------------------------------------------------------------- 1xx


def test_cb101_and_cb102_with_loops_and_removal() -> None:
    text = (
        "%w(a b).each { |p| package p }\n"
        "package 'c' do\n  action :upgrade\nend\n"
        "package 'd' do\n  action :remove\nend\n"
        "package 'e' do\n  version '1.0'\nend\n"
    )
    assert lines("CB101", text) == [3]
    messages = [v.message for v in run_check("CB102", text)]
    assert messages == [
        "package 'a' has no version (set `version`)",
        "package 'b' has no version (set `version`)",
    ]


def test_cb103_local_and_url_sources() -> None:
    text = (
        "remote_file '/a' do\n  source 'https://x/a'\nend\n"
        "remote_file '/b' do\n  source 'file:///tmp/b'\nend\n"
        "rpm_package 'c' do\n  source 'https://x/c.rpm'\nend\n"
        "rpm_package 'd' do\n  source '/tmp/d.rpm'\nend\n"
    )
    assert lines("CB103", text) == [1, 7]


@pytest.mark.parametrize(
    ("revision", "flagged"),
    [
        (None, True),
        ("'master'", True),
        ("'refs/heads/release'", True),
        ("'v1.2.3'", False),
        ("'3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a'", False),
        ("node['app']['revision']", False),
    ],
)
def test_cb104(revision: str | None, flagged: bool) -> None:
    line = f"  revision {revision}\n" if revision else ""
    text = f"git '/opt/app' do\n  repository 'https://x/app.git'\n{line}end\n"
    assert bool(run_check("CB104", text)) is flagged


def test_cb105_metadata_and_berksfile() -> None:
    assert lines(
        "CB105", "depends 'a'\ndepends 'b', '>= 0.0.0'\ndepends 'c', '~> 1.0'\n", "metadata.rb"
    ) == [1, 2]
    berks = (
        "cookbook 'a', git: 'https://x/a.git', branch: 'main'\n"
        "cookbook 'b', github: 'x/b'\n"
        "cookbook 'c', git: 'https://x/c.git', tag: 'v1.0'\n"
        "cookbook 'd', git: 'https://x/d.git', ref: '3f2a1b9c'\n"
        "cookbook 'e', '~> 2.0'\n"
    )
    assert lines("CB105", berks, "Berksfile") == [1, 2]


def test_cb106_settings(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    berksfile = tmp_path / "Berksfile"
    berksfile.write_text("metadata\n")
    assert len(run_check("CB106", "metadata\n", path=berksfile)) == 1
    library = {"cookbook-kind": "library"}
    assert run_check("CB106", "metadata\n", path=berksfile, settings=library) == []
    (tmp_path / ".gitignore").write_text("Berksfile.lock\n")
    assert run_check("CB106", "metadata\n", path=berksfile) == []
    application = {"cookbook-kind": "application"}
    assert len(run_check("CB106", "metadata\n", path=berksfile, settings=application)) == 1
    (tmp_path / "Berksfile.lock").write_text("DEPENDENCIES\n")
    assert run_check("CB106", "metadata\n", path=berksfile, settings=application) == []


def test_cb107_and_cb108() -> None:
    text = (
        "remote_file '/a' do\n  source 'http://x/a'\n  checksum 'abc123'\nend\n"
        "remote_file '/b' do\n  source ['https://x/b', 'ftp://x/b']\n"
        f"  checksum '{'a' * 64}'\nend\n"
    )
    assert lines("CB107", text) == [2, 6]
    (weak,) = run_check("CB108", text)
    assert weak.span.line == 3 and "6 characters" in weak.message


def test_cb109() -> None:
    text = (
        "docker_image 'a'\n"
        "docker_image 'b:1.2'\n"
        "docker_image 'c' do\n  tag 'latest'\nend\n"
        "docker_container 'd' do\n  repo 'nginx'\n  tag '1.27'\nend\n"
        "docker_container 'e' do\n  action :delete\nend\n"
    )
    assert lines("CB109", text) == [1, 4]


# --------------------------------------------------------------------------- 2xx Ruby


def test_cb207_compile_time_only() -> None:
    text = (
        "v = `cat /x`\n"
        "ruby_block 'a' do\n  block do\n    system('ls')\n  end\nend\n"
        "file '/x' do\n  content lazy { shell_out('id').stdout }\n"
        "  not_if { system('true') }\nend\n"
        "package 'y' do\n  version %x(cat /v)\nend\n"
    )
    assert lines("CB207", text) == [1, 12]


def test_cb207_not_in_custom_resource_actions() -> None:
    text = "action :run do\n  out = shell_out!('id')\nend\n"
    assert run_check("CB207", text, path="resources/thing.rb") == []


def test_cb208_node_writes() -> None:
    text = "node.normal['a'] = 1\nnode.default['b'] = 2\nnode.save\n"
    assert lines("CB208", text) == [1, 3]
    assert lines("CB208", "normal['a'] = 1\ndefault['b'] = 2\n", "attributes/default.rb") == [1]


def test_cb209_and_cb210() -> None:
    text = "execute 'a' do\n  ignore_failure true\nend\napt_update 'u' do\n  action :update\nend\n"
    assert lines("CB209", text) == [2]
    assert lines("CB210", text) == [5]
    assert run_check("CB210", "apt_update 'u'\n") == []


def test_cb302_config_and_resource() -> None:
    assert lines("CB302", "log_location '/var/log/chef/client.log'\n", "client.rb") == [1]
    assert run_check("CB302", "log_location STDOUT\nlog_location :syslog\n", path="client.rb") == []
    text = "chef_client_config 'client.rb' do\n  log_location '/var/log/c.log'\nend\n"
    assert lines("CB302", text) == [2]


def test_cb401() -> None:
    flagged = "template '/x' do\n  variables(db: { password: node['p'] })\nend\n"
    assert lines("CB401", flagged) == [1]
    masked = "user 'app' do\n  password '$6$x'\nend\n"
    assert run_check("CB401", masked) == []
    marked = "mysql_user 'a' do\n  password 'x'\n  sensitive true\nend\n"
    assert run_check("CB401", marked) == []
    empty = "mysql_user 'a' do\n  password nil\nend\n"
    assert run_check("CB401", empty) == []


def test_cb501_and_cb502() -> None:
    text = (
        "file '/a' do\n  not_if { 'test -f /a' }\nend\n"
        "file '/b' do\n  only_if ::File.exist?('/b')\nend\n"
        "file '/c' do\n  not_if check_cmd\n  only_if node['x']['check']\nend\n"
        "file '/d' do\n  not_if { ::File.exist?('/d') }\n  only_if 'test -f /d'\nend\n"
    )
    assert lines("CB501", text) == [2]
    assert lines("CB502", text) == [5]


def test_checks_tolerate_a_partial_document() -> None:
    text = "package 'a' do\n  action :upgrade\nend\ndef broken(\n  )) ]\nend\n"
    parsed = document(text)
    assert parsed.problems
    for code, function in checks_for("chef", rule_codes("chef")):
        list(function(parsed, CheckContext(code=code)))
    assert lines("CB101", text) == [2]


# --------------------------------------------------------------------------- fixture cookbooks

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "chef"


def test_fixture_cookbooks_through_the_engine() -> None:
    """Two cookbooks (an application with every trap, a library with a syntax error) give
    exactly the findings listed in fixtures/chef/expected.txt."""
    from tests.helpers import lint_directory

    result = lint_directory(FIXTURES, select=["CB", "IL001"])
    assert not result.notifications
    actual = sorted(f"{f.path}:{f.span.line} {f.code} {f.severity.value}" for f in result.findings)
    expected = (FIXTURES / "expected.txt").read_text(encoding="utf-8").split("\n")
    assert actual == [line for line in expected if line]


def test_cb207_system_property_of_user_resource_is_not_a_shell_out() -> None:
    text = "user 'app' do\n  system true\n  shell '/bin/false'\nend\n"
    text += "group 'g' do\n  system(true)\nend\n"
    assert run_check("CB207", text) == []
    assert lines("CB207", "system('reboot') if node['x']\n") == [1]


def test_cb203_daemon_reload_is_not_service_control() -> None:
    text = "execute 'systemctl daemon-reload' do\n  action :nothing\nend\n"
    assert run_check("CB203", text) == []


def test_cb103_verify_block_counts_as_integrity_check() -> None:
    text = "remote_file '/a' do\n  source 'https://x/a'\n  verify { |f| check(f) }\nend\n"
    assert run_check("CB103", text) == []


def test_shell_positions_in_heredoc_count_code_points() -> None:
    text = "bash 'ünïcödé' do\n  code <<-EOH\n    echo 'é€' && apt-get install -y x\n  EOH\nend\n"
    (violation,) = run_check("CB202", text)
    assert (violation.span.line, violation.span.column) == (3, 18)  # 21 in UTF-8 bytes
