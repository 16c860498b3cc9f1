"""PY101, PY201 and PY301 called directly on parsed documents, the PY301 fix, and the fixture
project run through the engine."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralint.fixes_python import FIX_SAFE, fix_file_handlers
from infralint.model import Severity, Violation
from tests.helpers import rule_codes, run_check

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "python"


def lines(violations: list[Violation]) -> list[int]:
    return [violation.span.line for violation in violations]


# --------------------------------------------------------------------------- PY301


@pytest.mark.parametrize(
    "text",
    [
        "import logging\nlogging.FileHandler('app.log')\n",
        "from logging import FileHandler\nFileHandler('app.log')\n",
        "from logging import FileHandler as FH\nFH('app.log')\n",
        "import logging.handlers as lh\nlh.RotatingFileHandler('app.log')\n",
        "from logging.handlers import RotatingFileHandler as RFH\nRFH('app.log')\n",
        "from logging import handlers\nhandlers.TimedRotatingFileHandler('app.log')\n",
        "import logging as lg\nlg.handlers.WatchedFileHandler('app.log')\n",
        "def f():\n    from logging import FileHandler\n    return FileHandler('app.log')\n",
        "import logging\nlogging.FileHandler(filename='app.log', mode='a')\n",
    ],
)
def test_file_handlers_through_every_import_form(text: str) -> None:
    found = run_check("PY301", dedent(text))
    assert len(found) == 1
    assert "'app.log'" in found[0].message
    assert "instead of stdout/stderr" in found[0].message


def test_handler_message_names_the_class_and_points_at_the_call() -> None:
    text = """\
    from logging.handlers import RotatingFileHandler as RFH
    handler = RFH("/var/log/app.log", maxBytes=1000)
    """
    [violation] = run_check("PY301", dedent(text))
    assert violation.message.startswith("logging.handlers.RotatingFileHandler writes logs to")
    assert "'/var/log/app.log'" in violation.message
    assert (violation.span.line, violation.span.column) == (2, 11)


def test_a_local_function_named_like_a_handler_is_not_flagged() -> None:
    text = "def FileHandler(path):\n    return path\n\nFileHandler('app.log')\n"
    assert run_check("PY301", dedent(text)) == []


@pytest.mark.parametrize(
    "argument",
    [
        "'/dev/stdout'",
        "'/dev/stderr'",
        "'/proc/self/fd/1'",
        "os.environ.get('LOG_FILE', '/dev/stdout')",
        "os.getenv('LOG_FILE', default='/dev/stderr')",
        "os.environ.get('LOG_FILE') or '/dev/stdout'",
        "STREAM",
        "Path('/dev/stdout')",
    ],
)
def test_stream_destinations_are_accepted(argument: str) -> None:
    text = f"""\
    import logging
    import os
    from pathlib import Path
    STREAM = "/dev/stdout"
    logging.FileHandler({argument})
    """
    assert run_check("PY301", dedent(text)) == []


@pytest.mark.parametrize(
    ("argument", "shown"),
    [
        (
            "os.environ.get('LOG_FILE', '/var/log/app.log')",
            "$LOG_FILE (default '/var/log/app.log')",
        ),
        ("os.environ['LOG_FILE']", "$LOG_FILE"),
        ("os.getenv('LOG_FILE')", "$LOG_FILE"),
        ("LOG_PATH", "'/srv/app.log'"),
        ("log_path", "log_path"),
        ("f'{base}/app.log'", "f'{base}/app.log'"),
        ("Path('/srv') / 'app.log'", "Path('/srv') / 'app.log'"),
    ],
)
def test_file_destinations_are_named_in_the_message(argument: str, shown: str) -> None:
    text = f"""\
    import logging
    import os
    from pathlib import Path
    LOG_PATH = "/srv/app.log"
    logging.FileHandler({argument})
    """
    [violation] = run_check("PY301", dedent(text))
    assert shown in violation.message
    assert violation.span.line == 5


def test_file_handler_subclasses_defined_in_the_file() -> None:
    text = """\
    from logging.handlers import RotatingFileHandler
    class Compressing(RotatingFileHandler):
        pass
    class Special(Compressing):
        pass
    Special("app.log")
    """
    [violation] = run_check("PY301", dedent(text))
    assert violation.span.line == 6
    assert "Special (a logging.handlers.RotatingFileHandler)" in violation.message


def test_basic_config() -> None:
    text = """\
    import logging, sys
    logging.basicConfig(filename="app.log", level=logging.INFO)
    logging.basicConfig(stream=sys.stdout)
    logging.basicConfig(filename="/dev/stdout")
    logging.basicConfig(level=logging.DEBUG)
    """
    found = run_check("PY301", dedent(text))
    assert lines(found) == [2]
    assert "basicConfig(filename=…)" in found[0].message


def test_dict_config_reports_each_file_handler_entry() -> None:
    text = """\
    import logging.config
    CONFIG = {
        "version": 1,
        "handlers": {
            "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
            "file": {"class": "logging.FileHandler", "filename": "app.log"},
            "stdout": {"class": "logging.FileHandler", "filename": "/dev/stdout"},
            "custom": {"class": "app.handlers.Shipper", "filename": "/var/log/x.log"},
            "nofile": {"class": "logging.handlers.RotatingFileHandler"},
        },
    }
    logging.config.dictConfig(CONFIG)
    """
    found = run_check("PY301", dedent(text))
    assert lines(found) == [6, 8, 9]
    assert "dictConfig handler 'file' (logging.FileHandler)" in found[0].message
    assert "'/var/log/x.log'" in found[1].message


def test_dict_config_with_dict_calls_and_inline_literals() -> None:
    text = """\
    from logging.config import dictConfig
    dictConfig(dict(version=1, handlers={"f": dict(filename="app.log")}))
    dictConfig({"version": 1, "handlers": {"g": {"class": "logging.FileHandler", "mode": "a"}}})
    """
    assert lines(run_check("PY301", dedent(text))) == [2, 3]


def test_django_logging_setting_is_read_once() -> None:
    text = """\
    import logging.config
    LOGGING = {
        "version": 1,
        "handlers": {"file": {"class": "logging.FileHandler", "filename": "/var/log/django.log"}},
    }
    logging.config.dictConfig(LOGGING)
    """
    assert lines(run_check("PY301", dedent(text))) == [4]


def test_file_config_without_a_readable_ini_is_a_note() -> None:
    text = "import logging.config\nlogging.config.fileConfig('logging.ini')\n"
    [violation] = run_check("PY301", dedent(text))
    assert "note" in violation.message
    assert "fileConfig('logging.ini')" in violation.message
    assert violation.severity is Severity.NOTE


def test_file_config_ini_beside_the_module_is_read(tmp_path: Path) -> None:
    (tmp_path / "files.ini").write_text(
        "[handlers]\nkeys=console,rotating\n\n"
        "[handler_console]\nclass=StreamHandler\nargs=(sys.stdout,)\n\n"
        "[handler_rotating]\nclass=handlers.RotatingFileHandler\nargs=('app.log', 'a')\n"
    )
    (tmp_path / "streams.ini").write_text(
        "[handler_console]\nclass=StreamHandler\nargs=(sys.stdout,)\n"
    )
    (tmp_path / "broken.ini").write_text("no section header\n")
    text = """\
    from logging.config import fileConfig
    fileConfig("files.ini")
    fileConfig("streams.ini")
    fileConfig("broken.ini")
    """
    found = run_check("PY301", dedent(text), path=tmp_path / "app.py")
    assert lines(found) == [2, 4]
    assert "'rotating' (handlers.RotatingFileHandler)" in found[0].message
    assert found[0].severity is None
    assert found[1].severity is Severity.NOTE


def test_loguru_sinks() -> None:
    text = """\
    import sys
    from pathlib import Path
    from loguru import logger
    from loguru import logger as log
    logger.add("app.log", rotation="1 day")
    log.add(f"logs/{sys.argv[0]}.log")
    logger.add(Path("/var/log/app.log"))
    logger.add(sys.stderr)
    logger.add(lambda message: None)
    logger.add(handler_function)
    logger.add("/dev/stdout")
    """
    found = run_check("PY301", dedent(text))
    assert lines(found) == [5, 6, 7]
    assert found[0].message.startswith("loguru logger.add() writes logs to 'app.log'")


def test_a_non_loguru_add_is_ignored() -> None:
    assert run_check("PY301", dedent("items = set()\nitems.add('app.log')\n")) == []


def test_structlog_writing_to_opened_files() -> None:
    text = """\
    import sys
    from pathlib import Path
    import structlog
    structlog.PrintLoggerFactory(file=open("app.log", "a"))
    structlog.WriteLoggerFactory(Path("app.log").open("wt"))
    with open("/var/log/s.log", "a") as out:
        structlog.BytesLoggerFactory(out)
    structlog.PrintLoggerFactory(sys.stdout)
    structlog.PrintLoggerFactory(file=open("/dev/stdout", "w"))
    structlog.PrintLoggerFactory()
    """
    found = run_check("PY301", dedent(text))
    assert lines(found) == [4, 5, 7]
    assert found[0].message.startswith("structlog.PrintLoggerFactory writes logs to a file")


def test_streams_that_are_opened_files() -> None:
    text = """\
    import logging, sys
    from loguru import logger
    log_file = open("/var/log/app.log", "a")
    logging.StreamHandler(log_file)
    logging.StreamHandler(stream=open("/dev/stdout", "w"))
    logging.StreamHandler(sys.stderr)
    logging.basicConfig(stream=open("app.log", "w"))
    logger.add(open("loguru.log", "a"))
    """
    found = run_check("PY301", dedent(text))
    assert lines(found) == [4, 7, 8]
    assert found[0].message == (
        "logging.StreamHandler writes logs to a file opened from '/var/log/app.log' "
        "instead of stdout/stderr"
    )


@pytest.mark.parametrize("name", ["gunicorn.conf.py", "gunicorn_config.py", "gunicorn.py"])
def test_gunicorn_config_log_files(name: str) -> None:
    text = """\
    import os
    bind = "0.0.0.0:8000"
    accesslog = "/var/log/gunicorn/access.log"
    errorlog = os.environ.get("ERROR_LOG", "-")
    """
    found = run_check("PY301", dedent(text), path=name)
    assert lines(found) == [3]
    assert found[0].message.startswith("gunicorn accesslog writes logs to '/var/log/gunicorn")


def test_gunicorn_streams_and_other_files_are_fine() -> None:
    text = 'accesslog = "-"\nerrorlog = "/dev/stderr"\n'
    assert run_check("PY301", dedent(text), path="gunicorn.conf.py") == []
    assert run_check("PY301", dedent('accesslog = "/var/log/a.log"\n'), path="settings.py") == []


def test_py301_skips_files_only_in_scope_as_deploy_scripts() -> None:
    text = "import logging\nlogging.FileHandler('app.log')\n"
    assert run_check("PY301", dedent(text), reason="deploy script (pyinfra/Fabric)") == []
    assert len(run_check("PY301", dedent(text), reason="build context of svc/Dockerfile")) == 1


def test_plain_streams_are_clean() -> None:
    text = """\
    import logging, sys
    logging.getLogger().addHandler(logging.StreamHandler(sys.stdout))
    logging.getLogger().addHandler(logging.StreamHandler())
    """
    assert run_check("PY301", dedent(text)) == []


# --------------------------------------------------------------------------- PY201

PYINFRA = "from pyinfra.operations import server\n"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ('server.shell("apt-get install -y nginx")', "'apt-get install' (package management)"),
        ('server.shell(commands=["sudo yum -y install httpd"])', "'yum install'"),
        ('server.shell(["dnf install -y x"])', "use dnf.packages"),
        ('server.shell("apk add --no-cache curl")', "use apk.packages"),
        ('server.shell("python3 -m pip install flask")', "use pip.packages"),
        ('server.shell("systemctl restart nginx")', "(service control)"),
        ('server.shell("service nginx reload")', "'service nginx reload'"),
        ('server.shell("/etc/init.d/nginx restart")', "'/etc/init.d/nginx restart'"),
        ('server.shell("curl -fsSL https://x.example/a.tgz | tar xz")', "(a download)"),
        ('server.shell("wget -q https://x.example/a.tgz")', "use files.download with sha256sum"),
        ('server.shell(f"apt-get install -y {package}")', "'apt-get install'"),
        ('server.shell("apt-get install -y " + package)', "'apt-get install'"),
        ('server.shell("curl -o /tmp/x {}".format(url))', "'curl {…}' (a download)"),
        ('server.shell("pip install %s" % package)', "'pip install'"),
        ('server.shell(f"curl -fsSL {url} | sh")', "'curl {…}'"),
    ],
)
def test_pyinfra_shell_commands(call: str, expected: str) -> None:
    [violation] = run_check("PY201", dedent(PYINFRA + call + "\n"), path="deploy.py")
    assert violation.message.startswith("server.shell runs ")
    assert expected in violation.message
    assert violation.span.line == 2


def test_each_command_string_is_reported_where_it_is_written() -> None:
    text = """\
    from pyinfra.operations import server as srv
    COMMANDS = [
        "apt-get update && apt-get install -y nginx",
        "nginx -t",
        "systemctl enable --now nginx",
    ]
    srv.shell(name="Install", commands=COMMANDS)
    """
    found = run_check("PY201", dedent(text), path="deploy.py")
    assert lines(found) == [3, 5]
    assert "'apt-get update', 'apt-get install'" in found[0].message


@pytest.mark.parametrize(
    "command",
    ["echo done", "nginx -t", "systemctl status nginx", "curl -fsS localhost:8080/health",
     "git -C /srv pull", "apt-cache policy nginx"],
)  # fmt: skip
def test_harmless_commands_are_not_reported(command: str) -> None:
    assert (
        run_check("PY201", dedent(PYINFRA + f"server.shell({command!r})\n"), path="deploy.py") == []
    )


def test_server_script_reads_the_local_script(tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "setup.sh").write_text("#!/bin/sh\nset -e\nyum install -y httpd\n")
    (tmp_path / "files" / "clean.sh").write_text("#!/bin/sh\necho ok\n")
    text = PYINFRA + (
        'server.script(src="files/setup.sh")\n'
        'server.script(src="files/clean.sh")\n'
        'server.script(src="files/missing.sh")\n'
    )
    found = run_check("PY201", dedent(text), path=tmp_path / "deploy.py")
    assert lines(found) == [2]
    assert found[0].message.startswith("server.script('files/setup.sh') runs 'yum install'")


def test_pyinfra_calls_outside_deploy_scripts_are_not_judged() -> None:
    text = "import server\nserver.shell('apt-get install -y nginx')\n"
    assert run_check("PY201", dedent(text), path="app.py") == []


def test_fabric_tasks() -> None:
    text = """\
    import subprocess
    from fabric import Connection, task
    from fabric.api import sudo

    @task
    def deploy(c):
        c.sudo("apt-get install -y nginx")
        c.run(command="pip install -r requirements.txt")
        c.local("apt-get install -y build-essential")
        c.run("git pull")

    conn = Connection("web1")
    conn.run("systemctl reload nginx")
    Connection("web2").sudo("wget https://example.com/x.tgz")
    subprocess.run("apt-get install -y x", shell=True)
    sudo("service nginx restart")
    """
    found = run_check("PY201", dedent(text), path="tasks.py")
    assert lines(found) == [7, 8, 13, 14, 16]
    assert found[0].message.startswith("c.sudo() runs 'apt-get install'")
    assert "image build" in found[0].message


def test_fabric1_star_imports() -> None:
    text = """\
    from fabric.api import *

    def deploy():
        run("apt-get install -y nginx")
        sudo("systemctl restart nginx")
        local("apt-get install -y make")
    """
    assert lines(run_check("PY201", dedent(text), path="fabfile.py")) == [4, 5]


def test_invoke_tasks_and_fabfiles_are_deploy_scripts() -> None:
    invoke = "from invoke import task\n@task\ndef up(c):\n    c.run('apt-get install -y x')\n"
    assert lines(run_check("PY201", dedent(invoke), path="tasks.py")) == [4]
    fabfile = "def up(c):\n    c.run('systemctl restart app')\n"
    assert lines(run_check("PY201", dedent(fabfile), path="fabfile.py")) == [2]
    assert run_check("PY201", dedent(fabfile), path="helpers.py") == []


# --------------------------------------------------------------------------- PY101


def test_latest_true_is_reported_at_the_call() -> None:
    text = "from pyinfra.operations import apt\napt.packages(packages=['nginx=1.2'], latest=True)\n"
    [violation] = run_check("PY101", dedent(text), path="deploy.py")
    assert violation.span.line == 2
    assert "apt.packages(latest=True)" in violation.message


def test_unpinned_packages_are_reported_one_by_one() -> None:
    text = """\
    from pyinfra.operations import apt, yum, pip, npm, gem, brew
    apt.packages(packages=["nginx", "curl=7.88.1"])
    yum.packages(packages=["httpd-2.4.57", "java-11-openjdk", "php=8.1"])
    pip.packages(packages=["flask", "gunicorn==22.0", "requests>=2", "./wheels/x.whl"])
    npm.packages(packages=["express", "@types/node@20.1.0", "@scope/other"])
    gem.packages(packages=["rails", "rake:13.0.6"])
    brew.packages(packages=["python@3.12", "jq"])
    apt.packages(["htop"])
    """
    found = run_check("PY101", dedent(text), path="deploy.py")
    messages = [violation.message for violation in found]
    assert messages == [
        "package 'nginx' is not pinned (apt.packages: 'nginx=<version>')",
        "package 'java-11-openjdk' is not pinned (yum.packages: 'java-11-openjdk=<version>')",
        "package 'flask' is not pinned (pip.packages: 'flask==<version>')",
        "package 'express' is not pinned (npm.packages: 'express@<version>')",
        "package '@scope/other' is not pinned (npm.packages: '@scope/other@<version>')",
        "package 'rails' is not pinned (gem.packages: 'rails:<version>')",
        "package 'jq' is not pinned (brew.packages: 'jq@<version>')",
        "package 'htop' is not pinned (apt.packages: 'htop=<version>')",
    ]
    assert (found[0].span.line, found[0].span.column) == (2, 24)


def test_removals_variables_and_non_package_operations_are_skipped() -> None:
    text = """\
    from pyinfra.operations import apt, files, server
    apt.packages(packages=["telnet"], present=False)
    apt.packages(packages=[PACKAGE, f"lib{x}"])
    apt.packages(packages=host.data.packages)
    files.put(src="nginx", dest="/etc/nginx")
    server.packages(packages=["vim=2:9.0"])
    """
    assert run_check("PY101", dedent(text), path="deploy.py") == []


def test_a_package_list_bound_once_is_followed() -> None:
    text = """\
    from pyinfra.operations import dnf as pkgs
    BASE = (
        "git",
        "make-4.3",
    )
    pkgs.packages(packages=BASE)
    """
    assert lines(run_check("PY101", dedent(text), path="deploy.py")) == [3]


def test_py101_needs_a_pyinfra_deploy() -> None:
    text = "from fabric import task\napt.packages(packages=['nginx'])\n"
    assert run_check("PY101", dedent(text), path="fabfile.py") == []


# --------------------------------------------------------------------------- robustness

ODD_SNIPPETS = [
    "import logging, os, sys\n",
    "from logging.handlers import *\n",
    "from pyinfra.operations import apt, server\n",
    "from fabric import task\n",
    "from loguru import logger\n",
    "import structlog\n",
    "logging.FileHandler()\n",
    "logging.FileHandler(*paths, **options)\n",
    "logging.FileHandler(filename=None)\n",
    "logging.config.dictConfig()\n",
    "logging.config.dictConfig({'handlers': 1})\n",
    "logging.config.dictConfig({'handlers': {'x': 1, 2: {}}})\n",
    "logging.config.dictConfig({**base, 'handlers': {'f': {'filename': b'x'}}})\n",
    "LOGGING = [1]\n",
    "LOGGING = {'handlers': {'f': dict(**x)}}\n",
    "a = b\nb = a\nlogging.FileHandler(a)\n",
    "x = x\nlogging.basicConfig(filename=x)\n",
    "logger.add()\nlogger.add(sink=open)\n",
    "structlog.PrintLoggerFactory(file=x.open)\n",
    "structlog.PrintLoggerFactory(open())\n",
    "server.shell(commands=[1, None, f'', b'apt-get install x'])\n",
    "server.shell()\nserver.script()\nserver.script(src=1)\n",
    "server.shell('apt-get install \"unterminated')\n",
    "server.shell('$(' * 50)\n",
    "apt.packages(packages=None)\napt.packages(packages=['', '  ', 1])\n",
    "apt.packages(packages=[*more], latest=flag)\n",
    "class A(FileHandler, metaclass=M):\n    pass\nA()\n",
    "def t(c):\n    c.run()\n    c.sudo(cmd)\n    c.run(*a)\n",
    "logging.config.fileConfig()\nlogging.config.fileConfig(name)\n",
    "h = logging.FileHandler(os.environ.get())\n",
    "h = logging.FileHandler(os.environ[k])\n",
    "h = logging.FileHandler('a' if x else None)\n",
]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(ODD_SNIPPETS), min_size=1, max_size=8))
def test_checks_tolerate_odd_code(snippets: list[str]) -> None:
    text = "".join(snippets)
    for name in ("app.py", "deploy.py", "fabfile.py", "gunicorn.conf.py"):
        for code in rule_codes("python"):
            for violation in run_check(code, dedent(text), path=name):
                assert violation.message
                assert violation.span.line >= 1
    fix_file_handlers(text)


# --------------------------------------------------------------------------- the PY301 fix


def test_fix_rewrites_file_handlers_and_adds_import_sys() -> None:
    before = textwrap.dedent(
        """\
        import logging
        from logging.handlers import RotatingFileHandler as RFH

        log = logging.getLogger(__name__)
        log.addHandler(logging.FileHandler("/var/log/app.log", mode="a"))
        log.addHandler(RFH("app.log", maxBytes=1000))
        log.addHandler(logging.FileHandler("/dev/stdout"))
        """
    )
    after = textwrap.dedent(
        """\
        import logging
        import sys

        log = logging.getLogger(__name__)
        log.addHandler(logging.StreamHandler(sys.stdout))
        log.addHandler(logging.StreamHandler(sys.stdout))
        log.addHandler(logging.FileHandler("/dev/stdout"))
        """
    )
    assert fix_file_handlers(before) == after
    assert fix_file_handlers(after) == after  # idempotent
    assert run_check("PY301", dedent(after)) == []


def test_fix_adds_import_logging_when_the_handler_was_imported_by_name() -> None:
    before = "import sys\nfrom logging import FileHandler\nh = FileHandler('x.log')\n"
    after = "import sys\nimport logging\n\nh = logging.StreamHandler(sys.stdout)\n"
    assert fix_file_handlers(before) == after


def test_fix_leaves_other_code_alone() -> None:
    clean = "import logging\nimport sys\nh = logging.StreamHandler(sys.stdout)\n"
    assert fix_file_handlers(clean) == clean
    broken = "print 'python 2'\n"
    assert fix_file_handlers(broken) == broken
    env = "import logging, os\nh = logging.FileHandler(os.getenv('LOG', '/dev/stdout'))\n"
    assert fix_file_handlers(env) == env


SHADOWED_MODULES = {
    "parameter": "import logging\ndef make(sys):\n    return logging.FileHandler('a.log')\n",
    "local": "import logging\ndef make():\n    sys = 3\n    return logging.FileHandler('a.log')\n",
    "enclosing": (
        "import logging\ndef outer():\n    sys = 1\n    def make():\n"
        "        return logging.FileHandler('a.log')\n    return make\n"
    ),
    "alias-then-rebound": (
        "import logging\nimport sys as system\nsys = 'x'\nh = logging.FileHandler('a.log')\n"
    ),
    "logging-parameter": (
        "from logging import FileHandler\ndef make(logging):\n    return FileHandler('a.log')\n"
    ),
    "import-after-the-call": "import logging\nh = logging.FileHandler('a.log')\nimport sys\n",
    "free-name-taken": (
        "import logging\n_sys = 1\ndef make(sys):\n    return logging.FileHandler('a.log')\n"
    ),
}


@pytest.mark.parametrize("before", SHADOWED_MODULES.values(), ids=SHADOWED_MODULES.keys())
def test_fix_names_the_modules_in_scope_at_each_call(before: str) -> None:
    """Issue 20 item 12: `sys`/`logging` shadowed where the call is never stand for the module."""
    after = fix_file_handlers(before)
    assert "StreamHandler" in after
    tree = compile(after, "fixed.py", "exec", ast.PyCF_ONLY_AST)
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".StreamHandler")
    ]
    assert calls, after
    for call in calls:
        assert isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
        assert _module_bound_to(tree, call.func.value.id) == "logging", after
        [stream] = call.args
        assert isinstance(stream, ast.Attribute) and isinstance(stream.value, ast.Name)
        assert _module_bound_to(tree, stream.value.id) == "sys", after


def _module_bound_to(tree: ast.Module, name: str) -> str | None:
    """The module a top-level import binds `name` to, when nothing else binds it."""
    imported = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    imported = alias.name
        elif _binds(node) == name:
            return None
    return imported


def _binds(node: ast.AST) -> str | None:
    """The name an assignment target or a parameter binds."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return node.id
    return node.arg if isinstance(node, ast.arg) else None


def test_fix_uses_an_earlier_import_under_its_alias() -> None:
    before = "import logging\nimport sys as out\nh = logging.FileHandler('a.log')\n"
    assert fix_file_handlers(before) == (
        "import logging\nimport sys as out\nh = logging.StreamHandler(out.stdout)\n"
    )


def test_fix_is_not_offered_beside_a_star_import() -> None:
    before = "import logging\nfrom os import *\nh = logging.FileHandler('a.log')\n"
    assert fix_file_handlers(before) == before


def test_fix_is_marked_unsafe() -> None:
    assert FIX_SAFE is False


# --------------------------------------------------------------------------- the fixture project


def test_fixture_project_through_the_engine() -> None:
    from tests.helpers import lint_directory

    result = lint_directory(FIXTURE, select=["PY", "IL001"])
    found = sorted(
        (Path(finding.path).as_posix(), finding.code, finding.span.line)
        for finding in result.findings
    )
    assert found == [
        ("deploy/deploy.py", "PY101", 3),
        ("deploy/deploy.py", "PY201", 4),
        ("deploy/fabfile.py", "PY201", 6),
        ("deploy/fabfile.py", "PY201", 7),
        ("svc/app/legacy.py", "IL001", 5),  # Python 2 in a build context
        ("svc/app/main.py", "PY301", 6),  # aliased RotatingFileHandler
        ("svc/app/settings.py", "PY301", 7),  # Django LOGGING, env default is a file
        ("worker/tasks.py", "PY301", 5),  # build context given by compose only
    ]
    # Not flagged: .dockerignore'd files, tests, and a tool outside every build context.
    checked = {Path(path).as_posix() for path in result.checked_paths}
    assert "svc/scripts/backfill.py" not in checked
    assert "svc/app/debug_local.py" not in checked
    assert "svc/tests/test_logging.py" not in checked
    assert "svc/app/test_helpers.py" not in checked
    assert "tools/report.py" not in checked
    assert "svc/app/clean.py" in checked
