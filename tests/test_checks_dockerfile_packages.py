"""Package-manager rules on cases the rule documents do not show: exact positions, ONBUILD,
heredocs, exec form, nested `sh -c`, stage selection, files beside the Dockerfile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from infralint.fixes import apply_edits
from infralint.model import Fix, Span, Violation
from infralint.project import Project
from tests.helpers import run_check


def lines(violations: list[Violation]) -> list[int]:
    return [v.span.line for v in violations]


def test_finding_points_at_the_package_deep_in_a_long_run() -> None:
    text = (
        "FROM debian:12.7\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends \\\n"
        "        a=1 \\\n"
        "        # a comment inside the continuation\n"
        "        b=2 \\\n"
        "        c=3 \\\n"
        "        unpinned \\\n"
        "        d=4 \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )
    found = run_check("DF104", text)
    assert [v.span for v in found] == [Span(8, 9, 8, 17)]
    assert found[0].message == (
        "package 'unpinned' is not pinned (apt-get install unpinned=<version>)"
    )


def test_onbuild_run_is_checked() -> None:
    text = "FROM alpine:3.20\nONBUILD RUN apk add --no-cache curl\n"
    found = run_check("DF105", text)
    assert [(v.span.line, v.span.column) for v in found] == [
        (2, len("ONBUILD RUN apk add --no-cache ") + 1)
    ]


def test_nested_shell_strings_are_read() -> None:
    text = "FROM alpine:3.20\nRUN sh -c \"bash -c 'apk add --no-cache jq'\"\n"
    found = run_check("DF105", text)
    assert len(found) == 1
    assert found[0].span.line == 2
    assert found[0].span.column == len("RUN sh -c \"bash -c 'apk add --no-cache ") + 1


def test_exec_form_shell_is_read() -> None:
    text = 'FROM python:3.12.5-slim\nRUN ["sh", "-c", "pip install --no-cache-dir flask"]\n'
    assert lines(run_check("DF107", text)) == [2]


def test_heredoc_run_is_read() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "FROM debian:12.7\n"
        "RUN <<EOF\n"
        "apt-get update\n"
        "apt-get install -y --no-install-recommends curl\n"
        "rm -rf /var/lib/apt/lists/*\n"
        "EOF\n"
    )
    assert lines(run_check("DF104", text)) == [5]
    assert run_check("DF513", text) == []


def test_non_posix_shell_is_not_read() -> None:
    text = (
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'SHELL ["powershell", "-c"]\n'
        "RUN pip install flask\n"
    )
    assert run_check("DF107", text) == []


def test_cache_rule_judges_final_and_base_stages_only() -> None:
    text = (
        "FROM debian:12.7 AS builder\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3\n"
        "FROM debian:12.7 AS base\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1\n"
        "FROM base\n"
        "COPY --from=builder /usr/bin/gcc /usr/bin/gcc\n"
        "RUN pip install flask==3.0.3\n"
    )
    found = run_check("DF513", text)
    assert lines(found) == [4, 7]
    assert [v.peer for v in found] == ["DL3009", "DL3042"]


def test_cache_rule_accepts_mounts_and_env() -> None:
    text = (
        "FROM debian:12.7\n"
        "ENV PIP_NO_CACHE_DIR=true\n"
        "RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\\n"
        "    apt-get update && apt-get install -y --no-install-recommends curl=1\n"
        "RUN pip install flask==3.0.3\n"
        "RUN --mount=type=cache,target=/root/.cache/yarn yarn install --frozen-lockfile\n"
        "RUN --mount=type=bind,target=/var/cache/apk apk add curl=1\n"
    )
    assert lines(run_check("DF513", text)) == [7]


def test_cleanup_must_come_after_the_install() -> None:
    text = "FROM rockylinux:9.3\nRUN dnf clean all && dnf install -y httpd-2.4.62\n"
    assert lines(run_check("DF513", text)) == [2]


def test_index_update_alone_counts_other_scripts_of_the_run() -> None:
    text = "FROM debian:12.7\nRUN apt-get update && sh -c 'apt-get install -y curl=1'\n"
    assert run_check("DF116", text) == []


def test_requirements_with_hashes_beside_the_dockerfile(tmp_path: Path) -> None:
    hashed = "flask==3.0.3 --hash=sha256:" + "a" * 64 + "\n"
    (tmp_path / "requirements.txt").write_text(hashed)
    (tmp_path / "other.txt").write_text("flask==3.0.3\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12.5-slim\n"
        "RUN pip install --no-cache-dir -r /app/requirements.txt\n"
        "RUN pip install --no-cache-dir -r other.txt\n"
    )
    result = _infralint(tmp_path, "--no-cache", "--select", "DF121", "-f", "json", "Dockerfile")
    assert [f["line"] for f in json.loads(result.stdout)["findings"]] == [3]


def test_requirements_check_reads_only_the_project(tmp_path: Path) -> None:
    """The link stage reads the requirements files; the check consults only the Project (the
    file named here does not exist)."""
    text = (
        "FROM python:3.12.5-slim\n"
        "RUN pip install -r /app/requirements.txt\n"
        "RUN pip install -r other.txt\n"
    )
    project = Project(tmp_path, roots=(os.path.realpath(tmp_path),))
    project.hashed_requirements = {str(tmp_path / "app/requirements.txt"): True}
    found = run_check("DF121", text, project=project, path=tmp_path / "Dockerfile")
    assert lines(found) == [3]
    assert lines(run_check("DF121", text, path=tmp_path / "Dockerfile")) == [2, 3]


def test_requirements_change_is_seen_through_the_cache(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "requirements.txt").write_text("flask==3.0.3 --hash=sha256:" + "a" * 64 + "\n")
    dockerfile = "FROM python:3.12.5-slim\nRUN pip install -r requirements.txt\n"
    (repo / "Dockerfile").write_text(dockerfile)
    assert _infralint(repo, "--select", "DF121", "Dockerfile").returncode == 0
    assert (repo / ".infralint_cache").is_dir()  # the second run may answer from the cache
    (repo / "requirements.txt").write_text("flask==3.0.3\n")
    assert _infralint(repo, "--select", "DF121", "Dockerfile").returncode == 1


def _infralint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The per-machine cache key lives outside the project (inside it, the cache is refused).
    env = {**os.environ, "XDG_CACHE_HOME": str(cwd.parent / "xdg")}
    return subprocess.run(
        [sys.executable, "-m", "infralint", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_interactive_install_quiet_levels() -> None:
    text = (
        "FROM debian:12.7\n"
        "RUN apt-get -q -q install curl=1\n"
        "RUN apt-get -q=2 install curl=1\n"
        "RUN apt-get -q install curl=1\n"
        "RUN apt-get -o APT::Get::Assume-Yes=true install curl=1\n"
    )
    assert lines(run_check("DF204", text)) == [4]


def test_upgrade_messages_name_the_command() -> None:
    found = run_check("DF115", "FROM debian:12.7\nRUN sudo apt-get dist-upgrade -y\n")
    assert len(found) == 1
    assert found[0].message.startswith("'apt-get dist-upgrade'")


def test_lockfile_rule_reads_env_from_the_base_stage() -> None:
    text = (
        "FROM node:20.16.0-alpine AS base\n"
        "ENV YARN_ENABLE_IMMUTABLE_INSTALLS=true\n"
        "FROM base\n"
        "RUN yarn install\n"
        "RUN npm install --omit=dev\n"
        "RUN npm install -g pm2@5.4.2\n"
    )
    assert lines(run_check("DF114", text)) == [5]


def test_npm_latest_tag_is_a_moving_version() -> None:
    found = run_check("DF108", "FROM node:20.16.0\nRUN npm i -g npm@latest\n")
    assert len(found) == 1
    assert "moving tag 'latest'" in found[0].message


def test_broken_script_still_checked() -> None:
    text = 'FROM debian:12.7\nRUN apt-get install -y curl && echo "unterminated\n'
    assert lines(run_check("DF104", text)) == [2]


def test_package_variables_are_expanded_from_env_and_assignments() -> None:
    text = (
        "FROM debian:12.7\n"
        'ENV DEPS="curl git=1"\n'
        "ARG EXTRA\n"
        'RUN PKGS="make gcc=2" \\\n'
        " && apt-get install -y --no-install-recommends $PKGS ${DEPS} $EXTRA\n"
    )
    found = run_check("DF104", text)
    assert [(v.span.line, v.message) for v in found] == [
        (
            5,
            "2 packages are not pinned: 'make' (from $PKGS), 'curl' (from $DEPS) "
            "(apt-get install <package>=<version>)",
        )
    ]
    assert [item.message for item in found[0].related] == [
        "package 'make' is not pinned; from $PKGS",
        "package 'curl' is not pinned; from $DEPS",
    ]


def test_reassigned_to_unknown_value_is_not_expanded() -> None:
    text = 'FROM alpine:3.20\nRUN P="curl" && P="$(cat list)" && apk add --no-cache $P\n'
    assert run_check("DF105", text) == []


def test_apt_dist_clean_and_apk_no_network_count_as_cleanup() -> None:
    text = (
        "FROM debian:12.7\n"
        "RUN apt-get update; apt-get install -y curl=1; apt-get dist-clean\n"
        "RUN apk add --no-network --virtual .rundeps so:libc.so\n"
        "RUN apt-get update && rm -rf /var/lib/apt/lists/* && apt-get update\n"
    )
    assert lines(run_check("DF513", text)) == [4]


def test_yarn_version_is_not_an_install() -> None:
    text = "FROM node:20.16.0\nRUN yarn --version && yarn\n"
    assert lines(run_check("DF513", text)) == [2]
    assert len(run_check("DF114", text)) == 1


def test_go_install_tool_meta_package() -> None:
    text = "FROM golang:1.24.0\nRUN go install tool && go install example.com/x\n"
    found = run_check("DF110", text)
    assert [v.message for v in found] == [
        "go package 'example.com/x' is not pinned (go install example.com/x@<version>)"
    ]


# --------------------------------------------------------------------------- fixes


def fixes(code: str, text: str) -> list[Fix | None]:
    return [violation.fix for violation in run_check(code, text)]


def fixed(text: str, *codes: str) -> str:
    """The text after one pass of every fix the checks offer."""
    edits = [v.fix for code in codes for v in run_check(code, text) if v.fix is not None]
    return apply_edits(text, edits)[0]


def test_df204_fix_extends_the_install_word() -> None:
    text = "FROM debian:12.7\nRUN apt-get -q install --no-install-recommends curl=1\n"
    (fix,) = fixes("DF204", text)
    assert fix == Fix(Span(2, 16, 2, 23), "install -y", safe=True)
    assert fixed(text, "DF204").splitlines()[1] == (
        "RUN apt-get -q install -y --no-install-recommends curl=1"
    )


def test_df204_fix_for_rpm_tools_and_zypper() -> None:
    text = "FROM rockylinux:9.3\nRUN yum groupinstall x && sudo dnf install y-1 && zypper in z=1\n"
    assert fixed(text, "DF204").splitlines()[1] == (
        "RUN yum groupinstall -y x && sudo dnf install -y y-1 && zypper -n in z=1"
    )
    zypper = fixes("DF204", text)[2]
    assert zypper == Fix(Span(2, 51, 2, 57), "zypper -n")


def test_df204_no_fix_where_the_edit_is_not_trivial() -> None:
    text = (
        "FROM debian:12.7\n"
        "RUN sh -c 'apt-get install curl=1'\n"
        'RUN ["/bin/sh", "-c", "apt-get install curl=1"]\n'
        "RUN apt-get inst\\\n"
        "all curl=1\n"
    )
    found = run_check("DF204", text)
    assert lines(found) == [2, 3, 4]
    assert [v.fix for v in found] == [None, None, None]


def test_df119_fix_inserts_after_install() -> None:
    text = "FROM debian:12.7\nRUN apt install -y curl=1 && aptitude install -y git=1\n"
    found = run_check("DF119", text)
    assert [v.fix for v in found] == [
        Fix(Span(2, 16, 2, 16), " --no-install-recommends"),
        None,  # aptitude spells it --without-recommends
    ]


def test_df204_df119_df513_fixes_on_one_command_apply_together() -> None:
    text = (
        "FROM debian:12.7\n"
        "RUN apt-get update \\\n"
        "    && apt-get install \\\n"
        "        curl=1 \\\n"
        "        git=2\n"
    )
    all_three = ("DF204", "DF119")
    after = fixed(text, *all_three, "DF513")
    assert after == (
        "FROM debian:12.7\n"
        "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends \\\n"
        "        curl=1 \\\n"
        "        git=2 && rm -rf /var/lib/apt/lists/*\n"
    )


def test_df513_fix_inserts_no_cache_options() -> None:
    text = "FROM python:3.12.5-alpine\nRUN apk --update add curl=1 && python3 -m pip install x==1\n"
    assert fixes("DF513", text) == [
        Fix(Span(2, 21, 2, 21), " --no-cache"),
        Fix(Span(2, 54, 2, 54), " --no-cache-dir"),
    ]


def test_df513_fix_appends_to_the_last_line_of_the_chain() -> None:
    text = (
        "FROM rockylinux:9.3\n"
        "RUN yum install -y a-1 && echo ok # done\n"
        "RUN dnf install -y c-1 && \\\n"
        "    dnf install -y \\\n"
        "      d-1\n"
        "RUN dnf install -y e-1 \\\n"
        "  && echo ok\n"
        "RUN dnf install -y f-1 && yum install -y g-1\n"
    )
    assert fixed(text, "DF513") == (
        "FROM rockylinux:9.3\n"
        "RUN yum install -y a-1 && echo ok && yum clean all # done\n"
        "RUN dnf install -y c-1 && \\\n"
        "    dnf install -y \\\n"
        "      d-1 && dnf clean all\n"
        "RUN dnf install -y e-1 \\\n"
        "  && echo ok && dnf clean all\n"
        "RUN dnf install -y f-1 && yum install -y g-1\n"
    )
    found = fixes("DF513", text)
    # Two dnf calls without a clean-up: one edit, offered by both findings; dnf and yum in one
    # RUN would append two different clean-ups at one place: none is offered.
    assert found[1] is not None and found[1] == found[2]
    assert found[4:] == [None, None]


def test_df513_no_append_unless_the_run_is_a_plain_and_chain() -> None:
    text = (
        "FROM rockylinux:9.3\n"
        "RUN dnf install -y a-1; echo ok\n"
        "RUN dnf install -y a-1 || true\n"
        "RUN dnf install -y a-1 | tee log\n"
        "RUN echo && (dnf install -y a-1)\n"
        "RUN echo $(dnf install -y a-1)\n"
        "RUN if true; then dnf install -y a-1; fi\n"
        "RUN <<EOF\ndnf install -y a-1\nEOF\n"
        'RUN ["sh", "-c", "dnf install -y a-1"]\n'
        "RUN apt-get update && apt-get install -y curl=1 && dnf install -y a-1\n"
        "RUN dnf install -y a-1 && dnf install\n"
    )
    found = run_check("DF513", text)
    assert len(found) == 12
    assert [v.fix for v in found] == [None] * 12


def test_df513_apt_clean_up_only_when_no_later_run_needs_the_lists() -> None:
    base = "FROM debian:12.7\nRUN apt-get update && apt-get install -y curl=1\n"
    assert fixes("DF513", base)[0] == Fix(Span(2, 48, 2, 48), " && rm -rf /var/lib/apt/lists/*")
    for later in (
        "RUN apt-get install -y git=1\n",
        "RUN apt-cache policy git\n",
        'RUN ["apt-get", "install", "-y", "git=1"]\n',
        "ONBUILD RUN apt-get install -y git=1\n",
    ):
        assert fixes("DF513", base + later)[0] is None, later
    for later in (
        "RUN apt-get update && apt-get install -y git=1 && rm -rf /var/lib/apt/lists/*\n",
        "RUN apt-get purge -y curl && apt-get autoremove -y\n",
    ):
        assert fixes("DF513", base + later)[0] is not None, later
    # An update that no install follows: removing the lists would make it pointless.
    assert fixes("DF513", "FROM debian:12.7\nRUN apt-get update\n") == [None]
