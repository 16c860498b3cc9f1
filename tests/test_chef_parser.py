"""The Chef resource model: resources, guards, loops, heredocs, positions, broken input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralint.model import ParseError, Span
from infralint.parsers.chef import ChefDocument, Resource, file_kind, parse, resource_script
from infralint.parsers.ruby import parse_ruby
from infralint.source import SourceFile


def doc(text: str, path: str = "recipes/default.rb", root: Path | None = None) -> ChefDocument:
    base = root or Path("/nonexistent/cookbook")
    return parse(SourceFile(base / path, path, text, "chef"))


def only(document: ChefDocument) -> Resource:
    assert len(document.resources) == 1, document.resources
    return document.resources[0]


# --------------------------------------------------------------------------- resources


def test_resource_type_name_properties_and_span() -> None:
    resource = only(doc("package 'curl' do\n  version '7.88'\n  options '--quiet'\nend\n"))
    assert resource.type == "package"
    assert resource.name is not None and resource.name.string == "curl"
    version = resource.value("version")
    assert version is not None and version.string == "7.88"
    assert resource.span == Span(1, 1, 4, 4)


def test_dynamic_property_is_marked_dynamic() -> None:
    resource = only(doc("package 'curl' do\n  version node['curl']['version']\nend\n"))
    version = resource.value("version")
    assert version is not None
    assert not version.is_static
    assert version.string is None
    assert version.source == "node['curl']['version']"


def test_parenthesised_call_form_is_a_resource() -> None:
    resource = only(doc("execute('make install')\n"))
    assert resource.type == "execute"
    assert resource.name is not None and resource.name.string == "make install"


def test_custom_resource_with_block_is_recognised_but_plain_calls_are_not() -> None:
    document = doc(
        "include_recipe 'apt'\n"
        "docker_service 'default' do\n  action :start\nend\n"
        "Chef::Log.info('x')\n"
    )
    assert [r.type for r in document.resources] == ["docker_service"]


def test_guard_given_as_string() -> None:
    guard = only(doc("execute 'x' do\n  not_if 'test -f /x'\nend\n")).guards[0]
    assert (guard.keyword, guard.form) == ("not_if", "string")
    assert guard.value is not None and guard.value.string == "test -f /x"


def test_guard_given_as_brace_block() -> None:
    guard = only(doc("execute 'x' do\n  only_if { ::File.exist?('/x') }\nend\n")).guards[0]
    assert (guard.keyword, guard.form) == ("only_if", "block")
    assert guard.block_string is None


def test_guard_given_as_do_end_block_returning_a_string() -> None:
    guard = only(doc("execute 'x' do\n  not_if do\n    'test -f /x'\n  end\nend\n")).guards[0]
    assert guard.form == "block"
    assert guard.block_string is not None and guard.block_string.string == "test -f /x"


def test_guard_given_as_ruby_expression_is_other() -> None:
    guard = only(doc("execute 'x' do\n  not_if ::File.exist?('/x')\nend\n")).guards[0]
    assert guard.form == "other"


def test_creates_counts_as_a_guard() -> None:
    guards = only(doc("execute 'x' do\n  creates '/usr/bin/x'\nend\n")).guards
    assert [(g.keyword, g.form) for g in guards] == [("creates", "string")]


def test_action_nothing_with_notifications() -> None:
    resource = only(
        doc(
            "execute 'reload' do\n"
            "  action :nothing\n"
            "  subscribes :run, 'template[/etc/x]', :immediately\n"
            "  notifies :restart, 'service[x]'\n"
            "end\n"
        )
    )
    assert resource.actions == ["nothing"]
    notes = [(n.keyword, n.action, n.target, n.timing) for n in resource.notifications]
    assert notes == [
        ("subscribes", "run", "'template[/etc/x]'", "immediately"),
        ("notifies", "restart", "'service[x]'", None),
    ]


def test_action_list_and_dynamic_action() -> None:
    assert only(doc("service 'x' do\n  action [:enable, :start]\nend\n")).actions == [
        "enable",
        "start",
    ]
    assert only(doc("service 'x' do\n  action node['x']['action']\nend\n")).actions == ["?"]


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ("if node['x']\n  execute 'a'\nend\n", "if"),
        ("unless ::File.exist?('/x')\n  execute 'a'\nend\n", "unless"),
        ("execute 'a' if platform?('ubuntu')\n", "if"),
        ("case node['platform']\nwhen 'ubuntu'\n  execute 'a'\nend\n", "case"),
        ("return unless platform?('ubuntu')\n\nexecute 'a'\n", "return"),
        ("return if node['skip']\nexecute 'a'\n", "return"),
        ("execute 'a'\n", None),
    ],
)
def test_ruby_construct_deciding_whether_a_resource_exists(text: str, construct: str) -> None:
    assert only(doc(text)).conditional == construct


def test_resources_before_an_early_return_are_unconditional() -> None:
    document = doc("execute 'first'\nreturn if node['skip']\nexecute 'second'\n")
    assert [r.conditional for r in document.resources] == [None, "return"]


def test_libraries_are_plain_ruby() -> None:
    document = doc(
        "module Helpers\n  def run\n    execute('rm -rf /tmp/x')\n  end\nend\n",
        "libraries/helpers.rb",
    )
    assert document.kind == "library"
    assert document.resources == []


def test_custom_resource_only_reads_resources_inside_action_blocks() -> None:
    document = doc(
        "property :path, String\n"
        "action :create do\n"
        "  execute 'make' do\n    cwd new_resource.path\n  end\n"
        "end\n",
        "resources/thing.rb",
    )
    resource = only(document)
    assert resource.action_block == "create"


# --------------------------------------------------------------------------- scripts


def test_command_overrides_the_name() -> None:
    resource = only(doc("execute 'apt-get update' do\n  command 'true'\nend\n"))
    found = resource_script(resource)
    assert found is not None
    text, origin = found
    assert (text.text, origin) == ("true", "command")


def test_name_is_the_command_when_neither_is_set() -> None:
    found = resource_script(only(doc("execute 'apt-get update'\n")))
    assert found is not None and found[0].text == "apt-get update" and found[1] == "name"


def test_non_shell_interpreters_are_not_shell_scripts() -> None:
    assert resource_script(only(doc("python 'x' do\n  code 'import os'\nend\n"))) is None
    script = "script 'x' do\n  interpreter 'perl'\n  code 'print 1'\nend\n"
    assert resource_script(only(doc(script))) is None


def test_heredoc_code_is_attached_and_mapped_into_the_file() -> None:
    text = "bash 'build' do\n  code <<-EOH\n    cd /src\n    make install\n  EOH\n  cwd '/'\nend\n"
    resource = only(doc(text))
    assert resource.span.end_line == 7
    found = resource_script(resource)
    assert found is not None
    script, origin = found
    assert origin == "code"
    offset = script.text.index("make install")
    assert script.origin.position(offset) == (4, 5)
    cwd = resource.value("cwd")
    assert cwd is not None and cwd.string == "/"


def test_heredoc_with_method_call_and_two_heredocs_on_a_line() -> None:
    text = (
        "execute 'a' do\n  command <<~EOS.strip\n    echo one\n  EOS\nend\n"
        "log 'b' do\n  message(<<-A + <<-B)\n  first\n  A\n  second\n  B\nend\n"
    )
    first, second = doc(text).resources
    command = first.value("command")
    assert command is not None and command.string is not None
    assert "echo one" in command.string
    message = second.value("message")
    assert message is not None and message.string is not None
    assert "first" in message.string and "second" in message.string


def test_interpolation_becomes_a_placeholder_at_its_position() -> None:
    resource = only(doc('execute "install #{pkg}" do\n  action :run\nend\n'))
    assert resource.name is not None
    assert not resource.name.is_static
    found = resource_script(resource)
    assert found is not None
    text = found[0]
    assert text.text == "install ${RUBY}"
    assert text.origin.position(text.text.index("$")) == (1, 18)


def test_single_quoted_escapes_are_decoded() -> None:
    resource = only(doc("execute 'echo \\'hi\\' \\\\n'\n"))
    assert resource.name is not None and resource.name.string == "echo 'hi' \\n"


def test_argv_array_command_is_joined_into_words() -> None:
    resource = only(doc("execute 'x' do\n  command ['apt-get', 'install', 'a b']\nend\n"))
    found = resource_script(resource)
    assert found is not None and found[0].text == "apt-get install 'a b'"


# --------------------------------------------------------------------------- loops


def test_percent_w_loop_is_unrolled() -> None:
    document = doc("%w(curl jq).each do |p|\n  package p\nend\n")
    assert [r.name.string for r in document.resources if r.name] == ["curl", "jq"]
    assert {r.loop for r in document.resources} == {"literal"}


def test_array_loop_with_brace_block_and_interpolation() -> None:
    document = doc("['dev', 'doc'].each { |s| package \"libfoo-#{s}\" }\n")
    assert [r.name.string for r in document.resources if r.name] == ["libfoo-dev", "libfoo-doc"]


def test_hash_loop_binds_key_and_value() -> None:
    document = doc(
        "{ 'curl' => '7.88', 'jq' => '1.6' }.each do |name, ver|\n"
        "  package name do\n    version ver\n  end\nend\n"
    )
    pairs = [(r.name.string if r.name else None, r.value("version")) for r in document.resources]
    assert [(name, value.string if value else None) for name, value in pairs] == [
        ("curl", "7.88"),
        ("jq", "1.6"),
    ]


def test_loop_over_a_local_variable_holding_a_literal_array() -> None:
    document = doc("pkgs = %w(a b)\npkgs.each do |p|\n  package p\nend\n")
    assert [r.name.string for r in document.resources if r.name] == ["a", "b"]


def test_dynamic_receiver_gives_one_dynamic_resource() -> None:
    resource = only(doc("node['pkgs'].each do |p|\n  package p\nend\n"))
    assert resource.loop == "dynamic"
    assert resource.name is not None and not resource.name.is_static


# --------------------------------------------------------------------------- positions


def test_columns_count_code_points() -> None:
    resource = doc("log 'é€😀'; execute 'x'\n").resources[1]
    assert resource.type == "execute"
    assert (resource.span.line, resource.span.column) == (1, 12)


def test_construct_end_covers_the_resource() -> None:
    document = doc("package 'a'\nexecute 'b' do\n  command 'c'\nend\n")
    assert document.construct_end(2) == 4
    assert document.construct_end(1) == 1
    assert document.construct_end(3) == 3


# --------------------------------------------------------------------------- broken input


def test_syntax_error_is_reported_and_the_rest_still_read() -> None:
    text = "package 'a' do\n  version '1'\nend\ndef broken(\n  )) ]\nend\npackage 'b'\n"
    document = doc(text)
    assert document.problems
    assert document.problems[0].span.line in (4, 5)
    assert {r.name.string for r in document.resources if r.name} >= {"a", "b"}


def test_unterminated_heredoc_does_not_crash() -> None:
    document = doc("execute 'x' do\n  code <<-EOH\n  ls\n")
    assert document.problems
    assert any("never closed" in p.message for p in document.problems)
    assert all(p.span.line <= 3 for p in document.problems)


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    depth = 5000
    text = "foo do\n" * depth + "execute 'x'\n" + "end\n" * depth
    document = doc(text)
    assert [r.type for r in document.resources] == ["execute"]


def test_deeply_nested_literal_is_dynamic_not_a_crash() -> None:
    text = "package 'x' do\n  options " + "[" * 3000 + "]" * 3000 + "\nend\n"
    resource = only(doc(text))
    options = resource.value("options")
    assert options is not None


def test_binary_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        doc("package 'a'\0\0\0")


def test_adapter_reports_error_regions() -> None:
    tree = parse_ruby("def x(\n  )) ]\nend\n")
    assert tree.errors and tree.errors[0].line == 2


# --------------------------------------------------------------------------- other files


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("metadata.rb", "metadata"),
        ("Berksfile", "berksfile"),
        ("Policyfile.rb", "policyfile"),
        ("policyfiles/web.rb", "policyfile"),
        (".chef/config.rb", "config"),
        ("client.rb", "config"),
        ("recipes/default.rb", "recipe"),
        ("recipes/sub/extra.rb", "recipe"),
        ("attributes/default.rb", "attributes"),
        ("resources/thing.rb", "resource"),
        ("providers/thing.rb", "provider"),
        ("definitions/thing.rb", "definition"),
        ("libraries/helpers.rb", "library"),
        ("spec/recipes/default_spec.rb", "ruby"),
        ("test/fixtures/cookbooks/test/recipes/default.rb", "recipe"),
    ],
)
def test_file_kind_from_path(path: str, kind: str) -> None:
    from pathlib import PurePosixPath

    assert file_kind(PurePosixPath(path)) == kind


def test_metadata_dependencies() -> None:
    document = doc("name 'web'\ndepends 'apt'\ndepends 'nginx', '~> 12.0'\n", "metadata.rb")
    assert [(d.name, d.constraint) for d in document.dependencies] == [
        ("apt", None),
        ("nginx", "~> 12.0"),
    ]


def test_berksfile_cookbook_options_inside_groups() -> None:
    text = (
        "source 'https://supermarket.chef.io'\nmetadata\n"
        "group :integration do\n"
        "  cookbook 'tools', git: 'https://x/tools.git', branch: 'main'\n"
        "end\n"
    )
    dependency = doc(text, "Berksfile").dependencies[0]
    assert dependency.name == "tools"
    branch = dependency.options["branch"]
    assert branch.string == "main"


def test_policyfile_run_list_and_lock_state(tmp_path: Path) -> None:
    (tmp_path / "Policyfile.rb").write_text("run_list 'test::default'\n")
    document = doc("run_list 'test::default'\n", "Policyfile.rb", tmp_path)
    assert document.run_list == ["test::default"]
    assert document.lockfile == "Policyfile.lock.json"
    assert not document.lockfile_present
    assert document.library_reason is not None and "test" in document.library_reason


def test_gitignored_lock_file_marks_a_library(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("Berksfile.lock\n")
    (tmp_path / "Berksfile").write_text("metadata\n")
    document = doc("metadata\n", "Berksfile", tmp_path)
    assert document.library_reason is not None and ".gitignore" in document.library_reason


def test_application_cookbook_with_lock(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "Berksfile.lock").write_text("DEPENDENCIES\n")
    document = doc("metadata\n", "Berksfile", tmp_path)
    assert document.lockfile_present
    assert document.library_reason is None


def test_config_settings() -> None:
    document = doc("log_level :info\nlog_location '/var/log/chef.log'\n", "client.rb")
    settings = {s.key: s.value for s in document.settings}
    location = settings["log_location"]
    assert location is not None and location.string == "/var/log/chef.log"


def test_old_style_provider_action_methods_hold_resources() -> None:
    text = "def whyrun_supported?\n  true\nend\n\ndef action_create\n  execute 'x'\nend\n"
    resource = only(doc(text, "providers/thing.rb"))
    assert resource.action_block == "create"
    assert resource.conditional is None


SAMPLE = (
    "%w(a b).each do |p|\n  package p do\n    version '1'\n  end\nend\n"
    "execute 'x' do\n  code <<-EOH\n    apt-get install -y curl | tee /var/log/x.log\n  EOH\n"
    "  not_if { 'test -f /x' }\nend\n"
)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(SAMPLE)), st.text(max_size=8))
def test_any_edit_of_a_recipe_parses_and_checks_without_error(cut: int, noise: str) -> None:
    from infralint.checks import chef as checks
    from infralint.registry import CheckContext, checks_for
    from tests.helpers import rule_codes

    text = SAMPLE[:cut] + noise + SAMPLE[cut:]
    if "\0" in text:
        with pytest.raises(ParseError):
            doc(text)
        return
    document = doc(text)
    assert checks is not None
    for code, function in checks_for("chef", rule_codes("chef")):
        list(function(document, CheckContext(code=code)))


def test_policyfile_named_run_lists_with_interpolation() -> None:
    text = (
        "run_list 'test::default'\n"
        '%w(a b).each do |r|\n  named_run_list r.to_sym, "test::#{r}"\nend\n'
        "Dir.children('x').each do |recipe|\n  named_run_list :x, \"test::#{recipe}\"\nend\n"
    )
    document = doc(text, "Policyfile.rb")
    # Loops in Policyfiles are not unrolled; interpolations keep the cookbook name readable.
    assert document.run_list == ["test::default", "test::${RUBY}", "test::${RUBY}"]


def test_nested_literal_loops_are_unrolled_within_a_budget() -> None:
    items = "%w(" + " ".join(f"p{i}" for i in range(150)) + ")"
    text = f"{items}.each do |a|\n  {items}.each do |b|\n    {items}.each do |c|\n"
    text += '      package "#{a}-#{b}-#{c}"\n    end\n  end\nend\n'
    document = doc(text)
    assert 0 < len(document.resources) <= 1000
    assert any(r.loop == "dynamic" for r in document.resources)
