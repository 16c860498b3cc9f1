"""Package-manager and tool argument parsing (infralint.parsers.commands)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infralint.model import Span
from infralint.parsers import commands as tools
from infralint.parsers.commands import Invocation
from infralint.parsers.shell import Command, parse_shell


def cmd(text: str) -> Command:
    return parse_shell(text).commands[0]


def packages(call: Invocation | None) -> list[tuple[str, str | None, str]]:
    assert call is not None
    return [(p.name, p.version, p.kind) for p in call.packages]


# --------------------------------------------------------------------------- unwrap


@pytest.mark.parametrize(
    ("text", "argv"),
    [
        ("sudo -E -u root apt-get install x", ["apt-get", "install", "x"]),
        ("env -i A=1 B=2 pip install x", ["pip", "install", "x"]),
        ("command apt-get update", ["apt-get", "update"]),
        ("xargs -r -n1 -I{} npm install {}", ["npm", "install", "{}"]),
        ("nice -n 10 time -p make", ["make"]),
        ("exec -a name gunicorn app", ["gunicorn", "app"]),
        ("timeout -s KILL 30 curl u", ["curl", "u"]),
        ("sudo env DEBIAN_FRONTEND=noninteractive apt-get install x", ["apt-get", "install", "x"]),
        ("command -v apt-get", ["command", "-v", "apt-get"]),
        ("sudo", ["sudo"]),
    ],
)
def test_unwrap(text: str, argv: list[str]) -> None:
    assert tools.unwrap(cmd(text)).argv == argv


def test_unwrap_keeps_env_assignments_and_position() -> None:
    original = cmd("env PIP_NO_CACHE_DIR=1 pip install x")
    inner = tools.unwrap(original)
    assert [name for name, _ in inner.assignments] == ["PIP_NO_CACHE_DIR"]
    assert inner.span == original.span


# --------------------------------------------------------------------------- apt


def test_apt_options_with_values_are_not_packages() -> None:
    call = tools.apt_get(
        cmd(
            "apt-get -qq -o Dpkg::Options::=--force-confold -t bookworm-backports install -y "
            "--no-install-recommends curl=7.1 wget foo/bullseye ./x.deb $PKG"
        )
    )
    assert call is not None
    assert call.subcommand == "install"
    assert call.count("quiet") == 2
    assert call.has("yes") and call.has("no-install-recommends")
    assert call.value("target-release") == "bookworm-backports"
    assert packages(call) == [
        ("curl", "7.1", "name"),
        ("wget", None, "name"),
        ("foo", "bullseye", "name"),
        ("./x.deb", None, "file"),
        ("$PKG", None, "dynamic"),
    ]


def test_apt_package_spans_point_at_the_word() -> None:
    call = tools.apt_get(cmd("apt-get install -y \\\n  curl"))
    assert call is not None
    assert call.packages[0].span == Span(2, 3, 2, 7)


def test_apt_other_programs() -> None:
    assert tools.apt_get(cmd("apt-gets install x")) is None
    call = tools.apt_get(cmd("apt install x"))
    assert call is not None and call.tool == "apt"
    assert tools.apt_get(cmd("apt-get update")) is not None
    assert packages(tools.apt_get(cmd("apt-get remove x"))) == []


# --------------------------------------------------------------------------- apk, rpm family


def test_apk() -> None:
    call = tools.apk(cmd("apk add --no-cache -t .deps curl=1.2 'wget~1' 'bash>5' x ./a.apk"))
    assert call is not None and call.has("no-cache")
    assert call.value("virtual") == ".deps"
    assert packages(call) == [
        ("curl", "1.2", "name"),
        ("wget", "1", "name"),
        ("bash", "5", "name"),
        ("x", None, "name"),
        ("./a.apk", None, "file"),
    ]
    assert tools.apk(cmd("apk -U add x")) is not None


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("httpd-2.4.6", ("httpd", "2.4.6", "name")),
        ("python3-pip", ("python3-pip", None, "name")),
        ("nginx-1.24.0-1.el9", ("nginx", "1.24.0-1.el9", "name")),
        ("x.rpm", ("x.rpm", None, "file")),
        ("@development", ("@development", None, "group")),
        ("'bash >= 5'", ("bash", "5", "name")),
    ],
)
def test_rpm_versions(word: str, expected: tuple[str, str | None, str]) -> None:
    assert packages(tools.yum(cmd(f"dnf install -y {word}"))) == [expected]


def test_yum_modules_and_values() -> None:
    call = tools.yum(cmd("dnf --setopt=tsflags=nodocs --enablerepo epel module install -y nodejs"))
    assert call is not None
    assert call.subcommand == "module install"
    assert call.has("assumeyes")
    assert packages(call) == [("nodejs", None, "name")]
    assert packages(tools.yum(cmd("microdnf module install nodejs:20"))) == [
        ("nodejs", "20", "name")
    ]


def test_zypper_aliases() -> None:
    call = tools.zypper(cmd("zypper -n in -y curl=7 wget"))
    assert call is not None
    assert call.subcommand == "install"
    assert call.has("non-interactive") and call.has("no-confirm")
    assert packages(call) == [("curl", "7", "name"), ("wget", None, "name")]
    dup = tools.zypper(cmd("zypper dup"))
    assert dup is not None and dup.subcommand == "dist-upgrade"


# --------------------------------------------------------------------------- pip


@pytest.mark.parametrize(
    "text",
    ["pip install x", "pip3 install x", "pip3.12 install x", "python3 -m pip install x",
     "python -u -m pip install x", "uv pip install x", "/usr/local/bin/pip install x"],
)  # fmt: skip
def test_pip_spellings(text: str) -> None:
    call = tools.pip(cmd(text))
    assert call is not None and call.subcommand == "install"
    assert packages(call) == [("x", None, "name")]


@pytest.mark.parametrize("text", ["pipx install x", "pipenv install x", "python setup.py install"])
def test_not_pip(text: str) -> None:
    assert tools.pip(cmd(text)) is None


def test_pip_packages() -> None:
    call = tools.pip(
        cmd(
            "pip install --no-cache-dir -r req.txt -i https://idx flask==2.0 requests "
            '"uvicorn[standard]>=0.2" git+https://tok@github.com/a/b.git@v1#egg=b '
            "git+https://github.com/a/c.git ./pkg x.whl . 'pkg @ https://h/p.zip' -e ./plugin"
        )
    )
    assert call is not None
    assert call.value("requirement") == "req.txt"
    assert call.value("index-url") == "https://idx"
    assert packages(call) == [
        ("flask", "2.0", "name"),
        ("requests", None, "name"),
        ("uvicorn", "0.2", "name"),
        ("git+https://tok@github.com/a/b.git@v1#egg=b", "v1", "vcs"),
        ("git+https://github.com/a/c.git", None, "vcs"),
        ("./pkg", None, "path"),
        ("x.whl", None, "file"),
        (".", None, "path"),
        ("pkg", "https://h/p.zip", "url"),
        ("./plugin", None, "path"),
    ]


# --------------------------------------------------------------------------- node, gem, go, cargo


def test_npm_scoped_and_sources() -> None:
    call = tools.npm(
        cmd("npm i -g --registry https://r @scope/pkg@1 @scope/other lodash github:a/b#v1 x.tgz")
    )
    assert call is not None and call.subcommand == "install" and call.has("global")
    assert packages(call) == [
        ("@scope/pkg", "1", "name"),
        ("@scope/other", None, "name"),
        ("lodash", None, "name"),
        ("github:a/b", "v1", "vcs"),
        ("x.tgz", None, "file"),
    ]


def test_yarn_global_add_and_pnpm() -> None:
    call = tools.npm(cmd("yarn global add typescript@5"))
    assert call is not None and call.subcommand == "add" and call.has("global")
    assert packages(call) == [("typescript", "5", "name")]
    assert packages(tools.npm(cmd("pnpm add -D vite"))) == [("vite", None, "name")]
    install = tools.npm(cmd("npm ci"))
    assert install is not None and install.subcommand == "ci" and install.packages == []


def test_gem_options_do_not_eat_gems() -> None:
    assert packages(tools.gem(cmd("gem install --no-document bundler rails:7"))) == [
        ("bundler", None, "name"),
        ("rails", "7", "name"),
    ]
    assert packages(tools.gem(cmd("gem install nokogiri -v 1.2 --source https://s"))) == [
        ("nokogiri", "1.2", "name")
    ]


def test_go_flags_with_values() -> None:
    call = tools.go(cmd("go install -tags netgo -ldflags '-s -w' example.com/x@latest ./cmd/y"))
    assert call is not None
    assert call.value("tags") == "netgo"
    assert packages(call) == [("example.com/x", "latest", "name"), ("./cmd/y", None, "path")]


def test_cargo() -> None:
    assert packages(tools.cargo(cmd("cargo install --locked ripgrep"))) == [
        ("ripgrep", None, "name")
    ]
    assert packages(tools.cargo(cmd("cargo install fd-find@8"))) == [("fd-find", "8", "name")]
    assert packages(tools.cargo(cmd("cargo install --vers 1 bat"))) == [("bat", "1", "name")]
    assert packages(tools.cargo(cmd("cargo install --path . tool"))) == [("tool", None, "path")]


# --------------------------------------------------------------------------- downloads


def test_curl_output_and_urls() -> None:
    got = tools.download(cmd("curl -fsSLo /tmp/x.tgz https://h/x.tgz"))
    assert got is not None and got.to_file and not got.to_stdout
    assert got.output is not None and got.output.text == "/tmp/x.tgz"
    assert [u.text for u in got.urls] == ["https://h/x.tgz"]
    piped = tools.download(cmd("curl -fsSL https://h/i.sh"))
    assert piped is not None and piped.to_stdout
    remote = tools.download(cmd("curl -O https://h/a.zip"))
    assert remote is not None and remote.to_file


def test_curl_redirect_to_file() -> None:
    got = tools.download(cmd("curl -sL https://h/x > /tmp/x"))
    assert got is not None and got.to_file
    assert got.output is not None and got.output.text == "/tmp/x"


def test_wget() -> None:
    to_stdout = tools.download(cmd("wget -qO- https://h/x"))
    assert to_stdout is not None and to_stdout.to_stdout
    call = tools.wget(cmd("wget -nv --progress=dot:giga https://h/x"))
    assert call is not None and call.has("no-verbose") and call.value("progress") == "dot:giga"
    default = tools.download(cmd("wget https://h/x"))
    assert default is not None and default.to_file


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sha256sum -c x.sha256", True),
        ("sha256sum --check --strict x", True),
        ("shasum -a 256 -c sums", True),
        ("sha256sum file", False),
        ("gpg --batch --verify x.asc x", True),
        ("gpg --import key", False),
        ("cosign verify-blob --key k x", True),
        ("minisign -Vm x -P key", True),
    ],
)
def test_verifies(text: str, expected: bool) -> None:
    assert tools.verifies(cmd(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tar -xzf a.tgz", True),
        ("tar xzf a.tgz", True),
        ("tar --extract -f a", True),
        ("tar -czf a.tgz d", False),
        ("unzip a.zip", True),
        ("xz -d a.xz", True),
        ("gzip a", False),
        ("cpio -idm", True),
    ],
)
def test_extracts(text: str, expected: bool) -> None:
    assert tools.extracts(cmd(text)) is expected


def test_git_global_options() -> None:
    call = tools.git(cmd("git -C /src clone --depth 1 -b v1.2 https://g/r.git dir"))
    assert call is not None
    assert call.subcommand == "clone"
    assert call.value("branch") == "v1.2" and call.value("C") == "/src"
    assert [w.text for w in call.operands] == ["https://g/r.git", "dir"]


def test_invocation_dispatch() -> None:
    call = tools.invocation(cmd("sudo pip3 install x"))
    assert call is not None and call.tool == "pip"
    assert tools.invocation(cmd("echo hi")) is None


def test_expand_packages() -> None:
    call = tools.apt_get(cmd("apt-get install -y $PKGS ${OTHER} $UNKNOWN lit"))
    assert call is not None
    expanded = tools.expand_packages(call, {"PKGS": "a=1 b", "OTHER": "c"})
    assert [(p.name, p.version, p.kind, p.via) for p in expanded] == [
        ("a", "1", "name", "PKGS"),
        ("b", None, "name", "PKGS"),
        ("c", None, "name", "OTHER"),
        ("$UNKNOWN", None, "dynamic", None),
        ("lit", None, "name", None),
    ]
    assert expanded[0].span == call.packages[0].span


_TOKENS = [
    "apt-get", "apk", "dnf", "zypper", "pip", "python3", "-m", "npm", "yarn", "gem", "go",
    "cargo", "curl", "wget", "git", "tar", "sudo", "env", "xargs", "install", "add", "-y",
    "-o", "-t", "--", "-", "-qO-", "x=1", "$V", "'a b'", "@s/p@1", "&&", "|", ";", "-c",
    "sh", "-r", "--version", "-v", "A=1", "clone", "-b",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=12))
def test_readers_never_raise(words: list[str]) -> None:
    for command in parse_shell(" ".join(words)).commands:
        call = tools.invocation(command)
        if call is not None:
            tools.expand_packages(call, {"V": "a b=1"})
        tools.download(command)
        tools.verifies(command)
        tools.extracts(command)
