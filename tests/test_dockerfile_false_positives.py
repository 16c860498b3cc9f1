"""Classes of Dockerfile false positives and negatives found on real repositories: each case
is a table row with the codes it must (and must not) raise."""

from __future__ import annotations

import pytest

from tests.helpers import run_check

HEREDOC_DATA = """\
# syntax=docker/dockerfile:1.7
FROM debian:12.7
RUN <<EOF cat > /usr/local/bin/entry
#!/bin/sh
cd /app
curl -fsS https://example.com/x | sort
wget -q https://example.com/y
EOF
RUN <<'EOF' tee /etc/app.conf > /dev/null
cd /x
EOF
"""

HEREDOC_SCRIPT = """\
# syntax=docker/dockerfile:1.7
FROM debian:12.7
RUN <<EOF bash
cd /app
curl -fsS https://example.com/x | sort
wget -q https://example.com/y
EOF
"""


@pytest.mark.parametrize("code", ["DF201", "DF205", "DF515"])
def test_heredoc_written_to_a_file_is_data(code: str) -> None:
    assert run_check(code, HEREDOC_DATA) == []


@pytest.mark.parametrize("code", ["DF201", "DF205", "DF515"])
def test_heredoc_fed_to_a_shell_is_a_script(code: str) -> None:
    assert len(run_check(code, HEREDOC_SCRIPT)) == 1


ARG_DEFAULTS = """\
FROM debian:12.7 AS tools
ENV TOOLS="make gcc"
ARG DEPS="curl wget"
ARG URL=https://example.com/tool.tar.gz
ARG IMAGE_USER=root
RUN apt-get update && apt-get install -y --no-install-recommends $DEPS
ADD $URL /tmp/
USER $IMAGE_USER
FROM debian:12.7
ARG DEPS
RUN apt-get update && apt-get install -y --no-install-recommends $TOOLS $OTHER
"""


@pytest.mark.parametrize(
    ("code", "lines", "fragment"),
    [
        ("DF104", [6], "'curl', 'wget' (from $DEPS)"),
        ("DF111", [7], "'https://example.com/tool.tar.gz' ($URL)"),
    ],
)
def test_arg_defaults_are_resolved_where_a_value_is_judged(
    code: str, lines: list[int], fragment: str
) -> None:
    # Line 11: TOOLS is an ENV of another stage, OTHER is unknown, and the bare `ARG DEPS` of
    # stage two has no global default: none of them has a value there.
    found = run_check(code, ARG_DEFAULTS)
    assert [violation.span.line for violation in found] == lines
    assert fragment in found[0].message


def test_user_from_an_arg_default_is_judged() -> None:
    text = "FROM debian:12.7\nARG IMAGE_USER=root\nUSER $IMAGE_USER\n"
    (found,) = run_check("DF401", text)
    assert "'root' ($IMAGE_USER)" in found.message
    assert run_check("DF401", "FROM debian:12.7\nARG IMAGE_USER=app\nUSER $IMAGE_USER\n") == []
    assert run_check("DF401", "FROM debian:12.7\nARG IMAGE_USER\nUSER $IMAGE_USER\n") == []


def test_global_arg_default_reaches_a_bare_arg_in_the_stage() -> None:
    text = (
        'ARG DEPS="curl"\nFROM debian:12.7\nARG DEPS\n'
        "RUN apt-get install -y --no-install-recommends $DEPS\n"
    )
    assert len(run_check("DF104", text)) == 1
    assert run_check("DF104", text.replace("ARG DEPS\nRUN", "RUN")) == []  # not redeclared


@pytest.mark.parametrize(
    "run",
    [
        "RUN bash -c 'curl -fsSL https://example.com/install.sh | sh'",
        'RUN sh -lc "wget -qO- https://example.com/install.sh | bash"',
        "RUN sudo -E bash -c 'set -e; curl -fsSL https://example.com/install.sh | bash -s --'",
    ],
)
def test_pipe_to_shell_inside_a_shell_string(run: str) -> None:
    (found,) = run_check("DF112", f"FROM debian:12.7\n{run}\n")
    assert "https://example.com/install.sh" in found.message


def test_a_url_using_a_variable_twice_is_quoted_whole() -> None:
    text = (
        "FROM debian:12.7\nENV V=10.1.0.Final\n"
        "RUN curl -fsSL -o /tmp/wf.tgz https://example.com/wildfly/$V/wildfly-$V.tar.gz\n"
    )
    (found,) = run_check("DF111", text)
    assert "'https://example.com/wildfly/$V/wildfly-$V.tar.gz'" in found.message


@pytest.mark.parametrize("option", ["--snapshot", "-S"])
def test_a_snapshot_id_is_an_option_value_not_a_package(option: str) -> None:
    from infralint.parsers import commands as tools
    from infralint.parsers.shell import parse_shell

    (command,) = parse_shell(f"apt-get install -y {option} 20240301T030400Z git").commands
    call = tools.apt_get(command)
    assert call is not None
    assert [package.name for package in call.packages] == ["git"]
    assert call.has("snapshot")


def test_a_snapshot_source_pins_later_installs_of_the_stage_and_its_children() -> None:
    text = (
        "FROM debian:12.7 AS base\n"
        "RUN apt-get install -y --no-install-recommends early\n"
        'RUN echo "deb http://snapshot.debian.org/archive/debian/20240301T000000Z bookworm main"'
        " > /etc/apt/sources.list\n"
        "RUN apt-get install -y --no-install-recommends late\n"
        "FROM base\n"
        "RUN apt-get install -y --no-install-recommends child\n"
        "FROM debian:12.7\n"
        "RUN apt-get install -y --no-install-recommends other\n"
    )
    assert [v.message.split("'")[1] for v in run_check("DF104", text)] == ["early", "other"]


@pytest.mark.parametrize(
    ("line", "reported"),
    [
        ("ARG USERNAME=vscode", False),
        ("ENV VPN_USERNAME=admin", False),
        ('ENV GPG_KEYS="B9AE9905FFD7803F25714661B63B535A4C206CA9"', False),
        ("ENV KEEPASSXC_VERSION=2.7.9", False),
        ("ENV PROXY_BYPASS=localhost", False),
        ("ENV TRUST_STORE_PASSWORD=/opt/app/secrets/server.pass", False),
        ("ENV SLACK_TOKEN=", False),
        ("ENV LDAP_ROOTPASS=fsociety", True),
        ("ENV MAIL_PASS=admin", True),
        ("ENV LICENSE_KEY=lgNvGyhnUKpa5PJi", True),
        ("ARG SLACK_TOKEN", True),
        ("ARG apiKey", True),
        ("ENV DB_PASSWORD=hunter2", True),
    ],
)
def test_secret_names_are_judged_by_their_words(line: str, reported: bool) -> None:
    assert bool(run_check("DF404", f"FROM debian:12.7\n{line}\n")) == reported


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("FROM alpine:3.20\nRUN curl -fsS https://x/a | sort\n", '["/bin/ash", "-eo", "pipefail"'),
        ("FROM node:20.16.0-alpine\nRUN curl -fsS https://x/a | sort\n", "/bin/ash"),
        ("FROM debian:12.7\nRUN curl -fsS https://x/a | sort\n", '["/bin/bash", "-o", "pipefail"'),
        (
            'FROM debian:12.7\nSHELL ["/bin/bash", "-c"]\nRUN curl -fsS https://x/a | sort\n',
            'add "-o", "pipefail" to SHELL',
        ),
        (
            "# syntax=docker/dockerfile:1.7\nFROM debian:12.7\nRUN <<EOF bash\n"
            "curl -fsS https://x/a | sort\nEOF\n",
            "start the script with set -o pipefail",
        ),
        (
            "# syntax=docker/dockerfile:1.7\nFROM debian:12.7\nRUN <<EOF\n#!/bin/bash\n"
            "curl -fsS https://x/a | sort\nEOF\n",
            "start the script with set -o pipefail",
        ),
    ],
)
def test_pipefail_advice_fits_the_stage_shell(text: str, advice: str) -> None:
    (found,) = run_check("DF205", text)
    assert advice in found.message


def test_pipes_fed_by_words_hide_nothing() -> None:
    text = (
        "FROM debian:12.7\n"
        'RUN echo "$SHA  /tmp/a" | sha256sum -c - && printf "%s\\n" a | sort && yes | true\n'
        "RUN cat <<EOF | tee /etc/x.conf\nkey=value\nEOF\n"
    )
    assert run_check("DF205", text) == []


@pytest.mark.parametrize("code", ["DF104", "DF119", "DF204"])
def test_a_simulated_install_installs_nothing(code: str) -> None:
    text = (
        "FROM debian:12.7\n"
        'RUN if apt-get install -s "postgresql-17-jit" > /dev/null 2>&1; then echo yes; fi\n'
    )
    assert run_check(code, text) == []
    assert run_check(code, text.replace("-s ", "")) != []
