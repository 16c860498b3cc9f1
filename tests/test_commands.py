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


def test_env_assignments_hold_the_value_like_prefix_assignments() -> None:
    prefixed = cmd("A=1 pip install x")
    wrapped = tools.unwrap(cmd('sudo env A=1 B="x y" C=$V pip install x'))
    assert [(n, w.text, w.raw) for n, w in prefixed.assignments] == [("A", "1", "1")]
    assert [(n, w.text, w.raw, w.static) for n, w in wrapped.assignments] == [
        ("A", "1", "1", True),
        ("B", "x y", '"x y"', True),
        ("C", "$V", "$V", False),
    ]
    assert wrapped.assignments[0][1].span == Span(1, 12, 1, 13)  # the value only, as `A=1 cmd`
    assert prefixed.assignments[0][1].span == Span(1, 3, 1, 4)


def test_unwrap_sudo_env_exec() -> None:
    inner = tools.unwrap(cmd("sudo -u root -E env A=1 exec nice -n 5 apt-get update"))
    assert inner.argv == ["apt-get", "update"]
    assert [key for key, _ in inner.assignments] == ["A"]
    assert tools.unwrap(cmd("command -v curl")).program == "command"


@pytest.mark.parametrize(
    ("text", "argv"),
    [
        ("exec tini -s -- gosu app python3 app.py", ["python3", "app.py"]),
        ("tini -e 143 -- node server.js", ["node", "server.js"]),
        ("dumb-init -r 15:2 su-exec app:app nginx -g x", ["nginx", "-g", "x"]),
        ("chpst -u app -e /env runsv", ["runsv"]),
        ("gosu app", ["gosu", "app"]),
        ("sudo env A=1 gosu app ./run", ["./run"]),
    ],
)
def test_unwrap_start(text: str, argv: list[str]) -> None:
    assert tools.unwrap_start(cmd(text)).argv == argv
    assert tools.unwrap(cmd("tini -- app")).program == "tini"  # only unwrap_start knows inits


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


def test_pipx_packages() -> None:
    call = tools.invocation(cmd("pipx install --python python3.12 black==24.8.0 ruff"))
    assert call is not None and call.tool == "pipx" and call.subcommand == "install"
    assert packages(call) == [("black", "24.8.0", "name"), ("ruff", None, "name")]
    inject = tools.invocation(cmd("pipx inject black isort"))
    assert inject is not None and packages(inject) == [("isort", None, "name")]
    assert packages(tools.invocation(cmd("pipx run black"))) == []


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


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("curl -fsSLo /tmp/x.tgz https://h/x.tgz", "/tmp/x.tgz"),
        ("curl -fsSL https://h/i.sh", "-"),
        ("curl -o - https://h/i.sh", "-"),
        ("curl -O https://h/a/b.zip?x=1", "b.zip"),
        ("curl -sL https://h/x > /tmp/x", "/tmp/x"),
        ("curl -sL https://h/x > /dev/null", None),
        ("curl -o /dev/stdout https://h/x", "-"),
        ("curl -so /dev/null -w '%{http_code}' https://h/x", None),
        ("curl -o /dev/stderr https://h/x", None),
        ("wget https://h/x.tgz", "x.tgz"),
        ("wget -P /opt/dl https://h/x.tgz", "/opt/dl/x.tgz"),
        ("wget --directory-prefix=/opt https://h/x.tgz", "/opt/x.tgz"),
        ("wget -qO- https://h/x", "-"),
        ("wget -O /dev/stdout https://h/x", "-"),
        ("wget -O /tmp/k.asc https://h/k", "/tmp/k.asc"),
        ("wget -q --spider https://h/x", None),
        ("wget -qO /dev/null https://h/x", None),
    ],
)
def test_download_target(text: str, target: str | None) -> None:
    got = tools.download(cmd(text))
    assert got is not None and got.target == target
    assert got.to_stdout is (target == "-")
    assert got.to_file is (target not in (None, "-"))


def test_download_url_and_url_name() -> None:
    got = tools.download(cmd("sudo curl -fsSL --url https://h/a.sh"))
    assert got is not None and got.url is not None and got.url.text == "https://h/a.sh"
    assert tools.download(cmd("curl -V")) is not None and tools.download(cmd("ls")) is None
    assert tools.url_name("https://h/p/x-1.2.tar.gz?sig=1#frag") == "x-1.2.tar.gz"
    assert tools.url_name(None) == ""


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
    ("text", "kind", "weak"),
    [
        ("sha256sum -c x.sha256", "checksum", False),
        ("sudo sha512sum --check sums", "checksum", False),
        ("md5sum -c x.md5", "checksum", True),
        ("gpgv --keyring k x.sig x", "signature", False),
        ("gpgv2 x.sig x", "signature", False),
        ("signify -Vp key.pub -m x", "signature", False),
        ("openssl dgst -sha256 -verify pub.pem -signature x.sig x", "signature", False),
        ("rpm -K x.rpm", "signature", False),
        ("rpmkeys --checksig x.rpm", "signature", False),
        ("slsa-verifier verify-artifact x", "signature", False),
        ("gh attestation verify x --owner o", "signature", False),
    ],
)
def test_verification_kind_and_strength(text: str, kind: str, weak: bool) -> None:
    found = tools.verification(cmd(text))
    assert found is not None and (found.kind, found.weak) == (kind, weak)
    assert tools.verifies(cmd(text)) and tools.verifies(cmd(text), weak=False) is not weak


@pytest.mark.parametrize(
    "text", ["md5sum file", "signify -S -s key", "rpm -i x.rpm", "gh pr list", "openssl dgst x"]
)
def test_no_verification(text: str) -> None:
    assert tools.verification(cmd(text)) is None and not tools.verifies(cmd(text))


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


# --------------------------------------------------------------------------- git refs


@pytest.mark.parametrize(
    ("spec", "ref"),
    [
        ("git+https://github.com/o/r.git@v1.2#egg=r", "v1.2"),
        ("git+https://github.com/o/r.git", ""),
        ("r @ git+ssh://git@github.com/o/r.git@abc1234", "abc1234"),
        ("git+ssh://git@github.com/o/r.git", ""),
        ("requests==2.0", None),
        ("https://h/x.whl", None),
    ],
)
def test_pip_git_ref(spec: str, ref: str | None) -> None:
    assert tools.pip_git_ref(spec) == ref


@pytest.mark.parametrize(
    ("spec", "ref"),
    [
        ("github:o/r#v1.0.0", "v1.0.0"),
        ("o/r", ""),
        ("o/r#main", "main"),
        ("git+https://h/r.git#dev", "dev"),
        ("https://h/r.git", ""),
        ("github:o/r#semver:1.2.3", "1.2.3"),
        ("github:o/r#semver:^1.2", "semver:^1.2"),
        ("@scope/pkg", None),
        ("lodash@4", None),
        ("./local", None),
        ("https://h/x.tgz", None),
    ],
)
def test_npm_git_ref(spec: str, ref: str | None) -> None:
    assert tools.npm_git_ref(spec) == ref


# --------------------------------------------------------------------------- other tools


def test_parse_args_clusters_and_values() -> None:
    command = cmd("useradd -mu 1001 --shell=/bin/sh -g app -- app -x")
    parsed = tools.parse_args(command.args, tools.SHORT_VALUES["useradd"], {"shell", "gid"})
    assert [option.name for option in parsed.options] == ["m", "u", "shell", "g"]
    assert parsed.value("u") == "1001" and parsed.value("shell") == "/bin/sh"
    assert parsed.value("g") == "app"
    assert [word.text for word in parsed.operands] == ["app", "-x"]
    stopped = tools.parse_args(cmd("gosu app -v python -u x.py").args, stop_at_operand=True)
    assert [word.text for word in stopped.operands] == ["app", "-v", "python", "-u", "x.py"]


def test_parse_args_value_words() -> None:
    parsed = tools.parse_args(cmd("install -m755 --mode 0700 -o root a b").args, "mo", {"mode"})
    inline, separate, owner = parsed.get("m", "mode", "o")
    assert inline.value == "755" and inline.value_word is None
    assert inline.value_holder is not None and inline.value_holder.text == "-m755"
    assert separate.value_holder is separate.value_word and separate.value == "0700"
    assert owner.value == "root"
    assert tools.parse_args(cmd("x -m").args, "m").get("m")[0].value_holder is None
    dynamic = tools.parse_args(cmd('x -"$F" y').args)
    assert [w.text for w in dynamic.operands] == ["-$F", "y"] and not dynamic.options


def test_arguments_use_the_tool_table() -> None:
    parsed = tools.arguments(cmd("useradd -l -u 100001 --home-dir /h -s /bin/sh app"))
    assert parsed.has("l") and parsed.value("u") == "100001"
    assert [w.text for w in parsed.operands] == ["app"]
    assert [w.text for w in tools.arguments(cmd("mkdir --mode 777 /x")).operands] == ["/x"]
    ln = tools.arguments(cmd("ln -sf --suffix .bak /bin/bash /bin/sh"))
    assert [w.text for w in ln.operands] == ["/bin/bash", "/bin/sh"]


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        ("echo x > /a 2>&1 >> /b", ["/a", "/b"]),
        ("mkdir -p -m 700 /x /y", ["/x", "/y"]),
        ("chattr +i /etc/x", ["/etc/x"]),
        ("chmod 755 /x", ["/x"]),
        ("chown --reference=/r /x", ["/x"]),
        ("cp -r a b /dst", ["/dst"]),
        ("cp -t /dst a b", ["/dst"]),
        ("install -Dm644 f /usr/bin/f", ["/usr/bin/f"]),
        ("sed -i s/a/b/ /etc/hosts", ["/etc/hosts"]),
        ("sed -i -e s/a/b/ /etc/a /etc/b", ["/etc/a", "/etc/b"]),
        ("sed s/a/b/ /etc/hosts", []),
        ("curl -o /tmp/x https://h/x", ["/tmp/x"]),
        ("wget -P /opt https://h/x", ["/opt"]),
        ("tar -xzf a.tgz -C /opt", ["/opt"]),
        ("tar czf a.tgz -C /opt .", []),
        ("unzip a.zip -d /srv", ["/srv"]),
        ("git clone https://h/r.git /src", ["/src"]),
        ("ls /x", []),
    ],
)
def test_written_paths(text: str, paths: list[str]) -> None:
    assert [word.text for word in tools.written_paths(cmd(text))] == paths


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sh", True),
        ("bash -s -- --flag", True),
        ("sh -c 'echo'", False),
        ("bash install.sh", False),
        ("bash -", True),
        ("busybox sh", True),
        ("python3 -", True),
        ("python3", True),
        ("python3 -m pip", False),
        ("python3 -W ignore -", True),
        ("perl", True),
        ("perl -e 1", False),
        ("node --eval x", False),
        ("php -r x", False),
        ("ruby /dev/stdin", True),
        ("tar x", False),
    ],
)
def test_reads_program_from_stdin(text: str, expected: bool) -> None:
    assert tools.reads_program_from_stdin(cmd(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("systemctl restart nginx", ("systemctl", "restart", "nginx")),
        ("sudo systemctl -t service --now start app", ("systemctl", "start", "app")),
        ("systemctl daemon-reload", ("systemctl", "daemon-reload", None)),
        ("service nginx reload", ("service", "reload", "nginx")),
        ("service --status-all", ("service", None, None)),
        ("invoke-rc.d cron start", ("invoke-rc.d", "start", "cron")),
        ("rc-service -q sshd restart", ("rc-service", "restart", "sshd")),
        ("initctl start job", ("initctl", "start", "job")),
        ("/etc/init.d/nginx start", ("init.d", "start", "nginx")),
        ("/etc/rc.d/init.d/httpd stop", ("init.d", "stop", "httpd")),
        ("nginx -s reload", None),
    ],
)
def test_service_control(text: str, expected: tuple[str, str | None, str | None] | None) -> None:
    control = tools.service_control(cmd(text))
    found = None if control is None else (control.manager, control.action, control.service)
    assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tail -f /dev/null", "-f"),
        ("tail -n 0 -F /x", "-F"),
        ("tail --follow=name /x", "--follow=name"),
        ("tail -qf /x", "-qf"),
        ("tail -n 5 /x", None),
        ("tail -5f /x", None),
        ("tail -nf /x", None),
        ("sleep infinity", "infinity"),
        ("sleep 1 inf", "inf"),
        ("sleep 5", None),
        ("cat -f", None),
    ],
)
def test_keeps_alive(text: str, expected: str | None) -> None:
    word = tools.keeps_alive(cmd(text))
    assert (word.text if word is not None else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sed -i s/a/b/ f", True),
        ("sudo sed -i.bak -e s/a/b/ f", True),
        ("sed --in-place=.bak s/a/b/ f", True),
        ("sed -ni p f", True),
        ("sed -e s/i/x/ f", False),
        ("sed -f script.sed f", False),
        ("perl -i -pe s/a/b/ f", False),
    ],
)
def test_sed_in_place(text: str, expected: bool) -> None:
    assert tools.sed_in_place(cmd(text)) is expected


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        ("rm -rf /var/lib/apt/lists/* /tmp/x", ["/var/lib/apt/lists/*", "/tmp/x"]),
        ("rm -f -- /a", ["/a"]),
        ("rmdir /a", []),
        ("echo rm /a", []),
    ],
)
def test_removed_paths(text: str, paths: list[str]) -> None:
    assert [word.text for word in tools.removed_paths(cmd(text))] == paths


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("chmod 777 /x", ("777", ["/x"])),
        ("chmod -R o+w /a /b", ("o+w", ["/a", "/b"])),
        ("chmod -w /x", ("-w", ["/x"])),
        ("chmod --reference=/a /b", None),
        ("mkdir -p -m 1777 /tmp/x", ("1777", ["/tmp/x"])),
        ("install --mode=0666 a /b", ("0666", ["a", "/b"])),
        ("mkdir -p /x", None),
        ("chown a /x", None),
    ],
)
def test_mode_setting(text: str, expected: tuple[str, list[str]] | None) -> None:
    setting = tools.mode_setting(cmd(text))
    found = None if setting is None else (setting.mode, [w.text for w in setting.paths])
    assert found == expected


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
        tools.written_paths(command)
        tools.unwrap_start(command)
        tools.reads_program_from_stdin(command)
        tools.service_control(command)
        tools.keeps_alive(command)
        tools.sed_in_place(command)
        tools.removed_paths(command)
        tools.mode_setting(command)
