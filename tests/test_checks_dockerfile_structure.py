"""Structural Dockerfile checks, called directly (the rule documents' examples run elsewhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infralint.catalog import load_catalog
from infralint.model import Fix, Span, Violation
from infralint.parsers.dockerfile import parse_text
from infralint.project import BuildLink, Project
from infralint.registry import checks_for
from tests.helpers import rule_codes, run_check

MY_CODES = rule_codes("dockerfile")


def lines(violations: list[Violation]) -> list[int]:
    return [v.span.line for v in violations]


def test_every_code_has_a_document_and_a_check() -> None:
    catalog = load_catalog()
    registered = dict(checks_for("dockerfile", MY_CODES))
    for code in MY_CODES:
        assert code in catalog.rules, code
        assert code in registered, code


def test_off_by_default_rules_are_in_strict() -> None:
    catalog = load_catalog()
    for code in ("DF103", "DF306"):
        assert not catalog.rules[code].enabled
        assert "strict" in catalog.rules[code].presets


# --------------------------------------------------------------------------- base images


def test_df101_points_at_the_image_and_names_the_arg() -> None:
    (violation,) = run_check("DF101", "ARG BASE=ubuntu\nFROM  ${BASE} AS build\n")
    assert violation.span == Span(2, 7, 2, 14)
    assert "'ubuntu'" in violation.message
    assert "ARG BASE" in violation.message and "line 1" in violation.message


def test_df101_never_for_unresolved_scratch_or_stage() -> None:
    text = "ARG BASE\nFROM $BASE AS a\nFROM scratch\nFROM A\nFROM alpine@sha256:" + "a" * 64
    assert run_check("DF101", text) == []
    # `FROM $BASE` with no default names no image at all: DF527's, not DF120's (one finding).
    assert lines(run_check("DF527", text)) == [2]
    assert run_check("DF120", text) == []
    assert lines(run_check("DF120", "ARG SUFFIX\nFROM alpine:3.20${SUFFIX} AS a\n")) == [2]


def link(args: dict[str, str | None], dockerfile: Path) -> BuildLink:
    return BuildLink(
        compose_path=Path("/project/compose.yaml"),
        service="web",
        context=Path("/project"),
        dockerfile=dockerfile,
        args=args,
        target=None,
        span=Span(3, 5),
    )


def test_df101_df102_use_compose_build_args(tmp_path: Path) -> None:
    dockerfile = (tmp_path / "Dockerfile").resolve()
    text = "ARG BASE=node:20.15.1\nARG TAG\nFROM $BASE\nFROM python:${TAG}\n"
    project = Project(tmp_path, [link({"BASE": "node", "TAG": "latest"}, dockerfile)])
    (untagged,) = run_check("DF101", text, project=project, path=str(dockerfile))
    assert untagged.span.line == 3
    assert "compose.yaml service 'web' build.args" in untagged.message
    (floating,) = run_check("DF102", text, project=project, path=str(dockerfile))
    assert floating.span.line == 4
    assert run_check("DF120", text, project=project, path=str(dockerfile)) == []
    assert lines(run_check("DF527", text)) == [4]  # without compose, `python:` is no image
    assert run_check("DF120", text) == []


@pytest.mark.parametrize("code", ["DF101", "DF102", "DF103", "DF120"])
def test_arg_default_with_digest_is_clean(code: str) -> None:
    text = "ARG IMG=ubuntu:latest@sha256:" + "b" * 64 + "\nFROM $IMG\n"
    assert run_check(code, text) == []


def test_arg_parameterised_from_acceptance() -> None:
    assert lines(run_check("DF101", "ARG BASE=ubuntu\nFROM $BASE\n")) == [2]
    assert lines(run_check("DF102", "ARG TAG=latest\nFROM ubuntu:$TAG\n")) == [2]
    assert lines(run_check("DF527", "ARG BASE\nFROM $BASE\n")) == [2]
    assert run_check("DF101", "ARG BASE\nFROM $BASE\n") == []


def test_df102_words_variants_and_option() -> None:
    text = (
        "FROM a:latest\nFROM b:lts-alpine\nFROM c:stable-slim\nFROM d:3-alpine\nFROM e:mainline\n"
        "FROM f:latest@sha256:" + "a" * 64 + "\nFROM g:dev\n"
    )
    assert lines(run_check("DF102", text)) == [1, 2, 3, 5]
    assert lines(run_check("DF102", text, options={"floating-tags": ["dev"]})) == [7]


def test_df103_allowed_images_and_registries() -> None:
    text = "FROM ubuntu:24.04\nFROM ghcr.io/org/a:1\nFROM quay.io/b:2\nFROM scratch\n"
    assert lines(run_check("DF103", text)) == [1, 2, 3]
    options = {"allowed-images": ["ubuntu"], "allowed-registries": ["ghcr.io"]}
    assert lines(run_check("DF103", text, options=options)) == [3]


def test_df117_inactive_until_configured_and_wildcards() -> None:
    text = (
        "FROM ghcr.io/org/a:1 AS a\nFROM registry.eu.corp.example/b:1\nFROM ubuntu:24.04\n"
        "COPY --from=quay.io/x/y:1 /a /a\nRUN --mount=type=bind,from=a,target=/a true\n"
    )
    assert run_check("DF117", text) == []
    flagged = run_check(
        "DF117", text, options={"trusted-registries": ["ghcr.io", "*.corp.example"]}
    )
    assert lines(flagged) == [3, 4]
    assert lines(run_check("DF117", text, options={"trusted-registries": ["*"]})) == []


def test_df118_images_not_stages() -> None:
    text = (
        "FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=build /a /a\n"
        "COPY --from=ghcr.io/astral-sh/uv /uv /uv\nCOPY --from=nginx:latest /a /b\n"
        "COPY --from=$IMG /a /b\nRUN --mount=from=busybox:edge,target=/b true\n"
    )
    assert lines(run_check("DF118", text)) == [4, 5, 7]


# --------------------------------------------------------------------------- stages & users


def test_df401_final_stage_only_and_inherited() -> None:
    assert run_check("DF401", "FROM a:1 AS b\nUSER root\nFROM c:1\nUSER app\n") == []
    assert lines(run_check("DF401", "FROM a:1 AS b\nUSER root:root\nFROM b\nRUN x\n")) == [2]
    assert lines(run_check("DF401", "FROM a:1\nUSER app\nUSER 0\n")) == [3]


def test_df402_user_inherited_nonroot_and_allowlist() -> None:
    assert lines(run_check("DF402", "FROM a:1\nCMD x\n")) == [1]
    assert run_check("DF402", "FROM a:1 AS b\nUSER app\nFROM b\n") == []
    assert run_check("DF402", "FROM gcr.io/distroless/static:nonroot\n") == []
    assert (
        run_check("DF402", "FROM bitnami/nginx:1\n", options={"allowed-images": ["bitnami/*"]})
        == []
    )
    assert run_check("DF402", "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n") == []


def test_df306_inherited_healthcheck() -> None:
    assert lines(run_check("DF306", "FROM a:1 AS b\nHEALTHCHECK NONE\nFROM c:1\n")) == [3]
    assert run_check("DF306", "FROM a:1 AS b\nHEALTHCHECK NONE\nFROM b\n") == []


def test_df505_df506_stage_references() -> None:
    text = (
        "FROM a:1 AS Build\nCOPY --from=build /x /x\nCOPY --from=0 /x /x\nFROM b:1\n"
        "COPY --from=BUILD /x /x\nCOPY --from=0 /x /x\nCOPY --from=1 /x /x\nCOPY --from=2 /x /x\n"
        "COPY --from=nope /x /x\nCOPY --from=nginx:1 /x /x\nCOPY --from=${S} /x /x\n"
    )
    assert lines(run_check("DF505", text)) == [8, 9]
    assert lines(run_check("DF506", text)) == [2, 3, 7]


def test_df507_case_insensitive() -> None:
    assert lines(
        run_check("DF507", "FROM a:1 AS x\nFROM b:1 AS X\nFROM c:1 AS y\nFROM d:1 AS x\n")
    ) == [
        2,
        4,
    ]


def test_df512_workdir_inherited_and_order() -> None:
    text = (
        "FROM a:1 AS base\nCOPY a b\nWORKDIR /app\nCOPY a b\nFROM base\nCOPY c d\n"
        "FROM x:1\nCOPY e f\n"
    )
    assert lines(run_check("DF512", text)) == [2, 8]


# --------------------------------------------------------------------------- instructions


def test_df202_windows_variable_and_quotes() -> None:
    text = 'FROM a:1\nWORKDIR app\nWORKDIR "/x"\nWORKDIR $HOME\nWORKDIR C:\\\\app\nWORKDIR ./y\n'
    assert lines(run_check("DF202", text)) == [2]  # ./y is under "/x"
    assert lines(run_check("DF202", "FROM a:1\nWORKDIR ./y\nFROM b:1\nWORKDIR /\n")) == [2]


def test_df404_names_values_files_and_onbuild() -> None:
    text = (
        "FROM a:1\nARG GITHUB_TOKEN\nENV DB_PASSWORD_FILE=/run/secrets/db\nENV SAFE=1\n"
        "LABEL k=ghp_abcdefghijklmnopqrstuvwxyz0123456789\nONBUILD ENV API_KEY=x\n"
        "COPY id_ed25519 .env.example .env /root/\nENV MY_SECRET_NAME=x OTHER=1\n"
    )
    found = run_check("DF404", text)
    assert lines(found) == [2, 5, 6, 7, 7, 8]
    assert "'id_ed25519'" in found[3].message
    assert "'.env'" in found[4].message


def test_df406_archives_urls_and_variables() -> None:
    text = (
        "FROM a:1\nADD a.tar.gz /\nADD https://x/y /y\nADD $SRC /z\nADD conf /etc/\n"
        'ADD ["dist.zip", "/srv/"]\nADD <<EOF /x\nhi\nEOF\n'
    )
    assert lines(run_check("DF406", text)) == [5, 6]


def test_df501_df502_per_stage() -> None:
    text = "FROM a:1\nCMD a\nENTRYPOINT b\nCMD c\nFROM b:1\nCMD d\nENTRYPOINT e\nENTRYPOINT f\n"
    assert lines(run_check("DF501", text)) == [4]
    assert lines(run_check("DF502", text)) == [8]


def test_df504_sources_heredocs_and_windows() -> None:
    text = (
        "FROM a:1\nCOPY a b /c\nCOPY a b /c/\nADD a b c\nCOPY <<A <<B /d\nx\nA\ny\nB\n"
        "COPY a /single\n"
    )
    assert lines(run_check("DF504", text)) == [2, 4, 5]
    assert run_check("DF504", "# escape=`\nFROM a:1\nCOPY a b C:\\dir\\\n") == []


def test_df508_ports() -> None:
    text = "FROM a:1\nEXPOSE 80 65535 65536\nEXPOSE 0\nEXPOSE 10-5\nEXPOSE abc $P 53/udp\n"
    assert lines(run_check("DF508", text)) == [2, 3, 4, 5]


def test_df509_every_instruction_before_from() -> None:
    assert lines(run_check("DF509", "ARG A=1\nENV B=2\nLABEL c=d\nFROM x:1\nENV E=3\n")) == [2, 3]


def test_df510_self_reference() -> None:
    text = (
        "FROM a:1\nENV A=1 B=$A\nENV PATH=$PATH:/x C=$C\nENV D=${E} E=1\nENV F=1 G=$FOO\n"
        "ARG V\nENV V=1 W=$V\n"
    )
    assert [v.span.line for v in run_check("DF510", text)] == [2, 4]


def test_df511_platform() -> None:
    text = (
        "FROM --platform=linux/amd64 a:1\nFROM --platform=$TARGETPLATFORM b:1\n"
        "FROM --platform=${TARGETPLATFORM} c:1\nFROM --platform=$BUILDPLATFORM d:1\n"
        "FROM --platform=$P e:1\n"
    )
    found = run_check("DF511", text)
    assert lines(found) == [1, 2, 3]
    assert [v.peer for v in found] == ["DL3029", "DL3065", "DL3065"]


def test_df514_consecutive_runs() -> None:
    text = (
        "FROM a:1\nRUN a\n# comment\nRUN b\nRUN --mount=type=cache,target=/c c\nRUN d\nWORKDIR /\n"
        "RUN e && f\nRUN h\nRUN i\n"
    )
    assert lines(run_check("DF514", text)) == [4, 10]


def test_df517_df503_onbuild() -> None:
    text = "FROM a:1\nMAINTAINER me\nONBUILD MAINTAINER me\nONBUILD ONBUILD RUN x\nONBUILD FROM b\n"
    assert lines(run_check("DF503", text)) == [2]
    found = run_check("DF517", text)
    assert [(v.span.line, v.span.column) for v in found] == [(3, 9), (4, 9), (5, 9)]


def test_df518_df519_df520() -> None:
    assert lines(
        run_check("DF518", "FROM a:1 AS scratch\nFROM b:1 AS context\nFROM c:1 AS x\n")
    ) == [
        1,
        2,
    ]
    text = 'FROM a:1 AS b\nFROM c:1\nCOPY --from=b / /\nCOPY --from=b "/" /x\nCOPY / /\n'
    assert lines(run_check("DF519", text)) == [3]
    labels = "FROM a:1\nLABEL a.b=1 A=2 com.docker.x=3 x-=4 a--b=5 1a=6 ok/key_1=7\n"
    assert len(run_check("DF520", labels)) == 5


@pytest.mark.parametrize("code", MY_CODES)
def test_checks_tolerate_broken_documents(code: str) -> None:
    text = "RUN <<EOF\n{{ garbage }}\nFROM\nCOPY --from= \nEXPOSE\nLABEL\nENV\nONBUILD\nUSER\n"
    run_check(code, text)
    run_check(code, "")
    run_check(code, "FROM a:1\nHEALTHCHECK\nWORKDIR\nCOPY\nADD\n")


def test_df503_fix_rewrites_maintainer_as_the_authors_label() -> None:
    text = 'FROM a:1\nMAINTAINER  Jane "JD" $x \\d <j@e.com>\n'
    (found,) = run_check("DF503", text)
    assert found.fix == Fix(
        Span(2, 1, 2, 38),
        'LABEL org.opencontainers.image.authors="Jane \\"JD\\" \\$x \\\\d <j@e.com>"',
        safe=True,
    )
    label = parse_text(f"FROM a:1\n{found.fix.replacement}\n").instructions[1]
    assert [(p.key, p.value) for p in label.pairs()] == [
        ("org.opencontainers.image.authors", 'Jane "JD" $x \\d <j@e.com>')
    ]


def test_df503_fix_follows_the_escape_directive_and_keyword_case() -> None:
    text = '# escape=`\nFROM a:1\nmaintainer J`ane "D" \\x\n'
    (found,) = run_check("DF503", text)
    assert found.fix is not None
    assert found.fix.replacement == 'label org.opencontainers.image.authors="J``ane `"D`" \\x"'
    label = parse_text(f"# escape=`\nFROM a:1\n{found.fix.replacement}\n").instructions[1]
    assert label.pairs()[0].value == 'J`ane "D" \\x'


def test_df503_no_fix_when_the_label_would_clash_or_span_lines() -> None:
    two = "FROM a:1\nMAINTAINER me\nMAINTAINER you\n"
    labelled = 'FROM a:1\nLABEL org.opencontainers.image.authors="me"\nMAINTAINER me\n'
    continued = "FROM a:1\nMAINTAINER Jane \\\n  Doe\n"
    for text in (two, labelled, continued):
        assert [v.fix for v in run_check("DF503", text)] == [None] * text.count("MAINTAINER"), text
    # One per stage is fine.
    found = run_check("DF503", "FROM a:1\nMAINTAINER me\nFROM b:1\nMAINTAINER you\n")
    assert all(v.fix is not None for v in found) and len(found) == 2
